package state_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gomodule/redigo/redis"

	"github.com/nebeus/nebeus-contract/internal/testutil"
	"github.com/nebeus/nebeus-contract/mockserver/state"
)

// The behaviour suite of the stores: every test here runs against memory,
// file: (bbolt) and redis:// (a real redis-server on a loopback port, see
// testutil.StartRedis), and expects the same answers from each.

// forEachStore runs f once per store, with the store spec to open.
func forEachStore(t *testing.T, f func(t *testing.T, spec string)) {
	t.Run("memory", func(t *testing.T) { f(t, "memory") })
	t.Run("file", func(t *testing.T) { f(t, "file:"+filepath.Join(t.TempDir(), "state.db")) })
	t.Run("redis", func(t *testing.T) { f(t, testutil.StartRedis(t)) })
}

func openStore(t *testing.T, spec string, cfg state.Config) *state.Store {
	t.Helper()
	cfg.Store = spec
	s := mustStore(t, cfg)
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStoresOneOfConcurrentSignupsWins(t *testing.T) {
	forEachStore(t, func(t *testing.T, spec string) {
		stores := []*state.Store{openStore(t, spec, state.Config{})}
		if strings.HasPrefix(spec, "redis://") { // a second replica on the same Redis
			stores = append(stores, openStore(t, spec, state.Config{}))
		}
		const n = 24
		var wins, dups atomic.Int32
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				ns := mustNamespace(t, stores[i%len(stores)], "race")
				login := "Race@Example.com"
				if i%2 == 1 {
					login = "race@example.COM" // logins compare case-insensitively (S5)
				}
				acc := newAccount(login)
				acc.Password = fmt.Sprintf("password-%03d", i)
				_, err := ns.Signup(acc)
				switch {
				case err == nil:
					wins.Add(1)
				case errors.Is(err, state.ErrDuplicateLogin):
					dups.Add(1)
				default:
					t.Errorf("signup %d: %v", i, err)
				}
			})
		}
		wg.Wait()
		if wins.Load() != 1 || dups.Load() != n-1 {
			t.Fatalf("%d signups won, %d were duplicates; want 1 and %d", wins.Load(), dups.Load(), n-1)
		}
		for _, s := range stores {
			ns := mustNamespace(t, s, "race")
			if got := len(ns.Accounts()); got != len(seedAccounts())+1 {
				t.Errorf("%d accounts, want %d", got, len(seedAccounts())+1)
			}
			if _, ok := ns.Lookup("RACE@example.com"); !ok {
				t.Error("the winning account is not found")
			}
		}
	})
}

