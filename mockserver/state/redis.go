package state

import (
	"context"
	"errors"
	"fmt"
	"strings"
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
}

const redisPrefix = "nebeus-mock:"

// redisTimeout bounds each call, so a Redis that stopped answering fails a
// request instead of hanging it.
const redisTimeout = 5 * time.Second

func openRedis(spec string) (*redisStore, error) {
	opt, err := redis.ParseURL(spec)
	if err != nil {
		return nil, fmt.Errorf("%w %q: %v", ErrStore, spec, err)
	}
	opt.ReadTimeout, opt.WriteTimeout = redisTimeout, redisTimeout
	c := redis.NewClient(opt)
	ctx, cancel := context.WithTimeout(context.Background(), redisTimeout)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		c.Close()
		return nil, fmt.Errorf("state: redis store %s: %w", opt.Addr, err)
	}
	ap, err := c.AutoPipelineWithOptions(pipelining(300))
	if err != nil {
		c.Close()
		return nil, fmt.Errorf("state: redis store %s: %w", opt.Addr, err)
	}
	ahead, err := c.AsyncAutoPipelineWithOptions(pipelining(200))
	if err != nil {
		ap.Close()
		c.Close()
		return nil, fmt.Errorf("state: redis store %s: %w", opt.Addr, err)
	}
	return &redisStore{c: c, ap: ap, ahead: ahead}, nil
}

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

func rctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), redisTimeout)
}

func (r *redisStore) get(key string) ([]byte, bool, error) {
	ctx, cancel := rctx()
	defer cancel()
	b, err := r.ap.Get(ctx, redisPrefix+key).Bytes()
	if errors.Is(err, redis.Nil) {
		return nil, false, nil
	}
	return b, err == nil, err
}

// getAhead's command runs on the pipeliner's own context (go-redis ignores
// a batched command's), bounded by the connection's timeouts (redisTimeout):
// a read never waited for (a fault that answered first) holds nothing.
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
	ctx, cancel := rctx()
	defer cancel()
	return r.ap.Set(ctx, redisPrefix+key, val, ttl).Err()
}

func (r *redisStore) insert(key string, val []byte) (bool, error) {
	ctx, cancel := rctx()
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
	ctx, cancel := rctx()
	defer cancel()
	return insertAccountScript.Run(ctx, r.c, []string{redisPrefix + key, redisPrefix + counter, redisPrefix + uidKey}, val, key).Int64()
}

func (r *redisStore) del(keys ...string) error {
	if len(keys) == 0 {
		return nil
	}
	ctx, cancel := rctx()
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
	ctx, cancel := rctx()
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
	ctx, cancel := rctx()
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
	ctx, cancel := rctx()
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
	ctx, cancel := rctx()
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
	ctx, cancel := rctx()
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
