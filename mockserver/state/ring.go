package state

// ring is a bounded FIFO that drops its oldest element when full. Its
// buffer grows with use up to size, so a thousand idle namespaces do not
// each hold a full buffer.
type ring[T any] struct {
	buf   []T
	start int // index of the oldest element once buf is full
	size  int
}

func (r *ring[T]) push(v T) {
	if r.size <= 0 {
		return
	}
	if len(r.buf) < r.size {
		r.buf = append(r.buf, v)
		return
	}
	r.buf[r.start] = v
	r.start = (r.start + 1) % r.size
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
