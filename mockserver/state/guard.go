package state

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// guarded is the backend every file and Redis store is used through
// (issue 19). It keeps three promises the stores cannot keep alone:
//
//   - A call to a remote backend (Redis) returns within Config.Deadline,
//     whatever the client library does: it runs beside the caller, who
//     stops waiting at the deadline (ErrDeadline). A Redis stopped with
//     SIGSTOP or cut off by a partition accepts connections and never
//     answers; dial, read and write timeouts and retries each bound a
//     part, and only a wait on the caller's side bounds their sum. The
//     abandoned call ends by the client's own timeouts (redis.go).
//   - Every error is one of the store failures (errors.go), the
//     backend's own text kept behind it for the log.
//   - Once a call failed for want of an answer (ErrUnavailable,
//     ErrDeadline), the store is marked down and calls fail at once with
//     ErrUnavailable until a probe (ping, every probeInterval) answers:
//     during an outage requests are answered 503 at once instead of each
//     waiting the deadline, and connections do not pile up.
type guarded struct {
	inner    backend
	deadline time.Duration
	bounded  bool // calls cross a socket: bounded by a wait (local ones run in place)
	onChange func(error)

	down    atomic.Bool
	probing atomic.Bool
	quit    chan struct{}
	once    sync.Once
}

// probeInterval is how often a store marked down is pinged.
const probeInterval = 100 * time.Millisecond

// optionalWait bounds the wait for a read an answer does not depend on (a
// get_countries fault check: Store.FaultAhead): such an operation does not
// wait for the store beyond it.
const optionalWait = 100 * time.Millisecond

func newGuard(inner backend, deadline time.Duration, onChange func(error)) *guarded {
	return &guarded{inner: inner, deadline: deadline, bounded: inner.remote(), onChange: onChange, quit: make(chan struct{})}
}

var errDeadlineWait = errors.New("no answer")

// run calls f within the deadline (see guarded). The results f returns
// after the deadline are dropped, never read: f must write nothing the
// caller reads but its own results.
func run[T any](g *guarded, f func() (T, error)) (T, error) {
	var zero T
	if g.down.Load() {
		return zero, g.unavailable()
	}
	if !g.bounded {
		v, err := f()
		return v, g.seen(err)
	}
	v, err, timedOut := within(g.deadline, f)
	if timedOut {
		return zero, g.seen(err)
	}
	return v, g.seen(err)
}

// within runs f beside the caller and waits at most d for it.
func within[T any](d time.Duration, f func() (T, error)) (T, error, bool) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1) // f's goroutine never blocks on an abandoned wait
	go func() {
		v, err := f()
		done <- result{v, err}
	}()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case r := <-done:
		return r.v, r.err, false
	case <-t.C:
		var zero T
		return zero, fmt.Errorf("%w (%v)", ErrDeadline, d), true
	}
}

// ErrDown is wrapped, with ErrUnavailable, by the errors of calls made
// while the store is marked down: Config.OnAvailability told of it
// already, so a caller need not log each.
var ErrDown = errors.New("it failed a moment ago and has not answered a probe since")

func (g *guarded) unavailable() error { return fmt.Errorf("%w: %w", ErrUnavailable, ErrDown) }

// seen maps err to a store failure, and marks the store down when the
// failure is a lack of answer.
func (g *guarded) seen(err error) error {
	if err == nil {
		return nil
	}
	kind := Failure(err)
	if kind == nil {
		kind = g.inner.classify(err)
		err = fmt.Errorf("%w: %v", kind, err)
	}
	if kind == ErrUnavailable || kind == ErrDeadline {
		g.markDown(err)
	}
	return err
}

func (g *guarded) markDown(err error) {
	select {
	case <-g.quit: // closed: a call that was under way, not an outage
		return
	default:
	}
	if !g.down.Swap(true) && g.onChange != nil {
		g.onChange(err)
	}
	g.startProbe()
}

// startProbe starts the prober unless it runs. It is also started when a
// wait for an optional read ran out (optionalWait) while the store is not
// marked down: then a failed ping marks it down.
func (g *guarded) startProbe() {
	if !g.probing.CompareAndSwap(false, true) {
		return
	}
	go g.probe()
}

func (g *guarded) probe() {
	tick := time.NewTicker(probeInterval)
	defer tick.Stop()
	for {
		_, err, _ := within(g.deadline, func() (struct{}, error) {
			ctx, cancel := context.WithTimeout(context.Background(), g.deadline)
			defer cancel()
			return struct{}{}, g.inner.ping(ctx)
		})
		if err == nil {
			if g.down.Swap(false) && g.onChange != nil {
				g.onChange(nil)
			}
			g.probing.Store(false)
			if g.down.Load() { // marked down again while this prober was leaving
				g.startProbe()
			}
			return
		}
		if !g.down.Swap(true) && g.onChange != nil {
			g.onChange(fmt.Errorf("%w: %v", ErrUnavailable, err))
		}
		select {
		case <-tick.C:
		case <-g.quit:
			g.probing.Store(false)
			return
		}
	}
}

