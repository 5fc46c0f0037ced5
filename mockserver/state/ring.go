package state

// ring is a bounded FIFO that drops its oldest element when full. Its
// buffer grows with use up to size, so a thousand idle namespaces do not
// each hold a full buffer.
type ring[T any] struct {
	buf   []T
	start int // index of the oldest element once buf is full
	size  int
}

// push appends v and returns the element it dropped, if any (v itself when
// size is 0).
func (r *ring[T]) push(v T) (dropped T, ok bool) {
	if r.size <= 0 {
		return v, true
	}
	if len(r.buf) < r.size {
		r.buf = append(r.buf, v)
		return dropped, false
	}
	dropped = r.buf[r.start]
	r.buf[r.start] = v
	r.start = (r.start + 1) % r.size
	return dropped, true
}

// popOldest removes and returns the oldest element.
func (r *ring[T]) popOldest() (v T, ok bool) {
	if len(r.buf) == 0 {
		return v, false
	}
	items := r.items()
	v = items[0]
	r.buf, r.start = items[1:], 0
	return v, true
}

// items returns a copy, oldest first.
func (r *ring[T]) items() []T {
	out := make([]T, 0, len(r.buf))
	out = append(out, r.buf[r.start:]...)
	return append(out, r.buf[:r.start]...)
}

func (r *ring[T]) clear() {
	r.buf, r.start = nil, 0
}
