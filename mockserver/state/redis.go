package state

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gomodule/redigo/redis"
)

// redisStore is the redis:// store, shared by every replica that names the
// same server and database. Every key starts with redisPrefix, so the mock
// can share a database with other programs; a reset touches only its keys.
type redisStore struct {
	pool *redis.Pool
	// pipe carries the single-key GETs and SETs of concurrent requests,
	// a signin's reads ahead among them (redispipe.go): one connection
	// for all, no round trip of their own each. Scripts, scans, lists
	// and WATCH transactions take a connection of the pool.
	pipe *pipeline
	// timeout bounds each call (Config.Deadline): the guard (guard.go)
	// stops waiting then, and the call itself gives up too.
	timeout time.Duration
	// gen counts the connections of the pool that failed: one that
	// failed (a Redis restarted, a deadline) makes every connection
	// dialled before it stale, dropped when next taken from the pool
	// instead of failing a call of its own (go-redis checked each one).
	gen atomic.Uint64
}

// pooledConn is a connection of the pool and the gen it was dialled in.
type pooledConn struct {
	redis.ConnWithContext // redigo's own connection is one
	gen                   uint64
}

var errStaleConn = errors.New("state: redis: a connection dialled before one failed")

const redisPrefix = "nebeus-mock:"

// openRedis connects to the Redis spec names and checks that it answers
// within timeout. No error it returns holds the URL's password (issue 19):
// a start-up error is printed, logged and pasted into tickets.
func openRedis(spec string, timeout time.Duration) (*redisStore, error) {
	addr, opts, err := parseRedisURL(spec)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) { // url.Error's text repeats the whole URL
			err = uerr.Err
		}
		return nil, fmt.Errorf("%w %s: %s", ErrStore, RedactURL(spec), scrubSecret(err.Error(), spec))
	}
	// Every part of a call is bounded by the deadline: a Redis that stops
	// answering (SIGSTOP, a partition) still accepts connections, so a
	// dial succeeds and the handshake, each write and each read would
	// wait for ever. The dial, read and write timeouts are the deadline,
	// and every call's context bounds them together (redigo's DoContext
	// closes the connection when the context ends first, so a reply
	// still in flight is never read by the next user).
	opts = append(opts, redis.DialConnectTimeout(timeout), redis.DialReadTimeout(timeout), redis.DialWriteTimeout(timeout))
	dial := func(ctx context.Context) (redis.Conn, error) { return redis.DialContext(ctx, "tcp", addr, opts...) }
	// As many connections as go-redis's pool held before issue 20 (10
	// per CPU); past them a call waits for one, within its deadline.
	conns := 10 * runtime.GOMAXPROCS(0)
	r := &redisStore{pipe: newPipeline(dial, timeout), timeout: timeout}
	r.pool = &redis.Pool{
		DialContext: func(ctx context.Context) (redis.Conn, error) {
			gen := r.gen.Load()
			c, err := dial(ctx)
			if err != nil {
				return nil, err
			}
			return &pooledConn{c.(redis.ConnWithContext), gen}, nil
		},
		TestOnBorrow: func(c redis.Conn, _ time.Time) error {
			if c.(*pooledConn).gen != r.gen.Load() {
				return errStaleConn
			}
			return nil
		},
		MaxIdle: conns, MaxActive: conns, Wait: true, IdleTimeout: 5 * time.Minute,
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	if err := r.ping(ctx); err != nil {
		r.close()
		return nil, fmt.Errorf("state: redis store %s: %w: %s", addr, redisFailure(err), scrubSecret(err.Error(), spec))
	}
	return r, nil
}

// parseRedisURL reads redis://[USER:PASSWORD@]HOST[:PORT][/DB] as
// go-redis's ParseURL did before issue 20: the host defaults to
// localhost, the port to 6379, the database to 0; a password without a
// user is Redis's requirepass, with one an ACL user's. Query options
// (go-redis's timeouts and pool sizes) are refused: --store-deadline sets
// every timeout.
func parseRedisURL(spec string) (string, []redis.DialOption, error) {
	u, err := url.Parse(spec)
	if err != nil {
		return "", nil, err
	}
	if u.Scheme != "redis" || u.Opaque != "" {
		return "", nil, errors.New("want redis://HOST:PORT[/DB]")
	}
	if len(u.Query()) > 0 {
		names := make([]string, 0, len(u.Query()))
		for k := range u.Query() {
			names = append(names, k)
		}
		slices.Sort(names)
		return "", nil, fmt.Errorf("query options are not supported (%s): --store-deadline sets every timeout", strings.Join(names, ", "))
	}
	host, port := u.Hostname(), u.Port()
	if host == "" {
		host = "localhost"
	}
	if port == "" {
		port = "6379"
	}
	var opts []redis.DialOption
	if pw, ok := u.User.Password(); ok && pw != "" {
		opts = append(opts, redis.DialUsername(u.User.Username()), redis.DialPassword(pw))
	}
	path := strings.FieldsFunc(u.Path, func(r rune) bool { return r == '/' })
	switch len(path) {
	case 0:
	case 1:
		db, err := strconv.Atoi(path[0])
		if err != nil || db < 0 {
			return "", nil, fmt.Errorf("invalid database number: %q", path[0])
		}
		opts = append(opts, redis.DialDatabase(db))
	default:
		return "", nil, fmt.Errorf("invalid URL path: %s", u.Path)
	}
	return net.JoinHostPort(host, port), opts, nil
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
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &nerr) && nerr.Timeout():
		return ErrDeadline // the pool's wait for a connection too: its context ended
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

