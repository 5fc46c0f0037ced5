package mockserver_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nebeus/nebeus-contract/internal/testutil"
	"github.com/nebeus/nebeus-contract/mockserver"
)

// Store faults as a client sees them (issue 19), against a real
// redis-server: every operation that needs the store answers a clean
// JSON-RPC error, HTTP 503 with Retry-After, within the deadline: never a
// business answer (the right password is not "incorrect"), never the
// store's own text; get_countries does not wait for the store.

const (
	outageDeadline = 1500 * time.Millisecond
	outageSlack    = time.Second // what a loaded machine under -race adds
)

// storeFailure checks a is the store-failure answer, of one of kinds.
func storeFailure(t *testing.T, h *harness, what string, a *answer, kinds ...string) {
	t.Helper()
	if a.Status != http.StatusServiceUnavailable || a.Header.Get("Retry-After") == "" {
		t.Errorf("%s: %d, Retry-After %q; want 503 with Retry-After: %s", what, a.Status, a.Header.Get("Retry-After"), a.Body)
		return
	}
	if vs, err := h.contract.Validate("jsonrpc-error", a.Value); err != nil || len(vs) > 0 {
		t.Errorf("%s: not the contract's JSON-RPC error: %v %v: %s", what, vs, err, a.Body)
	}
	var e struct {
		Error struct {
			Code int               `json:"code"`
			Data map[string]string `json:"data"`
		} `json:"error"`
	}
	if err := json.Unmarshal(a.Body, &e); err != nil || e.Error.Code != mockserver.CodeStoreUnavailable {
		t.Errorf("%s: code %d, want %d: %s", what, e.Error.Code, mockserver.CodeStoreUnavailable, a.Body)
	}
	found := false
	for _, k := range kinds {
		found = found || e.Error.Data["store"] == k
	}
	if !found {
		t.Errorf("%s: data.store %q, want one of %v", what, e.Error.Data["store"], kinds)
	}
	for _, internal := range []string{"dial", "127.0.0.1", "redis", "tcp", "timeout", "refused", "state:", "nebeus-mock:"} {
		if strings.Contains(strings.ToLower(string(a.Body)), internal) {
			t.Errorf("%s: the answer shows the store's own text (%q): %s", what, internal, a.Body)
		}
	}
}

func TestRedisOutageAnswers503WithinTheDeadline(t *testing.T) {
	r := testutil.StartRedisServer(t)
	h := newHarness(t, func(c *mockserver.Config) { c.Store, c.StoreDeadline = r.URL, outageDeadline })
	t.Cleanup(func() { h.srv.Close() })
	ns := hdr{mockserver.NamespaceHeader, "outage"}
	if a := h.call("signup", signupParams("kept@example.com"), ns); a.Variant != "success" {
		t.Fatalf("signup: %s", a.Body)
	}
	_, ck := signinSession(t, h, "kept@example.com", "correct-horse", ns)
	cookie := hdr{"Cookie", ck.Name + "=" + ck.Value}

	r.Pause()
	resumed := false
	defer func() {
		if !resumed {
			r.Resume()
		}
	}()
	// get_countries first, before anything noticed the outage: it does
	// not wait for the store (its fault check waits briefly at most).
	start := time.Now()
	if a := h.call("get_countries", map[string]any{}, ns, cookie); a.Status != http.StatusOK {
		t.Errorf("get_countries during the outage: %d %s", a.Status, a.Body)
	}
	if took := time.Since(start); took >= outageDeadline {
		t.Errorf("get_countries waited %v for a stopped store (deadline %v)", took, outageDeadline)
	}
	for _, tc := range []struct {
		op     string
		params map[string]any
	}{
		{"signin", map[string]any{"login": "kept@example.com", "password": "correct-horse"}},
		{"signup", signupParams("new@example.com")},
		{"logout", map[string]any{}},
		{"reset_password", map[string]any{"login": "kept@example.com"}},
	} {
		start := time.Now()
		a := h.call(tc.op, tc.params, ns, cookie)
		if took := time.Since(start); took > outageDeadline+outageSlack {
			t.Errorf("%s waited %v (deadline %v)", tc.op, took, outageDeadline)
		}
		storeFailure(t, h, tc.op+" during the outage", a, "unavailable", "deadline")
	}
	if a := h.call("get_countries", map[string]any{}, ns, cookie); a.Status != http.StatusOK {
		t.Errorf("get_countries once the store is known down: %d %s", a.Status, a.Body)
	}
	// The control API does not claim what it could not do.
	if a := h.control(http.MethodPost, "/_mock/faults?namespace=outage", `{"operation":"signin","status":500}`); a.Status != http.StatusServiceUnavailable {
		t.Errorf("setting a fault while the store is down: %d %s, want 503", a.Status, a.Body)
	}

	r.Resume()
	resumed = true
	waitFor(t, 10*time.Second, func() bool {
		return h.call("signin", map[string]any{"login": "kept@example.com", "password": "correct-horse"}, ns).Variant == "success"
	})

	// A Redis past its maxmemory (noeviction) refuses writes: full. A
	// value of the mock's that does not decode: corrupt.
	redisCmd := func(args ...string) {
		t.Helper()
		if reply, err := r.Command(args...); err != nil || reply != "+OK" {
			t.Fatalf("redis %q: %q %v", args, reply, err)
		}
	}
	redisCmd("CONFIG", "SET", "maxmemory", "1")
	storeFailure(t, h, "signup with Redis full", h.call("signup", signupParams("full@example.com"), ns), "full")
	redisCmd("CONFIG", "SET", "maxmemory", "0")
	redisCmd("SET", "nebeus-mock:a\x1foutage\x1fkept@example.com", "damaged")
	storeFailure(t, h, "signin of a damaged account", h.call("signin", map[string]any{"login": "kept@example.com", "password": "correct-horse"}, ns), "corrupt")
	if a := h.call("signup", signupParams("after@example.com"), ns); a.Variant != "success" {
		t.Errorf("signup once the store is whole again: %s", a.Body)
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

// TestReadAheadOutlivesAPreferDelay: a signin's account read starts ahead
// (state/readahead.go) and is taken after the delay the client asked
// for, longer than the store's deadline: the answer that came in time is
// taken, not a deadline the read never missed.
func TestReadAheadOutlivesAPreferDelay(t *testing.T) {
	r := testutil.StartRedisServer(t)
	h := newHarness(t, func(c *mockserver.Config) { c.Store, c.StoreDeadline = r.URL, 200*time.Millisecond })
	t.Cleanup(func() { h.srv.Close() })
	ns := hdr{mockserver.NamespaceHeader, "delayed"}
	if a := h.call("signup", signupParams("late@example.com"), ns); a.Variant != "success" {
		t.Fatalf("signup: %s", a.Body)
	}
	a := h.call("signin", map[string]any{"login": "late@example.com", "password": "correct-horse"}, ns, hdr{"Prefer", "delay=500ms"})
	if a.Variant != "success" {
		t.Errorf("signin after a 500ms Prefer delay, store deadline 200ms: %d %s", a.Status, a.Body)
	}
}
