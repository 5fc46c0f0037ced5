package state

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"
)

// Store holds the namespaces. It is safe for concurrent use.
type Store struct {
	cfg    Config
	kv     backend      // nil: this process's memory
	slog   sessionLog   // a file store's: sessions held here, logged there
	logSeq atomic.Int64 // the last session log key's time (sessionlog.go)
	hasher *hasher
	seed   *Namespace // the fixture accounts, hashed once, copied into each namespace

	mu         sync.RWMutex // read-locked to find a namespace in use, the common case
	namespaces map[string]*Namespace
	evictions  atomic.Int64
	bud        budget // lock order: s.mu, then bud.mu
}

// New returns a Store whose namespaces start with cfg.Accounts. The accounts
// must satisfy what signup demands; fixtures.Set.Check has checked that
// against the contract already, and the store only refuses what it cannot
// hold (an empty or repeated login, compared case-insensitively).
func New(cfg Config) (*Store, error) {
	accounts := cfg.Accounts
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Store{cfg: cfg, namespaces: map[string]*Namespace{}}
	inner, err := openBackend(cfg.Store, cfg.Deadline, cfg.StartAnew, func(err error) { s.backendErr("session log", err) })
	if err != nil {
		return nil, err
	}
	if inner != nil {
		s.slog, _ = inner.(sessionLog)
		s.kv = newGuard(inner, cfg.Deadline, cfg.OnAvailability)
	}
	var key []byte
	if s.kv != nil {
		if key, err = kvHasherKey(s.kv); err != nil {
			s.kv.close()
			return nil, err
		}
	}
	s.hasher = newHasher(key)
	s.seed = s.newNamespace("", nil)
	for i, a := range accounts {
		_, err := s.seed.Signup(NewAccount{
			Login: a.Login, Password: a.Password, Name: a.Name, Surname: a.Surname,
			Country: a.Country, Language: a.Language, Timezone: a.Timezone,
		})
		if err != nil {
			s.Close()
			return nil, seedError(i, a, err)
		}
	}
	return s, nil
}

// Close releases the store's file or connection (nothing for memory).
func (s *Store) Close() error {
	if s.kv == nil {
		return nil
	}
	return s.kv.close()
}

func (s *Store) newNamespace(name string, seed *Namespace) *Namespace {
	ns := &Namespace{
		name:    name,
		store:   s,
		outbox:  ring[OutboxMessage]{size: s.cfg.OutboxSize},
		journal: NewJournal(s.cfg.JournalSize),
	}
	ns.journal.charge = func(n int64) bool { return s.charge(ns, n) }
	ns.journal.refund = func(n int64) { s.refund(ns, n) }
	ns.sessions.byID = map[string]*sessionRec{}
	switch {
	case seed == nil:
		ns.accounts.index = map[string]int32{}
	case s.kv != nil:
		// The fixture accounts are the same in every process; only
		// signups go to the backend, so the seed is shared read-only.
		seed.mu.RLock()
		ns.accounts = seed.accounts
		seed.mu.RUnlock()
	default:
		seed.mu.RLock()
		ns.accounts = seed.accounts.clone()
		seed.mu.RUnlock()
	}
	return ns
}

// Namespace returns the namespace called name ("" is the default one),
// creating it from the fixture accounts on first use, and marks it used.
// When Config.MaxNamespaces exist already, the one unused for longest (never
// the default) is evicted, as by Reset, to make room: names invented by one
// client cannot lock everyone else out. It fails with ErrInvalidNamespace
// for a name longer than MaxNamespaceName bytes or holding invalid UTF-8 or
// control characters (names come from a request header and end up in the
// journal).
func (s *Store) Namespace(name string) (*Namespace, error) { return s.namespace(name, true) }

// NamespaceNoWait is Namespace for an operation that does not need the
// store (get_countries): what a file or Redis store records of the
// namespace's use is written beside the request, which does not wait for
// it (issue 19), and not at all while the store is down.
func (s *Store) NamespaceNoWait(name string) (*Namespace, error) { return s.namespace(name, false) }

func (s *Store) namespace(name string, wait bool) (*Namespace, error) {
	if err := checkNamespaceName(name); err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	s.mu.RLock()
	ns, ok := s.namespaces[name]
	s.mu.RUnlock()
	if !ok {
		s.mu.Lock()
		if ns, ok = s.namespaces[name]; !ok {
			if len(s.namespaces) >= s.cfg.MaxNamespaces {
				s.evictLocked() // with a backend, only this replica's journal of it
			}
			ns = s.newNamespace(name, s.seed)
			s.namespaces[name] = ns
		}
		s.mu.Unlock()
	}
	switch {
	case s.kv != nil && wait:
		if !ok {
			s.kvAdmit(name)
		}
		s.kvTouchNamespace(ns, now)
	case s.kv != nil:
		last := ns.lastUsed.Load()
		recent := ok && last != 0 && now.UnixNano()-last < int64(time.Second) // kvTouchNamespace would skip it
		if !recent && !s.kv.(*guarded).down.Load() {
			go func() {
				if !ok {
					s.kvAdmit(name)
				}
				s.kvTouchNamespace(ns, now)
			}()
		}
	default:
		ns.lastUsed.Store(now.UnixNano())
	}
	return ns, nil
}

