package state

import (
	"fmt"
	"slices"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Store holds the namespaces. It is safe for concurrent use.
type Store struct {
	cfg    Config
	hasher *hasher
	seed   *Namespace // the fixture accounts, hashed once, copied into each namespace

	mu         sync.Mutex
	namespaces map[string]*Namespace
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
	s := &Store{cfg: cfg, hasher: newHasher(), namespaces: map[string]*Namespace{}}
	s.seed = s.newNamespace("", nil)
	for i, a := range accounts {
		_, err := s.seed.Signup(NewAccount{
			Login: a.Login, Password: a.Password, Name: a.Name, Surname: a.Surname,
			Country: a.Country, Language: a.Language, Timezone: a.Timezone,
		})
		if err != nil {
			return nil, seedError(i, a, err)
		}
	}
	return s, nil
}

func (s *Store) newNamespace(name string, seed *Namespace) *Namespace {
	ns := &Namespace{
		name:    name,
		store:   s,
		outbox:  ring[OutboxMessage]{size: s.cfg.OutboxSize},
		journal: NewJournal(s.cfg.JournalSize),
	}
	ns.sessions.byID = map[string]*sessionRec{}
	if seed == nil {
		ns.accounts.index = map[string]int32{}
	} else {
		seed.mu.RLock()
		ns.accounts = seed.accounts.clone()
		seed.mu.RUnlock()
	}
	return ns
}

// Namespace returns the namespace called name ("" is the default one),
// creating it from the fixture accounts on first use. It fails with
// ErrTooManyNamespaces when Config.MaxNamespaces exist already, and with
// ErrInvalidNamespace for a name longer than MaxNamespaceName bytes or
// holding invalid UTF-8 or control characters (names come from a request
// header and end up in the journal).
func (s *Store) Namespace(name string) (*Namespace, error) {
	if err := checkNamespaceName(name); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ns, ok := s.namespaces[name]; ok {
		return ns, nil
	}
	if len(s.namespaces) >= s.cfg.MaxNamespaces {
		return nil, fmt.Errorf("%w (%d)", ErrTooManyNamespaces, s.cfg.MaxNamespaces)
	}
	ns := s.newNamespace(name, s.seed)
	s.namespaces[name] = ns
	return ns, nil
}

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
func (s *Store) Reset(name string) {
	s.mu.Lock()
	delete(s.namespaces, name)
	s.mu.Unlock()
}

// ResetAll resets every namespace (see Reset).
func (s *Store) ResetAll() {
	s.mu.Lock()
	clear(s.namespaces)
	s.mu.Unlock()
}

// Namespaces returns the names of the existing namespaces, sorted.
func (s *Store) Namespaces() []string {
	s.mu.Lock()
	names := make([]string, 0, len(s.namespaces))
	for n := range s.namespaces {
		names = append(names, n)
	}
	s.mu.Unlock()
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
}

// Name returns the namespace's name.
func (ns *Namespace) Name() string { return ns.name }

// Journal returns the namespace's request journal.
func (ns *Namespace) Journal() *Journal { return ns.journal }
