package state_test

import (
	"fmt"
	"testing"

	"github.com/nebeus/nebeus-contract/mockserver/state"
)

func TestRequestReset(t *testing.T) {
	clock := newClock()
	ns := mustNamespace(t, mustStore(t, state.Config{Now: clock.Now}), "")
	m, ok := ns.RequestReset("IGOR@example.com")
	if !ok || m.To != "Igor@Example.com" || len(m.Token) < 32 || !m.Time.Equal(clock.Now()) {
		t.Errorf("RequestReset = %+v, %v", m, ok)
	}
	// S4: an unknown login records nothing.
	if m, ok := ns.RequestReset("nobody@example.com"); ok || m != (state.OutboxMessage{}) {
		t.Errorf("unknown login: %+v, %v", m, ok)
	}
	m2, _ := ns.RequestReset("igor@example.com")
	if m2.Token == m.Token {
		t.Error("two resets share a token")
	}
	if got := ns.Outbox(); len(got) != 2 || got[0] != m || got[1] != m2 {
		t.Errorf("Outbox = %+v", got)
	}
}

func TestOutboxBound(t *testing.T) {
	ns := mustNamespace(t, mustStore(t, state.Config{OutboxSize: 3}), "")
	var want []string
	for i := range 5 {
		login := fmt.Sprintf("o%d@example.com", i)
		if _, err := ns.Signup(newAccount(login)); err != nil {
			t.Fatal(err)
		}
		ns.RequestReset(login)
		want = append(want, login)
	}
	got := ns.Outbox()
	if len(got) != 3 {
		t.Fatalf("Outbox holds %d, want 3", len(got))
	}
	for i, m := range got {
		if m.To != want[i+2] {
			t.Errorf("Outbox[%d].To = %s, want %s (oldest dropped)", i, m.To, want[i+2])
		}
	}
}
