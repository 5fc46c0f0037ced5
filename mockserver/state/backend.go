package state

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
)

// backend is where a durable or shared Store keeps accounts, sessions, the
// outbox, namespaces and faults (the memory store keeps them in Go maps and
// has no backend). It is a small key-value surface that bbolt (file:PATH)
// and Redis (redis://) both offer atomically; everything the contract asks
// of the state is built on it once, in kvstate.go, so both stores behave
// alike by construction.
type backend interface {
	// get returns the value of key.
	get(key string) ([]byte, bool, error)
	// getAhead starts reading key and returns the wait for its answer:
	// reads a request will need, started together, share one round trip
	// where the backend is across a socket (readahead.go).
	getAhead(key string) func() ([]byte, bool, error)
	// put sets key to val; ttl > 0 lets the backend drop it after ttl (a
	// hint for garbage collection: expiry itself is decided by the clock).
	put(key string, val []byte, ttl time.Duration) error
	// insert sets key to val unless it exists, and reports whether it did.
	insert(key string, val []byte) (bool, error)
	// insertAccount stores an account under key unless key exists: in one
	// atomic step it increments counter to n, sets key to n (16 hex digits)
	// followed by val, and sets uidKey+n to key. n is 0 when key existed.
	insertAccount(key, counter, uidKey string, val []byte) (int64, error)
	// del removes keys.
	del(keys ...string) error
	// scan returns the keys under prefix and their values.
	scan(prefix string) ([]kvPair, error)
	// delPrefix removes every key under prefix.
	delPrefix(prefix string) error
	// push appends val to the list at key, keeping its last max items.
	push(key string, val []byte, max int) error
	// list returns the list at key, oldest first.
	list(key string) ([][]byte, error)
	// update replaces the value of key by f(old) atomically (del when f
	// returns nil); f may run more than once.
	update(key string, f func(old []byte, ok bool) []byte) error
	// ping checks that the backend answers (guard.go's probe).
	ping(ctx context.Context) error
	// classify maps an error of the backend's own to a store failure
	// (errors.go).
	classify(err error) error
	// remote: calls cross a socket and may hang; the guard bounds each.
	remote() bool
	close() error
}

type kvPair struct {
	key string
	val []byte
}

// ErrStore: a --store value that names no store this mock knows.
var ErrStore = errors.New("state: store")

// openBackend opens the store named by spec: "" or "memory" (nil backend),
// "file:PATH" or "redis://HOST:PORT[/DB]"; onErr hears of the failures of
// writes no caller waits for (sessionlog.go).
func openBackend(spec string, timeout time.Duration, startAnew bool, onErr func(error)) (backend, error) {
	switch {
	case spec == "" || spec == "memory":
		return nil, nil
	case strings.HasPrefix(spec, "file:"):
		path := strings.TrimPrefix(spec, "file:")
		if path == "" {
			return nil, fmt.Errorf("%w %q: file: needs a path", ErrStore, spec)
		}
		return openBolt(path, timeout, startAnew, onErr)
	case strings.HasPrefix(spec, "redis://"):
		return openRedis(spec, timeout)
	}
	return nil, fmt.Errorf("%w %q: want memory, file:PATH or redis://HOST:PORT[/DB]", ErrStore, RedactURL(spec))
}

// Keys: kind, then the namespace, each followed by a unit separator (0x1f),
// which checkNamespaceName refuses in names, so one namespace's prefix never
// covers another's.
const sep = "\x1f"

const (
	kindAccount  = "a"
	kindUID      = "x"
	kindCounter  = "u"
	kindSession  = "s"
	kindOutbox   = "o"
	kindFault    = "f"
	kindNS       = "n"
	keyHasherKey = "meta" + sep + "hmac-key"
)

func nsKey(kind, ns string) string { return kind + sep + ns + sep }

// Kinds whose keys live under a namespace, removed by a reset.
var nsKinds = []string{kindAccount, kindUID, kindCounter, kindSession, kindOutbox, kindFault}
