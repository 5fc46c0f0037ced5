package state_test

import (
	"sync"
	"testing"
	"time"

	"github.com/nebeus/nebeus-contract/fixtures"
	"github.com/nebeus/nebeus-contract/mockserver/state"
)

// fakeClock is Config.Now for tests: time moves only when told, so expiry is
// tested without sleeping.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func seedAccounts() []fixtures.Account {
	return []fixtures.Account{
		{Login: "demo@example.com", Password: "demo-password-1", Name: "Demo", Surname: "User", Country: 2, Language: "en_US"},
		{Login: "Igor@Example.com", Password: "igor-password-1", Name: "Igor", Surname: "Igor", Country: 1},
	}
}

// mustStore returns a Store seeded with seedAccounts, using clock when not nil.
func mustStore(tb testing.TB, cfg state.Config) *state.Store {
	tb.Helper()
	if cfg.Accounts == nil {
		cfg.Accounts = seedAccounts()
	}
	s, err := state.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func mustNamespace(tb testing.TB, s *state.Store, name string) *state.Namespace {
	tb.Helper()
	ns, err := s.Namespace(name)
	if err != nil {
		tb.Fatal(err)
	}
	return ns
}

func newAccount(login string) state.NewAccount {
	return state.NewAccount{Login: login, Password: "password-123", Name: "Ann", Surname: "Lee", Country: 2}
}

func intp(i int) *int { return &i }