func TestStoresAccountsAndSessions(t *testing.T) {
	forEachStore(t, func(t *testing.T, spec string) {
		clock := newClock()
		s := openStore(t, spec, state.Config{Now: clock.Now, IdleTimeout: time.Minute})
		ns := mustNamespace(t, s, "")
		if _, ok := ns.Authenticate("demo@example.com", "demo-password-1"); !ok {
			t.Fatal("fixture account cannot sign in")
		}
		in := newAccount("New@Example.com")
		in.Timezone, in.DeviceType, in.Identifier = intp(3600), intp(1), "device-1"
		acc, err := ns.Signup(in)
		if err != nil {
			t.Fatal(err)
		}
		if want := state.FirstUID + len(seedAccounts()); acc.UID != want || acc.TZ != "Etc/GMT-1" || acc.Identifier != "device-1" {
			t.Errorf("signup = %+v, want uid %d, tz Etc/GMT-1, identifier", acc, want)
		}
		second, _ := ns.Signup(newAccount("second@example.com"))
		if second.UID != acc.UID+1 {
			t.Errorf("second uid %d, want %d (M3)", second.UID, acc.UID+1)
		}
		got, ok := ns.Authenticate("new@example.com", "password-123")
		if !ok || got.UID != acc.UID || got.Login != "New@Example.com" {
			t.Fatalf("authenticate = %+v, %v", got, ok)
		}
		if _, ok := ns.Authenticate("new@example.com", "wrong-password"); ok {
			t.Error("a wrong password signed in")
		}
		if n := ns.NumAccounts(); n != len(seedAccounts())+2 {
			t.Errorf("NumAccounts = %d", n)
		}
		if all := ns.Accounts(); len(all) != len(seedAccounts())+2 || all[len(all)-1].UID != second.UID {
			t.Errorf("Accounts = %+v", all)
		}

		sess, err := ns.StartSession(acc.UID)
		if err != nil || len(sess.ID) != 2*state.SessionIDBytes {
			t.Fatalf("session %+v, %v", sess, err)
		}
		other, _ := ns.StartSession(acc.UID)
		if other.ID == sess.ID {
			t.Error("two signins share a session id (S2)")
		}
		clock.Advance(50 * time.Second)
		if got, ok := ns.Session(sess.ID); !ok || got.UID != acc.UID || got.Login != acc.Login {
			t.Fatalf("session before idle timeout: %+v %v", got, ok)
		}
		clock.Advance(50 * time.Second) // 100 s after start, 50 s after last use
		if _, ok := ns.Session(sess.ID); !ok {
			t.Error("a used session expired: its idle timeout did not restart (M3)")
		}
		if st := ns.SessionStatus(other.ID); st != state.SessionExpired && st != state.SessionUnknown {
			t.Errorf("unused session status %v, want expired", st)
		}
		if _, ok := ns.Session(other.ID); ok {
			t.Error("a session idle past the timeout is live (M3)")
		}
		if v := ns.Sessions(); len(v) != 1 || !strings.HasSuffix(v[0].ID, "…") || v[0].UID != acc.UID {
			t.Errorf("Sessions = %+v, want the one live session, id redacted", v)
		}
		if !ns.EndSession(sess.ID) || ns.EndSession(sess.ID) {
			t.Error("EndSession: want true once, then false (S3)")
		}
		if _, ok := ns.Session(sess.ID); ok {
			t.Error("session live after logout")
		}
		if _, err := ns.StartSession(99999); !errors.Is(err, state.ErrUnknownUID) {
			t.Errorf("session of an unknown uid: %v", err)
		}
	})
}

func TestStoresOutbox(t *testing.T) {
	forEachStore(t, func(t *testing.T, spec string) {
		s := openStore(t, spec, state.Config{OutboxSize: 3})
		ns := mustNamespace(t, s, "mail")
		if _, ok := ns.RequestReset("nobody@example.com"); ok {
			t.Error("reset of an unknown login recorded (S4)")
		}
		var last state.OutboxMessage
		for range 5 {
			last, _ = ns.RequestReset("DEMO@example.com")
		}
		box := ns.Outbox()
		if len(box) != 3 || box[2].Token != last.Token || box[2].To != "demo@example.com" {
			t.Errorf("outbox = %+v, want the last 3, newest %s", box, last.Token)
		}
	})
}

func TestStoresResetAndNamespaces(t *testing.T) {
	forEachStore(t, func(t *testing.T, spec string) {
		s := openStore(t, spec, state.Config{})
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
		}
		clean := func(name string) bool {
			ns := mustNamespace(t, s, name)
			_, has := ns.Lookup("new@example.com")
			return !has && len(ns.Sessions()) == 0 && len(ns.Outbox()) == 0 && ns.NumAccounts() == len(seedAccounts())
		}
		for _, n := range []string{"", "x", "y"} {
			dirty(n)
		}
		if got := s.Namespaces(); !slices.Equal(got, []string{"", "x", "y"}) {
			t.Errorf("Namespaces = %q", got)
		}
		if clean("x") {
			t.Fatal("namespace x is clean before its reset")
		}
		s.Reset("x")
		if !clean("x") || clean("y") || clean("") {
			t.Error("Reset(x): want x clean, y and the default untouched")
		}
		// A new signup after a reset gets the first uid again (M3).
		if a, _ := mustNamespace(t, s, "x").Signup(newAccount("again@example.com")); a.UID != state.FirstUID+len(seedAccounts()) {
			t.Errorf("uid after reset %d", a.UID)
		}
		s.ResetAll()
		if got := s.Namespaces(); len(got) != 0 {
			t.Errorf("Namespaces after ResetAll = %q", got)
		}
		for _, n := range []string{"", "x", "y"} {
			if !clean(n) {
				t.Errorf("%q not clean after ResetAll", n)
			}
		}
	})
}

