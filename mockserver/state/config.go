package state

import (
	"errors"
	"fmt"
	"time"

	"github.com/nebeus/nebeus-contract/fixtures"
)

// Config configures a Store. The zero value of each field means its default.
type Config struct {
	// Accounts seed every namespace. Their plain passwords are hashed by New;
	// the Store keeps no reference to this slice (M4).
	Accounts []fixtures.Account
	// IdleTimeout ends a session unused for longer (M3). Default 30 minutes.
	IdleTimeout time.Duration
	// JournalSize bounds each namespace's journal. Default 1000.
	JournalSize int
	// OutboxSize bounds each namespace's reset outbox. Default 1000.
	OutboxSize int
	// MaxNamespaces bounds the number of namespaces. Default 1000.
	MaxNamespaces int
	// MaxSessions bounds the live sessions of each namespace; past it the
	// least recently used one ends. Default 100000.
	MaxSessions int
	// Store names where accounts, sessions, the outbox, namespaces and
	// faults live: "memory" (default: this process), "file:PATH" (a bbolt
	// file, kept across restarts) or "redis://HOST:PORT[/DB]" (shared by
	// every replica naming it). The journal always stays in memory.
	Store string
	// OnError is told of a backend failure that a method without an error
	// result cannot return (a read that then reads as "not found"). nil:
	// ignored.
	OnError func(error)
	// MaxBytes is the memory budget of all namespaces together (budget.go):
	// accounts, sessions and outboxes of the memory store, and every
	// store's journals. Default DefaultMaxBytes.
	MaxBytes int64
	// Deadline bounds how long one call to a file or Redis store may take
	// before it fails with ErrDeadline (guard.go): a store that stopped
	// answering fails requests instead of hanging them. Default
	// DefaultDeadline.
	Deadline time.Duration
	// StartAnew: a file store whose file is damaged (ErrCorrupt at New)
	// moves it aside, to PATH.damaged-TIME, and starts with an empty one,
	// instead of refusing to start. The damaged file is never written.
	StartAnew bool
	// OnAvailability is told when a file or Redis store stops answering
	// (err: why) and when it answers again (nil) (guard.go). nil: ignored.
	OnAvailability func(err error)
	// Now is the clock, for tests. Default time.Now.
	Now func() time.Time
	// DefaultLang is user_context.lang without a signup language (M1).
	// Default "en_US".
	DefaultLang string
	// DefaultTZ is user_context.tz without a whole-hour signup timezone (M1).
	// Default "Europe/Madrid".
	DefaultTZ string
}

// Defaults of Config.
const (
	DefaultIdleTimeout   = 30 * time.Minute
	DefaultJournalSize   = 1000
	DefaultOutboxSize    = 1000
	DefaultMaxNamespaces = 1000
	DefaultMaxSessions   = 100000
	DefaultMaxBytes      = 256 << 20
	DefaultDeadline      = 2 * time.Second
	DefaultLang          = "en_US"
	DefaultTZ            = "Europe/Madrid"
)

// MaxNamespaceName is the longest namespace name, in bytes.
const MaxNamespaceName = 128

func (c Config) withDefaults() (Config, error) {
	if c.Deadline < 0 {
		return c, errors.New("state: negative Deadline in Config")
	}
	if c.Deadline == 0 {
		c.Deadline = DefaultDeadline
	}
	if c.IdleTimeout < 0 || c.JournalSize < 0 || c.OutboxSize < 0 || c.MaxNamespaces < 0 || c.MaxSessions < 0 {
		return c, errors.New("state: negative size or timeout in Config")
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.JournalSize == 0 {
		c.JournalSize = DefaultJournalSize
	}
	if c.OutboxSize == 0 {
		c.OutboxSize = DefaultOutboxSize
	}
	if c.MaxNamespaces == 0 {
		c.MaxNamespaces = DefaultMaxNamespaces
	}
	if c.MaxBytes < 0 {
		return c, errors.New("state: negative MaxBytes in Config")
	}
	if c.MaxBytes == 0 {
		c.MaxBytes = DefaultMaxBytes
	}
	if c.MaxSessions == 0 {
		c.MaxSessions = DefaultMaxSessions
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.DefaultLang == "" {
		c.DefaultLang = DefaultLang
	}
	if c.DefaultTZ == "" {
		c.DefaultTZ = DefaultTZ
	}
	c.Accounts = nil // hashed into the seed; no plain password is kept (M4)
	return c, nil
}

func seedError(i int, a fixtures.Account, err error) error {
	return fmt.Errorf("state: fixture account %d (%s): %w", i, a.Login, err)
}
