package state_test

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/nebeus/nebeus-contract/mockserver/state"
)

func TestSessionIDs(t *testing.T) {
	// S2, M3: every session its own id, at least 128 random bits.
	ns := mustNamespace(t, mustStore(t, state.Config{}), "")
	seen := map[string]bool{}
	for range 2000 {
		s, err := ns.StartSession(state.FirstUID)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := hex.DecodeString(s.ID)
		if err != nil || len(raw)*8 < 128 || len(s.ID) < 32 {
			t.Fatalf("session id %q: not >= 128 bits of hex", s.ID)
		}
		if seen[s.ID] {
			t.Fatalf("session id %q repeated", s.ID)
		}
		seen[s.ID] = true
	}
}

func TestStartSession(t *testing.T) {
	clock := newClock()
	ns := mustNamespace(t, mustStore(t, state.Config{Now: clock.Now}), "")
	s, err := ns.StartSession(state.FirstUID + 1)
	if err != nil {
		t.Fatal(err)
	}
	if s.UID != state.FirstUID+1 || s.Login != "Igor@Example.com" || !s.Created.Equal(clock.Now()) || !s.LastSeen.Equal(clock.Now()) {
		t.Errorf("session = %+v", s)
	}
	for _, uid := range []int{0, -1, state.FirstUID - 1, state.FirstUID + 2, 1 << 40} {
		if _, err := ns.StartSession(uid); !errors.Is(err, state.ErrUnknownUID) {
			t.Errorf("StartSession(%d) err = %v, want ErrUnknownUID", uid, err)
		}
	}
	if got, ok := ns.Session(s.ID); !ok || got.ID != s.ID {
		t.Errorf("Session = %+v, %v", got, ok)
	}
	if _, ok := ns.Session("unknown"); ok {
		t.Error("unknown id found")
	}
	if _, ok := ns.Session(""); ok {
		t.Error("empty id found")
	}
}

func TestSessionExpiry(t *testing.T) {
	clock := newClock()
	ns := mustNamespace(t, mustStore(t, state.Config{Now: clock.Now, IdleTimeout: 10 * time.Minute}), "")
	a, _ := ns.StartSession(state.FirstUID)
	b, _ := ns.StartSession(state.FirstUID)

	clock.Advance(6 * time.Minute)
	if got, ok := ns.Session(a.ID); !ok || !got.LastSeen.Equal(clock.Now()) || !got.Created.Equal(a.Created) {
		t.Fatalf("a after 6 min = %+v, %v; want live, last seen now", got, ok)
	}
	clock.Advance(5 * time.Minute) // b idle 11 min, a 5 min
	if _, ok := ns.Session(b.ID); ok {
		t.Error("b live after 11 idle minutes")
	}
	if _, ok := ns.Session(a.ID); !ok {
		t.Error("a expired although used 5 minutes ago")
	}
	if n := ns.NumSessions(); n != 1 {
		t.Errorf("NumSessions = %d, want 1 (b swept)", n)
	}
	clock.Advance(10 * time.Minute) // exactly the timeout: still live
	if _, ok := ns.Session(a.ID); !ok {
		t.Error("a expired at exactly the idle timeout")
	}
	clock.Advance(10*time.Minute + time.Nanosecond)
	if len(ns.Sessions()) != 0 || ns.NumSessions() != 0 {
		t.Errorf("sessions after expiry: %+v", ns.Sessions())
	}
	if ns.EndSession(a.ID) {
		t.Error("EndSession of an expired session reported live")
	}
}

func TestEndSession(t *testing.T) {
	ns := mustNamespace(t, mustStore(t, state.Config{}), "")
	s, _ := ns.StartSession(state.FirstUID)
	other, _ := ns.StartSession(state.FirstUID)
	if !ns.EndSession(s.ID) {
		t.Error("EndSession of a live session = false")
	}
	// S3: idempotent.
	if ns.EndSession(s.ID) || ns.EndSession("unknown") || ns.EndSession("") {
		t.Error("EndSession of an ended or unknown session = true")
	}
	if _, ok := ns.Session(s.ID); ok {
		t.Error("ended session still found")
	}
	if _, ok := ns.Session(other.ID); !ok {
		t.Error("ending one session ended another")
	}
}

func TestSessionsView(t *testing.T) {
	clock := newClock()
	ns := mustNamespace(t, mustStore(t, state.Config{Now: clock.Now}), "")
	s1, _ := ns.StartSession(state.FirstUID)
	clock.Advance(time.Second)
	s2, _ := ns.StartSession(state.FirstUID + 1)
	clock.Advance(time.Second)
	ns.Session(s1.ID) // s1 now most recent
	views := ns.Sessions()
	if len(views) != 2 {
		t.Fatalf("Sessions = %+v", views)
	}
	if views[0].UID != s2.UID || views[1].UID != s1.UID || views[1].Login != "demo@example.com" {
		t.Errorf("order or fields: %+v", views)
	}
	for i, v := range views {
		full := []string{s2.ID, s1.ID}[i]
		if strings.Contains(v.ID, full) || v.ID != full[:8]+"…" {
			t.Errorf("view id %q not redacted to a prefix of %q", v.ID, full)
		}
	}
	if !views[1].LastSeen.Equal(clock.Now()) || !views[1].Created.Equal(s1.Created) {
		t.Errorf("times: %+v", views[1])
	}
}

func TestMaxSessions(t *testing.T) {
	clock := newClock()
	ns := mustNamespace(t, mustStore(t, state.Config{Now: clock.Now, MaxSessions: 3}), "")
	var ids []string
	for range 3 {
		s, _ := ns.StartSession(state.FirstUID)
		ids = append(ids, s.ID)
		clock.Advance(time.Second)
	}
	ns.Session(ids[0]) // ids[1] is now the least recently used
	s4, _ := ns.StartSession(state.FirstUID)
	if n := ns.NumSessions(); n != 3 {
		t.Errorf("NumSessions = %d, want 3", n)
	}
	for id, want := range map[string]bool{ids[0]: true, ids[1]: false, ids[2]: true, s4.ID: true} {
		if _, ok := ns.Session(id); ok != want {
			t.Errorf("session %s live = %v, want %v", id[:8], ok, want)
		}
	}
}
