package state_test

import (
	"testing"
	"time"

	"github.com/nebeus/nebeus-contract/mockserver/state"
)

func TestSessionStatusLooksWithoutUsing(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	st, err := state.New(state.Config{IdleTimeout: time.Minute, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	ns, _ := st.Namespace("")
	acc, err := ns.Signup(state.NewAccount{Login: "a@example.com", Password: "password-1", Name: "A", Surname: "B", Country: 1})
	if err != nil {
		t.Fatal(err)
	}
	s, err := ns.StartSession(acc.UID)
	if err != nil {
		t.Fatal(err)
	}
	if got := ns.SessionStatus(s.ID); got != state.SessionLive {
		t.Fatalf("fresh session: %v, want live", got)
	}
	if got := ns.SessionStatus("nope"); got != state.SessionUnknown {
		t.Fatalf("unknown id: %v", got)
	}
	now = now.Add(50 * time.Second)
	ns.SessionStatus(s.ID) // looking must not restart the idle timeout
	now = now.Add(20 * time.Second)
	if got := ns.SessionStatus(s.ID); got != state.SessionExpired {
		t.Fatalf("idle past the timeout: %v, want expired", got)
	}
	if _, ok := ns.Session(s.ID); ok {
		t.Fatal("an expired session was usable")
	}
	if got := ns.SessionStatus(s.ID); got != state.SessionUnknown {
		t.Fatalf("swept session: %v, want unknown", got)
	}
}
