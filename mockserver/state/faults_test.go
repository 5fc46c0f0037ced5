package state_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nebeus/nebeus-contract/internal/testutil"
	"github.com/nebeus/nebeus-contract/mockserver/state"
)

// Faults of the stores (issue 19), each against the real component: a
// redis-server stopped with SIGSTOP and killed, a bbolt file truncated or
// damaged. A second process holding a file is cmd/nebeus-mock's test
// (TestFileStoreHeldByAnotherProcess).

// testDeadline is the store deadline of these tests; slack is what a
// loaded machine under -race may add to it.
const (
	testDeadline = 400 * time.Millisecond
	slack        = time.Second
)

// TestRedisStoppedFailsWithinTheDeadline: a Redis that stops answering
// (SIGSTOP: it still accepts connections) makes every call that needs it
// fail within the deadline with a store failure, never a business answer
// (a signin with the right password is not "no match"); once one failed,
// the next fail at once (the store is marked down); after SIGCONT the
// store answers again, the account intact.
func TestRedisStoppedFailsWithinTheDeadline(t *testing.T) {
	r := testutil.StartRedisServer(t)
	var (
		mu      sync.Mutex
		changes []error
	)
	s := mustStore(t, state.Config{Store: r.URL, Deadline: testDeadline, OnAvailability: func(err error) {
		mu.Lock()
		changes = append(changes, err)
		mu.Unlock()
	}})
	t.Cleanup(func() { s.Close() })
	ns := mustNamespace(t, s, "paused")
	if _, err := ns.Signup(newAccount("kept@example.com")); err != nil {
		t.Fatal(err)
	}

	r.Pause()
	resumed := false
	defer func() {
		if !resumed {
			r.Resume()
		}
	}()
	start := time.Now()
	_, ok, err := ns.AuthenticateRead(ns.ReadAccount("kept@example.com"), "kept@example.com", "password-123")
	if took := time.Since(start); took > testDeadline+slack {
		t.Errorf("signin waited %v for a stopped Redis; the deadline is %v", took, testDeadline)
	}
	if ok || state.Failure(err) == nil {
		t.Fatalf("signin against a stopped Redis: ok %v, err %v; want a store failure", ok, err)
	}
	for name, call := range map[string]func() error{
		"signup": func() error { _, err := ns.Signup(newAccount("new@example.com")); return err },
		"lookup": func() error { _, _, err := ns.LookupErr("kept@example.com"); return err },
		"logout": func() error { _, err := ns.EndSessionErr("0123456789abcdef0123456789abcdef"); return err },
		"reset":  func() error { _, _, err := ns.RequestResetErr("kept@example.com"); return err },
	} {
		start := time.Now()
		err := call()
		if !errors.Is(err, state.ErrUnavailable) {
			t.Errorf("%s while the store is down: %v, want ErrUnavailable", name, err)
		}
		if took := time.Since(start); took > slack {
			t.Errorf("%s waited %v while the store was known to be down", name, took)
		}
	}

	r.Resume()
	resumed = true
	waitFor(t, 10*time.Second, func() bool {
		_, ok, err := ns.AuthenticateRead(nil, "kept@example.com", "password-123")
		return ok && err == nil
	})
	mu.Lock()
	defer mu.Unlock()
	if len(changes) < 2 || changes[0] == nil || changes[len(changes)-1] != nil {
		t.Errorf("availability changes %v: want down (an error), then up (nil)", changes)
	}
}

// TestRedisGoneIsUnavailable: a Redis killed (connection refused) is
// ErrUnavailable, the text of its error kept for the log only.
func TestRedisGoneIsUnavailable(t *testing.T) {
	r := testutil.StartRedisServer(t)
	s := mustStore(t, state.Config{Store: r.URL, Deadline: testDeadline})
	t.Cleanup(func() { s.Close() })
	ns := mustNamespace(t, s, "gone")
	r.Kill()
	_, err := ns.Signup(newAccount("gone@example.com"))
	if f := state.Failure(err); f != state.ErrUnavailable && f != state.ErrDeadline {
		t.Fatalf("signup with Redis gone: %v", err)
	}
}

// TestRedisURLPasswordNeverPrinted: no start-up error holds the
// password of a Redis URL, whether the URL parses or not and whether
// the server answers or not.
func TestRedisURLPasswordNeverPrinted(t *testing.T) {
	const pw = "s3cr3t-Pa55"
	for _, spec := range []string{
		"redis://user:" + pw + "@127.0.0.1:1/0",          // nobody listens
		"redis://:" + pw + "@127.0.0.1:1/0",              // no user
		"redis://user:" + pw + "@127.0.0.1:1/notanumber", // a bad database
		"redis://user:" + pw + "@[::1/0",                 // does not parse
		"redis://user:" + pw + "%zz@127.0.0.1:1/0",       // a bad escape
		"redis://user:" + pw + "/x@127.0.0.1:1/0",        // a / in the password
		"rediss+x://user:" + pw + "@127.0.0.1:1/0",       // an unknown scheme
	} {
		_, err := state.New(state.Config{Store: spec, Deadline: testDeadline})
		if err == nil {
			t.Errorf("%s: no error", state.RedactURL(spec))
			continue
		}
		if strings.Contains(err.Error(), pw) || strings.Contains(err.Error(), "s3cr3t") {
			t.Errorf("the password is in the error: %v", err)
		}
	}
	if got := state.RedactURL("redis://u:" + pw + "@h:1/0"); got != "redis://u:xxxxx@h:1/0" {
		t.Errorf("RedactURL: %s", got)
	}
}

