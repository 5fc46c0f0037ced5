package state

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/nebeus/nebeus-contract/internal/testutil"
)

// The pipeline (redispipe.go) against a real redis-server: replies reach
// their own callers under concurrency, a refused command fails alone, a
// silent or gone server fails every caller in flight within the deadline
// and the connection is replaced, and close fails what is in flight.

const (
	pipeDeadline = 300 * time.Millisecond
	pipeSlack    = time.Second // what a loaded machine under -race adds
)

func startPipeline(t *testing.T, r *testutil.RedisServer) *pipeline {
	t.Helper()
	addr, opts, err := parseRedisURL(r.URL)
	if err != nil {
		t.Fatal(err)
	}
	opts = append(opts, redis.DialConnectTimeout(pipeDeadline), redis.DialReadTimeout(pipeDeadline), redis.DialWriteTimeout(pipeDeadline))
	p := newPipeline(func(ctx context.Context) (redis.Conn, error) { return redis.DialContext(ctx, "tcp", addr, opts...) }, pipeDeadline)
	t.Cleanup(p.close)
	return p
}

// answer waits for call at most limit: a call never answered fails the
// test instead of hanging it.
func answer(t *testing.T, call *pipeCall, limit time.Duration) (any, error) {
	t.Helper()
	select {
	case <-call.done:
		return call.wait()
	case <-time.After(limit):
		t.Fatalf("no answer within %v", limit)
		return nil, nil
	}
}

// clientID is the id Redis gives the pipeline's connection.
func clientID(t *testing.T, p *pipeline) int64 {
	t.Helper()
	id, err := redis.Int64(p.do("CLIENT", "ID"))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestPipeline(t *testing.T) {
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, p *pipeline, r *testutil.RedisServer)
	}{
		{"each reply reaches its own caller", func(t *testing.T, p *pipeline, _ *testutil.RedisServer) {
			// 64 callers, each starting 32 commands before waiting for
			// any, then waiting for them last first: a reply handed to
			// the wrong call echoes another caller's text.
			var wg sync.WaitGroup
			for g := range 64 {
				wg.Go(func() {
					calls := make([]*pipeCall, 32)
					for i := range calls {
						calls[i] = p.start("ECHO", fmt.Sprintf("caller %d command %d", g, i))
					}
					for i := len(calls) - 1; i >= 0; i-- {
						got, err := redis.String(calls[i].wait())
						if want := fmt.Sprintf("caller %d command %d", g, i); err != nil || got != want {
							t.Errorf("%q, %v; want %q", got, err, want)
							return // one per caller is enough
						}
					}
				})
			}
			wg.Wait()
		}},
		{"a refused command fails alone", func(t *testing.T, p *pipeline, _ *testutil.RedisServer) {
			id := clientID(t, p)
			if _, err := p.do("SET", "pipe:text", "not a number"); err != nil {
				t.Fatal(err)
			}
			refused := p.start("INCR", "pipe:text")
			after := p.start("ECHO", "after")
			var rerr redis.Error
			if _, err := answer(t, refused, pipeSlack); !errors.As(err, &rerr) {
				t.Errorf("INCR of a text: %v, want Redis's refusal", err)
			}
			if got, err := redis.String(answer(t, after, pipeSlack)); err != nil || got != "after" {
				t.Errorf("the command after a refused one: %q %v", got, err)
			}
			if clientID(t, p) != id {
				t.Error("a refused command cost the connection")
			}
		}},
		{"a silent server fails its one caller within the deadline", func(t *testing.T, p *pipeline, r *testutil.RedisServer) {
			silent(t, p, r, 1)
		}},
		{"a silent server fails every caller within the deadline", func(t *testing.T, p *pipeline, r *testutil.RedisServer) {
			silent(t, p, r, 8)
		}},
		{"a server gone fails every caller", func(t *testing.T, p *pipeline, r *testutil.RedisServer) {
			clientID(t, p)
			r.Kill()
			for i := range 4 {
				_, err := answer(t, p.start("ECHO", "gone"), pipeDeadline+pipeSlack)
				if err == nil || redisFailure(err) != ErrUnavailable {
					t.Errorf("call %d to a killed server: %v, want unavailable", i, err)
				}
			}
			r.Restart()
			if got, err := redis.String(p.do("ECHO", "again")); err != nil || got != "again" {
				t.Errorf("after a restart: %q %v", got, err)
			}
		}},
		{"close fails the callers in flight and refuses the next", func(t *testing.T, p *pipeline, r *testutil.RedisServer) {
			clientID(t, p)
			r.Pause()
			defer r.Resume()
			inFlight := p.start("ECHO", "in flight")
			p.close()
			if _, err := answer(t, inFlight, pipeDeadline/2); !errors.Is(err, errPipelineClosed) {
				t.Errorf("a call in flight at close: %v, want %v", err, errPipelineClosed)
			}
			if _, err := answer(t, p.start("ECHO", "late"), pipeSlack); !errors.Is(err, errPipelineClosed) {
				t.Errorf("a call after close: %v, want %v", err, errPipelineClosed)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := testutil.StartRedisServer(t)
			tc.run(t, startPipeline(t, r), r)
		})
	}
}

// silent pauses the server with n calls in flight: each fails within the
// deadline, and once the server resumes a new connection answers.
func silent(t *testing.T, p *pipeline, r *testutil.RedisServer, n int) {
	before := clientID(t, p)
	r.Pause()
	start := time.Now()
	calls := make([]*pipeCall, n)
	for i := range calls {
		calls[i] = p.start("ECHO", "lost")
	}
	for i, c := range calls {
		_, err := answer(t, c, pipeDeadline+pipeSlack)
		if redisFailure(err) != ErrDeadline {
			t.Errorf("call %d to a paused server: %v, want a deadline", i, err)
		}
	}
	if took := time.Since(start); took > pipeDeadline+pipeSlack {
		t.Errorf("failed after %v; the deadline is %v", took, pipeDeadline)
	}
	r.Resume()
	// The paused connection's replies arrive now, on a closed connection:
	// a new one answers, its replies its own.
	if got, err := redis.String(p.do("ECHO", "back")); err != nil || got != "back" {
		t.Errorf("after the server resumed: %q %v", got, err)
	}
	if clientID(t, p) == before {
		t.Error("the connection that timed out was used again")
	}
}
