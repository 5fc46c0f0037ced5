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
	DefaultLang          = "en_US"
	DefaultTZ            = "Europe/Madrid"
)

// MaxNamespaceName is the longest namespace name, in bytes.
const MaxNamespaceName = 128

func (c Config) withDefaults() (Config, error) {
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