// fileStore makes a file store holding an account, closed, and returns
// its path.
func fileStore(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state.db")
	s := mustStore(t, state.Config{Store: "file:" + path})
	ns := mustNamespace(t, s, "disk")
	for i := range 200 { // a few pages
		if _, err := ns.Signup(newAccount("user" + strings.Repeat("x", i%7) + strconv.Itoa(i) + "@example.com")); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestFileStoreDamagedIsReportedAndLeftAlone: a file store truncated (a
// full disk, a partial copy) or with a damaged page makes New fail with
// ErrCorrupt naming the file, without a crash (bbolt would fault reading
// past the end, or panic in a goroutine of its own), and the file is left
// byte for byte as it was; with StartAnew it is moved aside and the store
// starts empty.
func TestFileStoreDamagedIsReportedAndLeftAlone(t *testing.T) {
	for name, damage := range map[string]func(t *testing.T, path string){
		"truncated past its pages": func(t *testing.T, path string) {
			if err := os.Truncate(path, 3*int64(os.Getpagesize())); err != nil {
				t.Fatal(err)
			}
		},
		"truncated into its metas": func(t *testing.T, path string) {
			if err := os.Truncate(path, 100); err != nil {
				t.Fatal(err)
			}
		},
		"a damaged page": func(t *testing.T, path string) {
			b, _ := os.ReadFile(path)
			ps := os.Getpagesize()
			for p := 2; (p+1)*ps <= len(b); p++ { // every page but the metas: headers scribbled over
				copy(b[p*ps:], "garbage!garbage!")
			}
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
		},
		"damaged metas": func(t *testing.T, path string) {
			b, _ := os.ReadFile(path)
			copy(b[16:], "not a bbolt meta")
			copy(b[os.Getpagesize()+16:], "not a bbolt meta")
			if err := os.WriteFile(path, b, 0o600); err != nil {
				t.Fatal(err)
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			path := fileStore(t)
			damage(t, path)
			before, _ := os.ReadFile(path)
			_, err := state.New(state.Config{Store: "file:" + path, Accounts: seedAccounts()})
			if !errors.Is(err, state.ErrCorrupt) || !strings.Contains(err.Error(), path) {
				t.Fatalf("opening a damaged file: %v; want ErrCorrupt naming %s", err, path)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
				t.Error("the damaged file was changed")
			}
			s, err := state.New(state.Config{Store: "file:" + path, Accounts: seedAccounts(), StartAnew: true})
			if err != nil {
				t.Fatalf("StartAnew: %v", err)
			}
			defer s.Close()
			if n := mustNamespace(t, s, "disk").NumAccounts(); n != len(seedAccounts()) {
				t.Errorf("started anew with %d accounts, want the %d fixtures", n, len(seedAccounts()))
			}
			aside, _ := filepath.Glob(path + ".damaged-*")
			if len(aside) != 1 {
				t.Fatalf("moved aside: %v", aside)
			}
			if kept, _ := os.ReadFile(aside[0]); !bytes.Equal(before, kept) {
				t.Error("the file moved aside is not the damaged file as it was")
			}
		})
	}
}

// waitFor polls cond until it holds or the time is up (a store coming
// back is noticed by its probe, on its own schedule).
func waitFor(t *testing.T, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not within %v", limit)
		}
		time.Sleep(20 * time.Millisecond) // polling interval, not synchronisation
	}
}

// TestFileStoreDamagedWhileOpenFailsTheRead: a file overwritten under a
// running mock makes the reads that meet the damage fail with
// ErrCorrupt, where bbolt panics; the process goes on.
func TestFileStoreDamagedWhileOpenFailsTheRead(t *testing.T) {
	path := fileStore(t)
	s := mustStore(t, state.Config{Store: "file:" + path})
	defer s.Close()
	ns := mustNamespace(t, s, "disk")
	if _, ok, err := ns.LookupErr("user0@example.com"); !ok || err != nil {
		t.Fatalf("before the damage: %v %v", ok, err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fi, _ := f.Stat()
	ps := int64(os.Getpagesize())
	for p := int64(2); (p+1)*ps <= fi.Size(); p++ {
		if _, err := f.WriteAt([]byte("garbage!garbage!"), p*ps); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()
	_, _, err = ns.LookupErr("user0@example.com")
	if !errors.Is(err, state.ErrCorrupt) {
		t.Errorf("a read of the damaged file: %v, want ErrCorrupt", err)
	}
}
