package state_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/nebeus/nebeus-contract/mockserver/state"
)

func TestNamespaceIsolation(t *testing.T) {
	s := mustStore(t, state.Config{})
	a, b := mustNamespace(t, s, "a"), mustNamespace(t, s, "b")
	if again := mustNamespace(t, s, "a"); again != a {
		t.Error("Namespace(a) twice gave two namespaces")
	}
	acc, err := a.Signup(newAccount("only-a@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := b.Lookup("only-a@example.com"); ok {
		t.Error("account of a visible in b")
	}
	// The same login may exist in each namespace, with the same uid (M3 per namespace).
	accB, err := b.Signup(newAccount("only-a@example.com"))
	if err != nil || accB.UID != acc.UID {
		t.Errorf("signup in b: %+v, %v", accB, err)
	}
	sess, _ := a.StartSession(acc.UID)
	if _, ok := b.Session(sess.ID); ok {
		t.Error("session of a valid in b")
	}
	a.RequestReset("demo@example.com")
	a.Journal().Append(state.Entry{Operation: "signin", Namespace: "a"})
	if len(b.Outbox()) != 0 || len(b.Journal().Entries()) != 0 {
		t.Error("outbox or journal of a visible in b")
	}
	// Both start with the fixture accounts.
	for _, ns := range []*state.Namespace{a, b, mustNamespace(t, s, "")} {
		if _, ok := ns.Authenticate("demo@example.com", "demo-password-1"); !ok {
			t.Errorf("namespace %q lacks the fixture account", ns.Name())
		}
	}
	if got, want := s.Namespaces(), []string{"", "a", "b"}; !slices.Equal(got, want) {
		t.Errorf("Namespaces() = %q, want %q", got, want)
	}
}

func TestReset(t *testing.T) {
	clock := newClock()
	s := mustStore(t, state.Config{Now: clock.Now})
	dirty := func(name string) {
		ns := mustNamespace(t, s, name)
		a, err := ns.Signup(newAccount("new@example.com"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ns.StartSession(a.UID); err != nil {
			t.Fatal(err)
		}
		ns.RequestReset("new@example.com")
		ns.Journal().Append(state.Entry{Operation: "signup"})
	}
	clean := func(name string) bool {
		ns := mustNamespace(t, s, name)
		_, has := ns.Lookup("new@example.com")
		_, demo := ns.Lookup("demo@example.com")
		return !has && demo && len(ns.Sessions()) == 0 && len(ns.Outbox()) == 0 && ns.Journal().Len() == 0 && ns.NumAccounts() == 2
	}
	dirty("x")
	dirty("y")
	s.Reset("x")
	if !clean("x") {
		t.Error("x not back to the fixtures after Reset(x)")
	}
	if clean("y") {
		t.Error("Reset(x) reset y")
	}
	// After a reset uids start again from the fixtures.
	if a, _ := mustNamespace(t, s, "x").Signup(newAccount("again@example.com")); a.UID != state.FirstUID+2 {
		t.Errorf("uid after reset = %d", a.UID)
	}
	dirty("")
	s.ResetAll()
	if len(s.Namespaces()) != 0 {
		t.Errorf("Namespaces() after ResetAll = %q", s.Namespaces())
	}
	for _, n := range []string{"", "x", "y"} {
		if !clean(n) {
			t.Errorf("%q not clean after ResetAll", n)
		}
	}
	s.Reset("never-used") // no-op, no panic
}

func TestNamespaceBounds(t *testing.T) {
	s := mustStore(t, state.Config{MaxNamespaces: 3})
	for _, n := range []string{"", "a", "b"} {
		mustNamespace(t, s, n)
	}
	// A 4th evicts the least recently used one (TestStoresEvictIdleNamespaces
	// checks the order), never refuses.
	if _, err := s.Namespace("c"); err != nil {
		t.Errorf("4th namespace: %v, want an idle one evicted", err)
	}
	if got := len(s.Namespaces()); got != 3 {
		t.Errorf("%d namespaces, want the bound 3", got)
	}
	if !slices.Contains(s.Namespaces(), "") {
		t.Error("the default namespace was evicted")
	}
}

func TestNamespaceNames(t *testing.T) {
	s := mustStore(t, state.Config{})
	tests := []struct {
		name string
		ok   bool
	}{
		{"", true},
		{"team-a/run 42", true},
		{"ünïcode", true},
		{strings.Repeat("x", state.MaxNamespaceName), true},
		{strings.Repeat("x", state.MaxNamespaceName+1), false},
		{"tab\there", false},
		{"nl\n", false},
		{"\xff", false},
	}
	for _, tt := range tests {
		_, err := s.Namespace(tt.name)
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, state.ErrInvalidNamespace)) {
			t.Errorf("Namespace(%q) err = %v, want ok %v", tt.name, err, tt.ok)
		}
	}
}
