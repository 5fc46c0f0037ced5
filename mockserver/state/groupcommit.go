package state

import (
	"errors"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// groupCommit runs the writes of concurrent callers in as few bbolt
// transactions as it can (group commit, as databases do for their logs).
// bbolt has one writer at a time and a commit costs a few page writes
// whatever it holds, so a transaction per signin makes the file store's
// throughput the commit rate. Here a write joins the batch that gathers
// while the previous commit runs, and the batch commits as one
// transaction; every caller still returns only once its own write is in
// the file, so an acknowledged signup survives SIGKILL as before (issue
// 11). Under no concurrency a batch is one write: no timer, no delay.
//
// Sessions are written behind (writeBehind): queued in the same order,
// committed with the next batch, without their caller waiting. A batch
// then holds everything that arrived during the previous commit, which is
// what makes the file store's signin cost a fraction of a commit
// (BenchmarkStores); see sessionlog.go for what a SIGKILL can lose.
//
// bbolt's own DB.Batch closes a batch when a timer fires rather than when
// the writer becomes free, so at a small MaxBatchDelay its batches stay
// small and at a large one every lone write waits for the timer.
type groupCommit struct {
	db     *bolt.DB
	wake   chan struct{} // capacity 1: writes behind are waiting
	urgent chan struct{} // capacity 1: a caller waits for its write
	quit   chan struct{}
	done   chan struct{} // closed when the committer has stopped

	closeOnce sync.Once

	onErr func(error) // a write behind that failed

	mu     sync.Mutex
	next   *writeBatch // the batch gathering writes; nil when none
	closed bool
}

type writeBatch struct {
	fns    []func(*bolt.Bucket) error
	behind []bool // no caller waits for fns[i]: its error goes to onErr
	errs   []error
	done   chan struct{}
}

// behindDelay is how long writes behind may gather when nobody waits for
// a commit: one commit then carries a millisecond of signins. It bounds
// what a SIGKILL can lose (sessionlog.go).
const behindDelay = time.Millisecond

// maxBehind bounds the writes a batch gathers without anyone waiting: past
// it, a write behind waits for the commit like any other (backpressure),
// so a commit slower than the requests cannot grow the queue without end.
const maxBehind = 4096

var errStoreClosed = errors.New("state: store closed")

func newGroupCommit(db *bolt.DB, onErr func(error)) *groupCommit {
	g := &groupCommit{db: db, onErr: onErr, wake: make(chan struct{}, 1), urgent: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{})}
	go g.loop()
	return g
}

// write runs fn in a read-write transaction shared with other callers'
// writes, after those queued before it, and returns once that transaction
// is committed (or failed: then fn's own error, or the commit's).
func (g *groupCommit) write(fn func(*bolt.Bucket) error) error {
	b, i, err := g.add(fn, false)
	if err != nil {
		return err
	}
	<-b.done
	return b.errs[i]
}

// writeBehind queues fn after the writes queued before it and returns
// without waiting for its commit, unless maxBehind writes wait already.
func (g *groupCommit) writeBehind(fn func(*bolt.Bucket) error) {
	b, _, err := g.add(fn, true)
	if err != nil {
		g.onErr(err)
		return
	}
	if len(b.fns) > maxBehind {
		signal(g.urgent)
		<-b.done
	}
}

func (g *groupCommit) add(fn func(*bolt.Bucket) error, behind bool) (*writeBatch, int, error) {
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return nil, 0, errStoreClosed
	}
	if g.next == nil {
		g.next = &writeBatch{done: make(chan struct{})}
	}
	b, i := g.next, len(g.next.fns)
	b.fns = append(b.fns, fn)
	b.behind = append(b.behind, behind)
	g.mu.Unlock()
	if behind {
		signal(g.wake)
	} else {
		signal(g.urgent)
	}
	return b, i, nil
}

func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default: // the committer is woken already
	}
}

func (g *groupCommit) loop() {
	defer close(g.done)
	delay := time.NewTimer(behindDelay)
	delay.Stop()
	for {
		quit := false
		select {
		case <-g.urgent:
		case <-g.wake: // only writes behind: let more gather, unless a caller comes to wait
			delay.Reset(behindDelay)
			select {
			case <-delay.C:
			case <-g.urgent:
				delay.Stop()
			case <-g.quit:
				quit = true
			}
		case <-g.quit:
			quit = true
		}
		if quit {
			g.mu.Lock()
			b := g.next
			g.next, g.closed = nil, true
			g.mu.Unlock()
			if b != nil { // writes that arrived before close still land
				g.commit(b)
			}
			return
		}
		g.mu.Lock()
		b := g.next
		g.next = nil
		g.mu.Unlock()
		if b != nil {
			g.commit(b)
		}
	}
}

// commit runs the batch as one transaction. When one write fails, the
// transaction is rolled back and each write runs again in its own, so a
// failing write (a key too large, say) fails alone.
func (g *groupCommit) commit(b *writeBatch) {
	defer close(b.done)
	defer func() {
		for i, err := range b.errs {
			if err != nil && b.behind[i] {
				g.onErr(err)
			}
		}
	}()
	b.errs = make([]error, len(b.fns))
	failed := -1
	err := g.db.Update(func(tx *bolt.Tx) error {
		bk := tx.Bucket(boltBucket)
		for i, fn := range b.fns {
			if err := fn(bk); err != nil {
				failed = i
				return err
			}
		}
		return nil
	})
	if err == nil {
		return
	}
	if failed < 0 || len(b.fns) == 1 { // the commit itself failed, or one write alone
		for i := range b.errs {
			b.errs[i] = err
		}
		return
	}
	for i, fn := range b.fns {
		b.errs[i] = g.db.Update(func(tx *bolt.Tx) error { return fn(tx.Bucket(boltBucket)) })
	}
}

// close commits what is queued and stops the committer; later calls wait
// for the first.
func (g *groupCommit) close() {
	g.closeOnce.Do(func() { close(g.quit) })
	<-g.done
}