type getResult struct {
	b   []byte
	ok  bool
	err error // ahead's
}

func (g *guarded) get(key string) ([]byte, bool, error) {
	r, err := run(g, func() (getResult, error) {
		b, ok, err := g.inner.get(key)
		return getResult{b: b, ok: ok}, err
	})
	return r.b, r.ok, err
}

// getAhead's deadline runs from the start of the read, not from the wait.
func (g *guarded) getAhead(key string) func() ([]byte, bool, error) {
	return g.ahead(key, 0)
}

// getOptional reads ahead a value an answer does not depend on: with the
// store down, at once nothing; else waited for at most optionalWait, after
// which the store is probed and the read counts as absent (no error).
func (g *guarded) getOptional(key string) func() ([]byte, bool, error) {
	return g.ahead(key, optionalWait)
}

func (g *guarded) ahead(key string, optional time.Duration) func() ([]byte, bool, error) {
	if g.down.Load() {
		if optional > 0 {
			return func() ([]byte, bool, error) { return nil, false, nil }
		}
		err := g.unavailable()
		return func() ([]byte, bool, error) { return nil, false, err }
	}
	wait := g.inner.getAhead(key)
	if !g.bounded {
		return func() ([]byte, bool, error) {
			b, ok, err := wait()
			return b, ok, g.seen(err)
		}
	}
	// The read is waited for beside the caller from now on, so that a
	// caller who comes for it late (after a Prefer delay) takes an answer
	// that is there without a timer, and the deadline runs from the
	// start of the read.
	start := time.Now()
	done := make(chan getResult, 1)
	go func() {
		b, ok, err := wait()
		done <- getResult{b, ok, err}
	}()
	d := g.deadline
	if optional > 0 {
		d = min(d, optional)
	}
	return func() ([]byte, bool, error) {
		var r getResult
		select {
		case r = <-done:
		default:
			t := time.NewTimer(max(d-time.Since(start), 0))
			defer t.Stop()
			select {
			case r = <-done:
			case <-t.C:
				if optional > 0 {
					g.startProbe() // the store may be silent: the probe finds out
					return nil, false, nil
				}
				return nil, false, g.seen(fmt.Errorf("%w (%v)", ErrDeadline, d))
			}
		}
		if r.err != nil {
			err := g.seen(r.err)
			if optional > 0 {
				return nil, false, nil
			}
			return nil, false, err
		}
		return r.b, r.ok, nil
	}
}

func (g *guarded) put(key string, val []byte, ttl time.Duration) error {
	_, err := run(g, func() (struct{}, error) { return struct{}{}, g.inner.put(key, val, ttl) })
	return err
}

func (g *guarded) insert(key string, val []byte) (bool, error) {
	return run(g, func() (bool, error) { return g.inner.insert(key, val) })
}

func (g *guarded) insertAccount(key, counter, uidKey string, val []byte) (int64, error) {
	return run(g, func() (int64, error) { return g.inner.insertAccount(key, counter, uidKey, val) })
}

func (g *guarded) del(keys ...string) error {
	_, err := run(g, func() (struct{}, error) { return struct{}{}, g.inner.del(keys...) })
	return err
}

func (g *guarded) scan(prefix string) ([]kvPair, error) {
	return run(g, func() ([]kvPair, error) { return g.inner.scan(prefix) })
}

func (g *guarded) delPrefix(prefix string) error {
	_, err := run(g, func() (struct{}, error) { return struct{}{}, g.inner.delPrefix(prefix) })
	return err
}

func (g *guarded) push(key string, val []byte, max int) error {
	_, err := run(g, func() (struct{}, error) { return struct{}{}, g.inner.push(key, val, max) })
	return err
}

func (g *guarded) list(key string) ([][]byte, error) {
	return run(g, func() ([][]byte, error) { return g.inner.list(key) })
}

// update's f runs beside the caller with a remote store: past the
// deadline it may still run, so f writes only what the caller reads when
// update returned nil.
func (g *guarded) update(key string, f func(old []byte, ok bool) []byte) error {
	_, err := run(g, func() (struct{}, error) { return struct{}{}, g.inner.update(key, f) })
	return err
}

func (g *guarded) ping(ctx context.Context) error { return g.inner.ping(ctx) }
func (g *guarded) classify(err error) error       { return g.inner.classify(err) }
func (g *guarded) remote() bool                   { return g.bounded }

func (g *guarded) close() error {
	g.once.Do(func() { close(g.quit) })
	return g.inner.close()
}