func TestStoresEvictIdleNamespaces(t *testing.T) {
	forEachStore(t, func(t *testing.T, spec string) {
		clock := newClock()
		s := openStore(t, spec, state.Config{MaxNamespaces: 3, Now: clock.Now})
		for _, n := range []string{"", "old", "recent"} {
			mustNamespace(t, s, n)
			clock.Advance(2 * time.Second)
		}
		if _, err := mustNamespace(t, s, "old").Signup(newAccount("old@example.com")); err != nil {
			t.Fatal(err)
		}
		clock.Advance(2 * time.Second)
		mustNamespace(t, s, "recent")
		clock.Advance(2 * time.Second)
		mustNamespace(t, s, "") // the default is never evicted, used or not
		// Two new namespaces: "old" goes first (least recently used), then "recent".
		for _, n := range []string{"new1", "new2"} {
			if _, err := s.Namespace(n); err != nil {
				t.Fatalf("namespace %s at the bound: %v (want the idle one evicted)", n, err)
			}
			clock.Advance(2 * time.Second)
		}
		if got := s.Namespaces(); !slices.Equal(got, []string{"", "new1", "new2"}) {
			t.Errorf("Namespaces = %q, want the default and the two newest", got)
		}
		if _, ok := mustNamespace(t, s, "old").Lookup("old@example.com"); ok {
			t.Error("an evicted namespace kept its accounts")
		}
		if s.Evictions() < 2 {
			t.Errorf("Evictions = %d", s.Evictions())
		}
	})
}

func TestStoresPeekCreatesNothing(t *testing.T) {
	forEachStore(t, func(t *testing.T, spec string) {
		s := openStore(t, spec, state.Config{})
		ns, err := s.Peek("ghost")
		if err != nil || ns.NumAccounts() != len(seedAccounts()) {
			t.Fatalf("Peek = %v, %v", ns, err)
		}
		if got := s.Namespaces(); len(got) != 0 {
			t.Errorf("Peek created %q", got)
		}
	})
}

