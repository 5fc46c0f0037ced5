package state

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/redis/go-redis/v9"
)

// redisStore is the redis:// store, shared by every replica that names the
// same server and database. Every key starts with redisPrefix, so the mock
// can share a database with other programs; a reset touches only its keys.
type redisStore struct {
	c *redis.Client
	// ap batches the single-key commands of concurrent requests into
	// pipelines (go-redis's automatic pipelining): one write and one read
	// for many requests' GETs and SETs instead of a round trip each.
	// Scripts, scans, lists and WATCH transactions use c.
	ap *redis.AutoPipeliner
	// ahead is the deferred face of the same machinery: a read started
	// with getAhead joins a pipeline at once and is waited for later, so
	// a request's independent reads share one round trip.
	ahead *redis.AutoPipeliner
	// timeout bounds each call's context (Config.Deadline): the guard
	// (guard.go) stops waiting then, and the call itself gives up too.
	timeout time.Duration
}

const redisPrefix = "nebeus-mock:"

// openRedis connects to the Redis spec names and checks that it answers
// within timeout. No error it returns holds the URL's password (issue 19):
// a start-up error is printed, logged and pasted into tickets.
func openRedis(spec string, timeout time.Duration) (*redisStore, error) {
	opt, err := redis.ParseURL(spec)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) { // url.Error's text repeats the whole URL
			err = uerr.Err
		}
		return nil, fmt.Errorf("%w %s: %s", ErrStore, RedactURL(spec), scrubSecret(err.Error(), spec))
	}
	// Every part of a call is bounded by the deadline: a Redis that stops
	// answering (SIGSTOP, a partition) still accepts connections, so a
	// dial succeeds and the handshake, the pool's wait, each read and
	// each retry would each wait their own timeout; with
	// ContextTimeoutEnabled the call's context bounds them together.
	opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout, opt.PoolTimeout = timeout, timeout, timeout, timeout
	opt.ContextTimeoutEnabled = true
	c := redis.NewClient(opt)
	fail := func(err error) (*redisStore, error) {
		c.Close()
		return nil, fmt.Errorf("state: redis store %s: %w: %s", opt.Addr, redisFailure(err), scrubSecret(err.Error(), spec))
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		return fail(err)
	}
	ap, err := c.AutoPipelineWithOptions(pipelining(300))
	if err != nil {
		return fail(err)
	}
	ahead, err := c.AsyncAutoPipelineWithOptions(pipelining(200))
	if err != nil {
		ap.Close()
		return fail(err)
	}
	return &redisStore{c: c, ap: ap, ahead: ahead, timeout: timeout}, nil
}

// RedactURL is spec with the password of its user information, if any,
// replaced by "xxxxx", for messages; it never fails, even on a URL that
// does not parse.
func RedactURL(spec string) string {
	if pw := urlPassword(spec); pw != "" {
		return strings.ReplaceAll(spec, ":"+pw+"@", ":xxxxx@")
	}
	return spec
}

// scrubSecret replaces the password of spec, as written and unescaped,
// wherever text holds it.
// A parser may have cut it at a / ? # or @ it holds, so each piece of
// it is replaced too.
func scrubSecret(text, spec string) string {
	pw := urlPassword(spec)
	if pw == "" {
		return text
	}
	pieces := []string{pw}
	if u, err := url.PathUnescape(pw); err == nil {
		pieces = append(pieces, u)
	}
	pieces = append(pieces, strings.FieldsFunc(pw, func(r rune) bool { return strings.ContainsRune("/?#@:%", r) })...)
	for _, p := range pieces {
		if len(p) >= 3 { // shorter pieces would blank ordinary words
			text = strings.ReplaceAll(text, p, "xxxxx")
		}
	}
	return text
}

