package state

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gomodule/redigo/redis"
)

// pipeline sends the single-key commands of concurrent callers (a
// signin's reads and its session write) on one shared connection without
// waiting for each other's replies: each caller writes its command and
// waits; one reader goroutine reads the replies, which Redis sends in the
// order of the commands, and hands each to its caller. Many requests'
// commands then share the server's reads and writes instead of a round
// trip each on a connection of their own (issue 11: BenchmarkStores).
// Issue 20 wrote it for redigo, which has no automatic pipelining.
//
// A connection carries no state between commands (no WATCH, no MULTI, no
// SELECT after the dial), so any command's reply is its caller's alone.
// When a reply does not come within the deadline, or the connection
// fails, it is closed and every caller waiting on it fails with that
// error: a connection is never used again with a reply still in flight.
// The next command dials a new one.
type pipeline struct {
	dial    func(ctx context.Context) (redis.Conn, error)
	timeout time.Duration // each command's: from its write to its reply

	mu     sync.Mutex // held while writing: commands are queued in the order they are sent
	cur    *pipeConn  // nil, or possibly failed: then replaced on next use
	closed bool

	// writers counts the callers from wanting mu to having written: the
	// last of a burst flushes what all of them wrote, one write to the
	// socket for many commands, as go-redis's batches were.
	writers atomic.Int32
}

// pipeConn is one connection of a pipeline and the callers waiting on it.
type pipeConn struct {
	c redis.Conn // one writer (under pipeline.mu) and one reader (read) at once: redigo allows it

	mu    sync.Mutex
	more  *sync.Cond // signalled when queue grows or err is set
	queue []*pipeCall
	err   error // set once: the connection is closed, queue failed
}

// pipeCall is one command's reply, done once it is set.
type pipeCall struct {
	deadline time.Time
	reply    any
	err      error
	done     chan struct{}
}

func (c *pipeCall) finish(reply any, err error) {
	c.reply, c.err = reply, err
	close(c.done)
}

// wait returns the command's reply: a redis.Error is the server's
// refusal of this command alone; any other error failed the connection.
func (c *pipeCall) wait() (any, error) {
	<-c.done
	return c.reply, c.err
}

var errPipelineClosed = errors.New("state: redis: pipeline closed")

func newPipeline(dial func(ctx context.Context) (redis.Conn, error), timeout time.Duration) *pipeline {
	return &pipeline{dial: dial, timeout: timeout}
}

// do sends the command and waits for its reply.
func (p *pipeline) do(cmd string, args ...any) (any, error) {
	return p.start(cmd, args...).wait()
}

// start sends the command and returns at once; wait for its reply later.
// Its reply is read whether or not anyone waits for it.
func (p *pipeline) start(cmd string, args ...any) *pipeCall {
	call := &pipeCall{done: make(chan struct{})}
	p.writers.Add(1)
	p.mu.Lock()
	defer func() {
		if p.writers.Add(-1) == 0 && p.cur != nil { // no one is about to write more
			if err := p.cur.c.Flush(); err != nil {
				p.cur.fail(err)
			}
		}
		p.mu.Unlock()
	}()
	if p.closed {
		call.finish(nil, errPipelineClosed)
		return call
	}
	if p.cur == nil || p.cur.failed() {
		ctx, cancel := context.WithTimeout(context.Background(), p.timeout)
		c, err := p.dial(ctx)
		cancel()
		if err != nil {
			call.finish(nil, err)
			return call
		}
		p.cur = newPipeConn(c)
	}
	pc := p.cur
	call.deadline = time.Now().Add(p.timeout)
	if err := pc.enqueue(call); err != nil { // failed since: the reader is gone
		call.finish(nil, err)
		return call
	}
	// Queued before it is written: the reader may wait for its reply
	// already, and a failed write fails it with the others.
	if err := pc.c.Send(cmd, args...); err != nil {
		pc.fail(err)
	}
	return call
}

// close fails the commands in flight and refuses the next ones.
func (p *pipeline) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	if p.cur != nil {
		p.cur.fail(errPipelineClosed)
	}
}

func newPipeConn(c redis.Conn) *pipeConn {
	pc := &pipeConn{c: c}
	pc.more = sync.NewCond(&pc.mu)
	go pc.read()
	return pc
}

func (pc *pipeConn) failed() bool {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	return pc.err != nil
}

func (pc *pipeConn) enqueue(call *pipeCall) error {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if pc.err != nil {
		return pc.err
	}
	pc.queue = append(pc.queue, call)
	pc.more.Signal()
	return nil
}

// fail closes the connection and fails every call queued on it, and
// returns the error they failed with: the first, the cause (a read cut
// short by close fails with close's error, not the read's).
func (pc *pipeConn) fail(err error) error {
	pc.mu.Lock()
	if pc.err != nil {
		first := pc.err
		pc.mu.Unlock()
		return first
	}
	pc.err = err
	queue := pc.queue
	pc.queue = nil
	pc.more.Broadcast()
	pc.mu.Unlock()
	pc.c.Close() // a read under way returns at once
	for _, call := range queue {
		call.finish(nil, err)
	}
	return err
}

// next takes the oldest call waiting for its reply; false once failed.
func (pc *pipeConn) next() (*pipeCall, bool) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	for len(pc.queue) == 0 && pc.err == nil {
		pc.more.Wait()
	}
	if pc.err != nil {
		return nil, false
	}
	call := pc.queue[0]
	pc.queue[0] = nil
	pc.queue = pc.queue[1:]
	return call, true
}

// read hands each reply to its call, in order, until the connection
// fails. Every call is answered by its deadline: the read of the oldest
// one stops then, and with it the connection.
func (pc *pipeConn) read() {
	for {
		call, ok := pc.next()
		if !ok {
			return
		}
		left := time.Until(call.deadline)
		if left <= 0 { // 0 would be no timeout at all
			call.finish(nil, pc.fail(fmt.Errorf("redis: no reply within the deadline: %w", context.DeadlineExceeded)))
			return
		}
		reply, err := redis.ReceiveWithTimeout(pc.c, left)
		var rerr redis.Error
		if err != nil && !errors.As(err, &rerr) { // a refusal of this command leaves the connection in step
			call.finish(nil, pc.fail(err))
			return
		}
		call.finish(reply, err)
	}
}