func (r *redisStore) ping(ctx context.Context) error {
	return r.on(ctx, func(ctx context.Context, c redis.Conn) error {
		_, err := redis.DoContext(c, ctx, "PING")
		return err
	})
}

// with runs f on a connection of the pool, within the deadline.
func (r *redisStore) with(f func(ctx context.Context, c redis.Conn) error) error {
	ctx, cancel := context.WithTimeout(context.Background(), r.timeout)
	defer cancel()
	return r.on(ctx, f)
}

// on runs f on a connection of the pool, within ctx. The connection goes
// back to the pool unless it failed: redigo closes a connection whose
// context ended, and discards a closed one; the others dialled before it
// are dropped then too (gen).
func (r *redisStore) on(ctx context.Context, f func(ctx context.Context, c redis.Conn) error) error {
	c, err := r.pool.GetContext(ctx)
	if err != nil {
		return err
	}
	defer c.Close() // UNWATCH or DISCARD first when f left one open
	err = f(ctx, c)
	if err != nil && c.Err() != nil {
		r.gen.Add(1)
	}
	return err
}

// value is a GET's reply.
func value(reply any, err error) ([]byte, bool, error) {
	b, err := redis.Bytes(reply, err)
	if errors.Is(err, redis.ErrNil) {
		return nil, false, nil
	}
	return b, err == nil, err
}

func (r *redisStore) get(key string) ([]byte, bool, error) {
	return value(r.pipe.do("GET", redisPrefix+key))
}

// getAhead's read is sent at once and its reply read whether or not it is
// waited for, by the pipeline's deadline; the wait is bounded by the guard
// too (guard.go): a read never waited for (a fault that answered first)
// holds nothing.
func (r *redisStore) getAhead(key string) func() ([]byte, bool, error) {
	call := r.pipe.start("GET", redisPrefix+key)
	return func() ([]byte, bool, error) { return value(call.wait()) }
}

func (r *redisStore) put(key string, val []byte, ttl time.Duration) error {
	args := []any{redisPrefix + key, val}
	if ttl > 0 {
		args = append(args, "PX", max(ttl.Milliseconds(), 1))
	}
	_, err := r.pipe.do("SET", args...)
	return err
}

func (r *redisStore) insert(key string, val []byte) (bool, error) {
	var set bool
	err := r.with(func(ctx context.Context, c redis.Conn) error {
		var err error
		set, err = redis.Bool(redis.DoContext(c, ctx, "SETNX", redisPrefix+key, val))
		return err
	})
	return set, err
}

// insertAccount runs as one script: Redis runs a script atomically, so of N
// concurrent signups of one login, on any number of replicas, exactly one
// finds the key absent (S5). redigo sends it by its hash (EVALSHA), and its
// text (EVAL) only when the server does not know it yet.
var insertAccountScript = redis.NewScript(3, `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local n = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[3] .. n, ARGV[2])
redis.call('SET', KEYS[1], string.format('%016x', n) .. ARGV[1])
return n
`)

func (r *redisStore) insertAccount(key, counter, uidKey string, val []byte) (int64, error) {
	var n int64
	err := r.with(func(ctx context.Context, c redis.Conn) error {
		var err error
		n, err = redis.Int64(insertAccountScript.DoContext(ctx, c, redisPrefix+key, redisPrefix+counter, redisPrefix+uidKey, val, key))
		return err
	})
	return n, err
}

// prefixed is keys with redisPrefix, as command arguments.
func prefixed(keys []string) []any {
	out := make([]any, len(keys))
	for i, k := range keys {
		out[i] = redisPrefix + k
	}
	return out
}