// Peek returns the namespace called name without creating it or marking it
// used: a namespace not in use reads as a fresh one (the fixture accounts,
// nothing else) that is not kept. For reads that must take no slot (the
// control API's listings).
func (s *Store) Peek(name string) (*Namespace, error) {
	if err := checkNamespaceName(name); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if ns, ok := s.namespaces[name]; ok {
		return ns, nil
	}
	ns := s.newNamespace(name, s.seed)
	ns.dropped = true // not in the store: nothing it holds counts (budget.go)
	return ns, nil
}

// evictLocked drops the namespace unused for longest, never the default
// one, and returns its name ("" when none was dropped). s.mu is held.
func (s *Store) evictLocked() string {
	var (
		victim string
		oldest int64
		found  bool
	)
	for n, ns := range s.namespaces {
		if n == "" {
			continue
		}
		if t := ns.lastUsed.Load(); !found || t < oldest {
			victim, oldest, found = n, t, true
		}
	}
	if !found {
		return ""
	}
	s.drop(s.namespaces[victim])
	delete(s.namespaces, victim)
	if s.kv == nil { // with a backend, kvAdmit counts what it evicts
		s.evictions.Add(1)
	}
	return victim
}

// Evictions returns how many idle namespaces were evicted to make room.
func (s *Store) Evictions() int64 { return s.evictions.Load() }

func checkNamespaceName(name string) error {
	if len(name) > MaxNamespaceName {
		return fmt.Errorf("%w: longer than %d bytes", ErrInvalidNamespace, MaxNamespaceName)
	}
	if !utf8.ValidString(name) {
		return fmt.Errorf("%w: not UTF-8", ErrInvalidNamespace)
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return fmt.Errorf("%w: holds control characters", ErrInvalidNamespace)
		}
	}
	return nil
}

// Reset puts the namespace name back to the fixture accounts with no
// sessions, outbox or journal, by dropping it: the next Namespace call
// creates it afresh, and its slot counts no more against MaxNamespaces.
// With a backend, the namespace's accounts, sessions, outbox and faults
// are deleted from it, for every replica.
func (s *Store) Reset(name string) {
	s.mu.Lock()
	if ns, ok := s.namespaces[name]; ok {
		s.drop(ns)
		delete(s.namespaces, name)
	}
	s.mu.Unlock()
	if s.kv != nil {
		s.kvReset(name)
	}
	releaseMemory()
}

// ResetAll resets every namespace (see Reset).
func (s *Store) ResetAll() {
	s.mu.Lock()
	for _, ns := range s.namespaces {
		s.drop(ns)
	}
	s.namespaces = map[string]*Namespace{}
	s.mu.Unlock()
	if s.kv != nil {
		s.kvResetAll()
	}
	releaseMemory()
}

// Namespaces returns the names of the existing namespaces, sorted: with a
// backend, those any replica has used since their last reset.
func (s *Store) Namespaces() []string {
	var names []string
	if s.kv != nil {
		names = s.kvNamespaces()
	} else {
		s.mu.Lock()
		for n := range s.namespaces {
			names = append(names, n)
		}
		s.mu.Unlock()
	}
	if names == nil {
		names = []string{}
	}
	slices.Sort(names)
	return names
}

// Namespace is one namespace's accounts, sessions, outbox and journal. It is
// safe for concurrent use.
type Namespace struct {
	name  string
	store *Store

	mu       sync.RWMutex // guards accounts
	accounts accountTable

	smu      sync.Mutex // guards sessions
	sessions sessionTable

	omu    sync.Mutex // guards outbox
	outbox ring[OutboxMessage]

	journal *Journal

	lastUsed atomic.Int64 // unix nanoseconds of the last Namespace call
	loadOnce sync.Once    // a file store's sessions read into the table (sessionlog.go)

	// Guarded by store.bud.mu (budget.go): the bytes this namespace holds
	// of the budget, and whether it left the store (then nothing counts).
	bytes   int64
	dropped bool
}

// Name returns the namespace's name.
func (ns *Namespace) Name() string { return ns.name }

// Journal returns the namespace's request journal.
func (ns *Namespace) Journal() *Journal { return ns.journal }