// TestStoresKeepNoPlainPassword reads what the durable stores hold, byte
// for byte, for the password (M4).
func TestStoresKeepNoPlainPassword(t *testing.T) {
	const secret = "Plain-Text-Secret-42"
	t.Run("file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "state.db")
		s := mustStore(t, state.Config{Store: "file:" + path})
		in := newAccount("secret@example.com")
		in.Password = secret
		if _, err := mustNamespace(t, s, "").Signup(in); err != nil {
			t.Fatal(err)
		}
		s.Close()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(b), secret) || !strings.Contains(string(b), "secret@example.com") {
			t.Error("the file holds the password in plain text, or not the account at all")
		}
	})
	t.Run("redis", func(t *testing.T) {
		url := testutil.StartRedis(t)
		s := openStore(t, url, state.Config{})
		in := newAccount("secret@example.com")
		in.Password = secret
		if _, err := mustNamespace(t, s, "").Signup(in); err != nil {
			t.Fatal(err)
		}
		c, err := redis.DialURL(url, redis.DialConnectTimeout(5*time.Second), redis.DialReadTimeout(5*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		keys, err := redis.Strings(c.Do("KEYS", "*"))
		if err != nil || len(keys) == 0 {
			t.Fatalf("keys %v %v", keys, err)
		}
		found := false
		for _, k := range keys {
			v, _ := redis.String(c.Do("DUMP", k))
			if strings.Contains(v, secret) {
				t.Errorf("key %q holds the password in plain text", k)
			}
			found = found || strings.Contains(v, "secret@example.com")
		}
		if !found {
			t.Error("the account is not in Redis")
		}
	})
}

// TestFileStoreSurvivesReopen: what the file store acknowledged is there
// after it is closed and opened again, and the password still checks (the
// HMAC key is kept with the state). cmd/nebeus-mock tests SIGKILL.
func TestFileStoreSurvivesReopen(t *testing.T) {
	spec := "file:" + filepath.Join(t.TempDir(), "state.db")
	s := mustStore(t, state.Config{Store: spec})
	acc, err := mustNamespace(t, s, "team").Signup(newAccount("kept@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	sess, _ := mustNamespace(t, s, "team").StartSession(acc.UID)
	s.Close()
	s = openStore(t, spec, state.Config{})
	ns := mustNamespace(t, s, "team")
	if got, ok := ns.Authenticate("kept@example.com", "password-123"); !ok || got.UID != acc.UID {
		t.Errorf("after reopening: %+v %v", got, ok)
	}
	if _, ok := ns.Session(sess.ID); !ok {
		t.Error("the session did not survive reopening")
	}
	if got := s.Namespaces(); !slices.Contains(got, "team") {
		t.Errorf("Namespaces = %q", got)
	}
}

func TestStoreSpecs(t *testing.T) {
	for _, spec := range []string{"file:", "mysql://x", "redis://127.0.0.1:1/0"} {
		if _, err := state.New(state.Config{Store: spec}); err == nil {
			t.Errorf("store %q opened", spec)
		}
	}
}

// TestStoresCollectExpiredSessions: expired sessions do not pile up in the
// memory and file stores (Redis drops them by TTL, in real time).
func TestStoresCollectExpiredSessions(t *testing.T) {
	for _, spec := range []string{"memory", "file:" + filepath.Join(t.TempDir(), "state.db")} {
		clock := newClock()
		s := openStore(t, spec, state.Config{Now: clock.Now, IdleTimeout: time.Minute})
		ns := mustNamespace(t, s, "")
		for range 3 {
			if _, err := ns.StartSession(state.FirstUID); err != nil {
				t.Fatal(err)
			}
		}
		clock.Advance(3 * time.Minute)
		if _, err := ns.StartSession(state.FirstUID); err != nil {
			t.Fatal(err)
		}
		if n := ns.NumSessions(); n != 1 {
			t.Errorf("%s: %d sessions held, want the 1 live one", spec, n)
		}
	}
}

// TestStoresAuthenticateWithAReadAhead: a signin whose account read was
// started ahead (readahead.go) answers as Authenticate does, for a signed-up
// account, a fixture one, an unknown login, a wrong password, and a read
// of another login (then the read is ignored); a read never waited for
// costs nothing.
func TestStoresAuthenticateWithAReadAhead(t *testing.T) {
	forEachStore(t, func(t *testing.T, spec string) {
		s := openStore(t, spec, state.Config{})
		ns := mustNamespace(t, s, "")
		acc, err := ns.Signup(newAccount("ahead@example.com"))
		if err != nil {
			t.Fatal(err)
		}
		other, err := ns.Signup(newAccount("other@example.com"))
		if err != nil {
			t.Fatal(err)
		}
		ns.ReadAccount("ahead@example.com") // never waited for
		for _, tc := range []struct {
			read, login, password string
			uid                   int
		}{
			{"AHEAD@example.com", "ahead@example.com", "password-123", acc.UID},
			{"ahead@example.com", "ahead@example.com", "wrong-password", 0},
			{"demo@example.com", "demo@example.com", "demo-password-1", state.FirstUID},
			{"nobody@example.com", "nobody@example.com", "password-123", 0},
			{"demo@example.com", "ahead@example.com", "password-123", acc.UID},
			{"ahead@example.com", "demo@example.com", "demo-password-1", state.FirstUID},
			{"ahead@example.com", "other@example.com", "password-123", other.UID},
		} {
			got, ok, err := ns.AuthenticateRead(ns.ReadAccount(tc.read), tc.login, tc.password)
			if err != nil {
				t.Fatalf("read %s, sign in %s: %v", tc.read, tc.login, err)
			}
			want, wantOK := ns.Authenticate(tc.login, tc.password)
			if ok != (tc.uid != 0) || got.UID != tc.uid || ok != wantOK || got.UID != want.UID || got.Login != want.Login {
				t.Errorf("read %s, sign in %s/%s: %+v %v; Authenticate: %+v %v", tc.read, tc.login, tc.password, got, ok, want, wantOK)
			}
		}
	})
}