func (r *redisStore) del(keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	return r.with(func(ctx context.Context, c redis.Conn) error {
		_, err := redis.DoContext(c, ctx, "DEL", prefixed(keys)...)
		return err
	})
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

// keys lists the keys under prefix, redisPrefix included, by SCAN: never
// KEYS, which would stop the server for as long as the whole database
// takes to walk.
func keys(ctx context.Context, c redis.Conn, prefix string) ([]any, error) {
	var out []any
	cursor := "0"
	for {
		reply, err := redis.Values(redis.DoContext(c, ctx, "SCAN", cursor, "MATCH", globEscape(redisPrefix+prefix)+"*", "COUNT", 1000))
		if err != nil {
			return nil, err
		}
		if len(reply) != 2 {
			return nil, fmt.Errorf("redis: SCAN answered %d items, want 2", len(reply))
		}
		if cursor, err = redis.String(reply[0], nil); err != nil {
			return nil, err
		}
		batch, err := redis.Values(reply[1], nil)
		if err != nil {
			return nil, err
		}
		out = append(out, batch...)
		if cursor == "0" {
			return out, nil
		}
	}
}

// batches calls f with keys, 1000 at a time.
func batches(keys []any, f func(batch []any) error) error {
	for len(keys) > 0 {
		batch := keys[:min(len(keys), 1000)]
		keys = keys[len(batch):]
		if err := f(batch); err != nil {
			return err
		}
	}
	return nil
}

func (r *redisStore) scan(prefix string) ([]kvPair, error) {
	var out []kvPair
	err := r.with(func(ctx context.Context, c redis.Conn) error {
		all, err := keys(ctx, c, prefix)
		if err != nil {
			return err
		}
		return batches(all, func(batch []any) error {
			vals, err := redis.Values(redis.DoContext(c, ctx, "MGET", batch...))
			if err != nil {
				return err
			}
			for i, v := range vals {
				if b, ok := v.([]byte); ok && i < len(batch) { // nil: gone since the scan
					k, _ := redis.String(batch[i], nil)
					out = append(out, kvPair{strings.TrimPrefix(k, redisPrefix), b})
				}
			}
			return nil
		})
	})
	return out, err
}

func (r *redisStore) delPrefix(prefix string) error {
	return r.with(func(ctx context.Context, c redis.Conn) error {
		all, err := keys(ctx, c, prefix)
		if err != nil {
			return err
		}
		return batches(all, func(batch []any) error {
			_, err := redis.DoContext(c, ctx, "UNLINK", batch...)
			return err
		})
	})
}

// exec sends EXEC after the commands queued since MULTI and returns its
// reply: nil when a WATCHed key changed (the transaction did not run),
// else the queued commands' replies. A command refused when queued (OOM)
// or when run (WRONGTYPE) is the error.
func exec(ctx context.Context, c redis.Conn) ([]any, error) {
	reply, err := redis.DoContext(c, ctx, "EXEC") // reads the replies of MULTI and the queued ones first
	if err != nil || reply == nil {
		return nil, err
	}
	replies, err := redis.Values(reply, nil)
	if err != nil {
		return nil, err
	}
	for _, v := range replies {
		if rerr, ok := v.(redis.Error); ok {
			return nil, rerr
		}
	}
	return replies, nil
}

func (r *redisStore) push(key string, val []byte, max int) error {
	return r.with(func(ctx context.Context, c redis.Conn) error {
		c.Send("MULTI")
		c.Send("RPUSH", redisPrefix+key, val)
		if max > 0 {
			c.Send("LTRIM", redisPrefix+key, -max, -1)
		}
		_, err := exec(ctx, c) // a failed Send fails this too
		return err
	})
}

func (r *redisStore) list(key string) ([][]byte, error) {
	var out [][]byte
	err := r.with(func(ctx context.Context, c redis.Conn) error {
		var err error
		out, err = redis.ByteSlices(redis.DoContext(c, ctx, "LRANGE", redisPrefix+key, 0, -1))
		if errors.Is(err, redis.ErrNil) {
			err = nil
		}
		return err
	})
	return out, err
}

// update is an optimistic transaction (WATCH, MULTI): retried when another
// client changed the key in between (EXEC answers nil).
func (r *redisStore) update(key string, f func(old []byte, ok bool) []byte) error {
	k := redisPrefix + key
	return r.with(func(ctx context.Context, c redis.Conn) error {
		for range 100 {
			if _, err := redis.DoContext(c, ctx, "WATCH", k); err != nil {
				return err
			}
			old, ok, err := value(redis.DoContext(c, ctx, "GET", k))
			if err != nil {
				return err
			}
			nv := f(old, ok)
			c.Send("MULTI")
			if nv == nil {
				c.Send("DEL", k)
			} else {
				c.Send("SET", k, nv)
			}
			replies, err := exec(ctx, c)
			if err != nil || replies != nil {
				return err
			}
		}
		return errors.New("state: redis: update contended")
	})
}

func (r *redisStore) close() error {
	r.pipe.close()
	return r.pool.Close()
}
