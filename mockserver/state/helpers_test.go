package state_test

import (
	"testing"
	"time"

	"github.com/nebeus/nebeus-contract/fixtures"
	"github.com/nebeus/nebeus-contract/internal/testutil"
	"github.com/nebeus/nebeus-contract/mockserver/state"
)

func newClock() *testutil.Clock {
	return testutil.NewClock(time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC))
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