// urlPassword finds the password in spec's user information by hand, so
// that a URL net/url refuses still has it found: scheme://user:PASSWORD@host.
func urlPassword(spec string) string {
	_, rest, ok := strings.Cut(spec, "://")
	if !ok {
		return ""
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		// an @ in the path is no user information; but a password may
		// hold a / or ?: take the authority up to the last @ then
		if at := strings.LastIndex(rest, "@"); at > i {
			rest = rest[:at+1]
		} else {
			rest = rest[:i]
		}
	}
	at := strings.LastIndex(rest, "@")
	if at < 0 {
		return ""
	}
	_, pw, ok := strings.Cut(rest[:at], ":")
	if !ok {
		return ""
	}
	return pw
}

// redisFailure maps a Redis client's error to a store failure (errors.go).
func redisFailure(err error) error {
	var (
		nerr net.Error
		rerr redis.Error
	)
	switch {
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, redis.ErrPoolTimeout) ||
		errors.As(err, &nerr) && nerr.Timeout():
		return ErrDeadline
	case errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET):
		return ErrUnavailable
	case errors.As(err, &rerr):
		msg := rerr.Error()
		switch {
		case strings.HasPrefix(msg, "OOM"): // past maxmemory with noeviction
			return ErrFull
		case strings.HasPrefix(msg, "WRONGTYPE"): // a key of the mock's holding another type
			return ErrCorrupt
		}
	}
	return ErrUnavailable
}

func (r *redisStore) classify(err error) error { return redisFailure(err) }

func (r *redisStore) remote() bool { return true }

func (r *redisStore) ping(ctx context.Context) error { return r.c.Ping(ctx).Err() }

// pipelining lets a few batches be in flight at once: with one, the
// requests that wake when a batch returns compete for the CPU with the
// flusher that would send the next, and the link idles (BenchmarkStores:
// 0.30 of the memory store's signins with one batch, 0.41-0.45 with four).
// Batches are then unordered among themselves, which nothing here relies
// on: a request waits for each command it depends on (the blocking face
// always; reads ahead before anything is written), so its own commands
// stay in order, and concurrent requests never had one.
// batch is go-redis's own default for each face (300 blocking, 200
// deferred).
func pipelining(batch int) *redis.AutoPipelineOptions {
	return &redis.AutoPipelineOptions{MaxBatchSize: batch, MaxConcurrentBatches: 4, Unordered: true}
}

func (r *redisStore) rctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), r.timeout)
}

