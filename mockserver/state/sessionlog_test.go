package state_test

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/nebeus/nebeus-contract/mockserver/state"
)

// The file store holds sessions in memory and writes them behind to the
// file (sessionlog.go). These tests reopen the file to see what it kept.

// TestFileStoreSessionChangesSurviveReopen: an ended session stays ended, a
// touched one keeps its new last use (M3), a live one stays live.
func TestFileStoreSessionChangesSurviveReopen(t *testing.T) {
	spec := "file:" + filepath.Join(t.TempDir(), "state.db")
	clock := newClock()
	s := mustStore(t, state.Config{Store: spec, Now: clock.Now, IdleTimeout: time.Hour})
	ns := mustNamespace(t, s, "team")
	ended, _ := ns.StartSession(state.FirstUID)
	touched, _ := ns.StartSession(state.FirstUID)
	kept, _ := ns.StartSession(state.FirstUID + 1)
	ns.EndSession(ended.ID)
	clock.Advance(50 * time.Minute)
	if _, ok := ns.Session(touched.ID); !ok {
		t.Fatal("touched session not live")
	}
	s.Close()

	clock.Advance(20 * time.Minute) // past kept's idle timeout, within touched's
	s = openStore(t, spec, state.Config{Now: clock.Now, IdleTimeout: time.Hour})
	ns = mustNamespace(t, s, "team")
	if st := ns.SessionStatus(ended.ID); st != state.SessionUnknown {
		t.Errorf("ended session after reopening: status %v, want unknown", st)
	}
	if got, ok := ns.Session(touched.ID); !ok || got.UID != state.FirstUID || !got.Created.Equal(touched.Created) {
		t.Errorf("touched session after reopening: %+v %v", got, ok)
	}
	if _, ok := ns.Session(kept.ID); ok {
		t.Error("a session idle past its timeout came back live after reopening (M3)")
	}
	if n := ns.NumSessions(); n != 1 {
		t.Errorf("%d sessions held after reopening, want 1 (expired ones are dropped)", n)
	}
	s.Close()
	s = openStore(t, spec, state.Config{Now: clock.Now, IdleTimeout: time.Hour})
	if n := mustNamespace(t, s, "team").NumSessions(); n != 1 {
		t.Errorf("%d sessions in the file after a second reopening, want 1: the expired one was not deleted", n)
	}
}

// TestFileStoreEvictedNamespaceKeepsSessions: a namespace evicted from this
// process's memory to keep the memory budget (budget.go) finds its sessions
// in the file when it is used again, including the ones written behind
// just before the eviction. (Evicted to make room under MaxNamespaces, a
// namespace is reset instead, on every store.)
func TestFileStoreEvictedNamespaceKeepsSessions(t *testing.T) {
	spec := "file:" + filepath.Join(t.TempDir(), "state.db")
	s := openStore(t, spec, state.Config{MaxBytes: 40 << 10})
	start := func(name string) string {
		sess, err := mustNamespace(t, s, name).StartSession(state.FirstUID)
		if err != nil {
			t.Fatal(err)
		}
		return sess.ID
	}
	mustNamespace(t, s, "b")
	var ids []string
	for range 50 {
		ids = append(ids, start("a"))
	}
	for s.Evictions() == 0 {
		start("b")
	}
	peeked, err := s.Peek("a") // as the control API lists it: no write first
	if err != nil {
		t.Fatal(err)
	}
	if n := len(peeked.Sessions()); n != len(ids) {
		t.Errorf("the evicted namespace lists %d sessions, want %d", n, len(ids))
	}
	ns := mustNamespace(t, s, "a")
	for _, id := range ids {
		if _, ok := ns.Session(id); !ok {
			t.Fatalf("session %s… lost when its namespace was evicted from memory", id[:8])
		}
	}
}

// TestFileStoreResetDeletesLoggedSessions: a reset removes the sessions
// from the file too, also those still waiting to be written.
func TestFileStoreResetDeletesLoggedSessions(t *testing.T) {
	spec := "file:" + filepath.Join(t.TempDir(), "state.db")
	s := mustStore(t, state.Config{Store: spec})
	ns := mustNamespace(t, s, "team")
	sess, _ := ns.StartSession(state.FirstUID)
	s.Reset("team")
	s.Close()
	s = openStore(t, spec, state.Config{})
	if st := mustNamespace(t, s, "team").SessionStatus(sess.ID); st != state.SessionUnknown {
		t.Errorf("session after reset and reopening: %v, want unknown", st)
	}
}

// TestFileStoreLoadKeepsTheSessionBound: sessions read back from the file
// obey MaxSessions like new ones, the least recently used going first.
func TestFileStoreLoadKeepsTheSessionBound(t *testing.T) {
	spec := "file:" + filepath.Join(t.TempDir(), "state.db")
	clock := newClock()
	s := mustStore(t, state.Config{Store: spec, Now: clock.Now})
	ns := mustNamespace(t, s, "team")
	var ids []string
	for range 5 {
		sess, _ := ns.StartSession(state.FirstUID)
		ids = append(ids, sess.ID)
		clock.Advance(time.Second)
	}
	s.Close()
	s = openStore(t, spec, state.Config{Now: clock.Now, MaxSessions: 2})
	ns = mustNamespace(t, s, "team")
	if n := ns.NumSessions(); n != 2 {
		t.Fatalf("%d sessions after reopening with MaxSessions 2", n)
	}
	for i, id := range ids {
		if live := ns.SessionStatus(id) == state.SessionLive; live != (i >= 3) {
			t.Errorf("session %d live = %v: the most recently used must stay", i, live)
		}
	}
}
