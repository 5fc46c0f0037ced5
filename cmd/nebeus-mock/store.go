package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/nebeus/nebeus-contract/mockserver/state"
)

// storeOptions are the flags of where the mock keeps its state and how much
// memory it may use (mockserver/state).
type storeOptions struct {
	spec          string
	maxNamespaces int
	maxMemory     int64
	deadline      time.Duration
	startAnew     bool
}

func storeFlags(fs *flag.FlagSet) *storeOptions {
	o := &storeOptions{}
	fs.StringVar(&o.spec, "store", "memory", "where accounts, sessions, the outbox, namespaces and faults live: memory, file:PATH (kept across restarts) or redis://HOST:PORT[/DB] (shared by replicas)")
	fs.IntVar(&o.maxNamespaces, "max-namespaces", state.DefaultMaxNamespaces, "namespaces in use at once; past it the one unused for longest is evicted")
	fs.Int64Var(&o.maxMemory, "max-memory", state.DefaultMaxBytes, "memory budget in bytes for accounts, sessions, outboxes and journals of all namespaces together")
	fs.DurationVar(&o.deadline, "store-deadline", state.DefaultDeadline, "how long one call to a file or Redis store may take; past it the operation is answered 503 with Retry-After")
	fs.BoolVar(&o.startAnew, "store-start-anew", false, "a damaged file store is moved aside (PATH.damaged-TIME) and an empty one started, instead of refusing to start")
	return o
}

// startError adds to a store's start-up error what the operator can do
// that only the command knows: its flags.
func (o *storeOptions) startError(err error) error {
	if errors.Is(err, state.ErrCorrupt) && strings.HasPrefix(o.spec, "file:") {
		return fmt.Errorf("%w; to keep it aside and start with an empty store: --store-start-anew", err)
	}
	return err
}

// banner says where the state lives, without a Redis password.
func (o *storeOptions) banner(w io.Writer) {
	where := o.spec
	switch {
	case o.spec == "memory":
		where = "memory (lost when the mock stops)"
	case strings.HasPrefix(o.spec, "file:"):
		where = o.spec + " (kept across restarts)"
	case strings.HasPrefix(o.spec, "redis://"):
		where = state.RedactURL(o.spec) + " (shared by every replica naming it)"
		if u, err := url.Parse(o.spec); err == nil {
			u.User = nil
			where = u.String() + " (shared by every replica naming it)"
		}
	}
	fmt.Fprintf(w, "  store: %s; journal per replica; memory budget %d MiB, %d namespaces; store deadline %v (503 past it)\n", where, o.maxMemory>>20, o.maxNamespaces, o.deadline)
}