func (r *redisStore) get(key string) ([]byte, bool, error) {
	ctx, cancel := r.rctx()
	defer cancel()
	b, err := r.ap.Get(ctx, redisPrefix+key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	return b, err == nil, err
}

// getAhead's command runs on the pipeliner's own context (go-redis ignores
// a batched command's), bounded by the connection's timeouts (the
// deadline), and its wait by the guard (guard.go): a read never waited for
// (a fault that answered first) holds nothing.
func (r *redisStore) getAhead(key string) func() ([]byte, bool, error) {
	cmd := r.ahead.Get(context.Background(), redisPrefix+key)
	return func() ([]byte, bool, error) {
		b, err := cmd.Bytes()
		if errors.Is(err, redis.Nil) {
			return nil, false, nil
		}
		return b, err == nil, err
	}
}

func (r *redisStore) put(key string, val []byte, ttl time.Duration) error {
	ctx, cancel := r.rctx()
	defer cancel()
	return r.ap.Set(ctx, redisPrefix+key, val, ttl).Err()
}

func (r *redisStore) insert(key string, val []byte) (bool, error) {
	ctx, cancel := r.rctx()
	defer cancel()
	return r.c.SetNX(ctx, redisPrefix+key, val, 0).Result()
}

// insertAccount runs as one script: Redis runs a script atomically, so of N
// concurrent signups of one login, on any number of replicas, exactly one
// finds the key absent (S5).
var insertAccountScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local n = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[3] .. n, ARGV[2])
redis.call('SET', KEYS[1], string.format('%016x', n) .. ARGV[1])
return n
`)

func (r *redisStore) insertAccount(key, counter, uidKey string, val []byte) (int64, error) {
	ctx, cancel := r.rctx()
	defer cancel()
	return insertAccountScript.Run(ctx, r.c, []string{redisPrefix + key, redisPrefix + counter, redisPrefix + uidKey}, val, key).Int64()
}

func (r *redisStore) del(keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	ctx, cancel := r.rctx()
	defer cancel()
	full := make([]string, len(keys))
	for i, k := range keys {
		full[i] = redisPrefix + k
	}
	return r.c.Del(ctx, full...).Err()
}

// globEscape quotes the characters SCAN's MATCH pattern treats specially.
func globEscape(s string) string {
	var b strings.Builder
	for _, c := range s {
		switch c {
		case '*', '?', '[', ']', '\\', '^', '-':
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func (r *redisStore) keys(ctx context.Context, prefix string) ([]string, error) {
	var out []string
	it := r.c.Scan(ctx, 0, globEscape(redisPrefix+prefix)+"*", 1000).Iterator()
	for it.Next(ctx) {
		out = append(out, it.Val())
	}
	return out, it.Err()
}

func (r *redisStore) scan(prefix string) ([]kvPair, error) {
	ctx, cancel := r.rctx()
	defer cancel()
	keys, err := r.keys(ctx, prefix)
	if err != nil || len(keys) == 0 {
		return nil, err
	}
	var out []kvPair
	for len(keys) > 0 {
		batch := keys[:min(len(keys), 1000)]
		keys = keys[len(batch):]
		vals, err := r.c.MGet(ctx, batch...).Result()
		if err != nil {
			return nil, err
		}
		for i, v := range vals {
			if s, ok := v.(string); ok {
				out = append(out, kvPair{strings.TrimPrefix(batch[i], redisPrefix), []byte(s)})
			}
		}
	}
	return out, nil
}

func (r *redisStore) delPrefix(prefix string) error {
	ctx, cancel := r.rctx()
	defer cancel()
	keys, err := r.keys(ctx, prefix)
	for len(keys) > 0 && err == nil {
		batch := keys[:min(len(keys), 1000)]
		keys = keys[len(batch):]
		err = r.c.Unlink(ctx, batch...).Err()
	}
	return err
}

func (r *redisStore) push(key string, val []byte, max int) error {
	ctx, cancel := r.rctx()
	defer cancel()
	p := r.c.TxPipeline()
	p.RPush(ctx, redisPrefix+key, val)
	if max > 0 {
		p.LTrim(ctx, redisPrefix+key, int64(-max), -1)
	}
	_, err := p.Exec(ctx)
	return err
}

func (r *redisStore) list(key string) ([][]byte, error) {
	ctx, cancel := r.rctx()
	defer cancel()
	vals, err := r.c.LRange(ctx, redisPrefix+key, 0, -1).Result()
	out := make([][]byte, len(vals))
	for i, v := range vals {
		out[i] = []byte(v)
	}
	return out, err
}

// update is an optimistic transaction (WATCH, MULTI): retried when another
// client changed the key in between.
func (r *redisStore) update(key string, f func(old []byte, ok bool) []byte) error {
	ctx, cancel := r.rctx()
	defer cancel()
	k := redisPrefix + key
	for range 100 {
		err := r.c.Watch(ctx, func(tx *redis.Tx) error {
			old, err := tx.Get(ctx, k).Bytes()
			ok := err == nil
			if err != nil && !errors.Is(err, redis.Nil) {
				return err
			}
			nv := f(old, ok)
			_, err = tx.TxPipelined(ctx, func(p redis.Pipeliner) error {
				if nv == nil {
					p.Del(ctx, k)
				} else {
					p.Set(ctx, k, nv, 0)
				}
				return nil
			})
			return err
		}, k)
		if !errors.Is(err, redis.TxFailedErr) {
			return err
		}
	}
	return errors.New("state: redis: update contended")
}

func (r *redisStore) close() error {
	r.ahead.Close()
	r.ap.Close()
	return r.c.Close()
}
