package mockserver_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/nebeus/nebeus-contract/internal/testutil"
	"github.com/nebeus/nebeus-contract/mockserver"
)

// TestTwoReplicasOnOneRedis: two mock servers on one Redis behave as one
// mock: of N concurrent signups of one email spread over both, exactly one
// wins; an account made on one signs in on the other, its session is
// known there, and a fault set through one is injected by the other.
func TestTwoReplicasOnOneRedis(t *testing.T) {
	url := testutil.StartRedis(t)
	replica := func() *harness {
		h := newHarness(t, func(c *mockserver.Config) { c.Store = url })
		t.Cleanup(func() { h.srv.Close() })
		return h
	}
	a, b := replica(), replica()

	const n = 16
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			h := a
			if i%2 == 1 {
				h = b
			}
			login := "Twin@Example.com"
			if i%3 == 0 {
				login = "twin@example.com"
			}
			ans := h.call("signup", signupParams(login), hdr{mockserver.NamespaceHeader, "replicas"})
			if ans.Variant == "success" {
				wins.Add(1)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d of %d concurrent signups over two replicas won, want exactly 1", wins.Load(), n)
	}

	ns := hdr{mockserver.NamespaceHeader, "replicas"}
	in := b.call("signin", map[string]any{"login": "TWIN@example.com", "password": "correct-horse"}, ns)
	sid, _ := in.result()["session_id"].(string)
	if sid == "" {
		t.Fatalf("signin on the other replica: %s", in.Body)
	}
	var sessions struct {
		Sessions []struct{ UID int } `json:"sessions"`
	}
	a.control(http.MethodGet, "/_mock/sessions?namespace=replicas", "").decodeInto(t, &sessions)
	if len(sessions.Sessions) != 1 {
		t.Errorf("replica a sees %d sessions, want the one started on b", len(sessions.Sessions))
	}
	if ans := a.control(http.MethodPost, "/_mock/faults?namespace=replicas", `{"operation":"get_countries","status":503,"count":1}`); ans.Status != http.StatusCreated {
		t.Fatalf("set fault: %d %s", ans.Status, ans.Body)
	}
	if ans := b.do(http.MethodPost, "/get_countries/1.0/json", `{"jsonrpc":"2.0","method":"call","id":1}`, ns); ans.Status != 503 {
		t.Errorf("the fault set on a was not injected by b: %d", ans.Status)
	}
	if ans := a.do(http.MethodPost, "/get_countries/1.0/json", `{"jsonrpc":"2.0","method":"call","id":1}`, ns); ans.Status != 200 {
		t.Errorf("a count-1 fault fired twice across replicas: %d", ans.Status)
	}
	a.control(http.MethodPost, "/_mock/reset?namespace=replicas", "")
	if ans := b.call("signin", map[string]any{"login": "twin@example.com", "password": "correct-horse"}, ns); ans.Variant != "error" {
		t.Errorf("after a reset on a, b still signs the account in: %s", ans.Body)
	}
}

// TestRejectedRequestsTakeNoNamespace: a request the mock refuses (405,
// 415, a call that is not JSON) and a read of the control API create no
// namespace; a signup does.
func TestRejectedRequestsTakeNoNamespace(t *testing.T) {
	h := newHarness(t, nil)
	ns := func(n string) hdr { return hdr{mockserver.NamespaceHeader, n} }
	h.do(http.MethodGet, "/signin/1.0/json", "", ns("by-get"))
	h.do(http.MethodPost, "/signin/1.0/json", `{}`, ns("by-type"), hdr{"Content-Type", ""}, hdr{"Content-Type", "text/plain"})
	h.do(http.MethodPost, "/signin/1.0/json", `not json`, ns("by-body"))
	for _, p := range []string{"accounts", "sessions", "journal", "outbox", "faults"} {
		if ans := h.control(http.MethodGet, "/_mock/"+p+"?namespace=by-read", ""); ans.Status != 200 {
			t.Errorf("GET /_mock/%s: %d", p, ans.Status)
		}
	}
	h.call("signup", signupParams("in@example.com"), ns("used"))
	var got struct{ Namespaces []string }
	h.control(http.MethodGet, "/_mock/namespaces", "").decodeInto(t, &got)
	if !slices.Equal(got.Namespaces, []string{"used"}) {
		t.Errorf("namespaces = %q, want only the one a signup used", got.Namespaces)
	}
}

// TestNamespacesNeverRunOut: past MaxNamespaces the idle ones are evicted;
// nobody gets 429, the default namespace least of all.
func TestNamespacesNeverRunOut(t *testing.T) {
	h := newHarness(t, func(c *mockserver.Config) { c.MaxNamespaces = 5 })
	h.call("signup", signupParams("default@example.com"))
	for i := range 40 {
		ans := h.call("signup", signupParams("x@example.com"), hdr{mockserver.NamespaceHeader, fmt.Sprintf("ns-%d", i)})
		if ans.Variant != "success" {
			t.Fatalf("namespace %d: %d %s", i, ans.Status, ans.Body)
		}
		h.clock.Advance(1e9)
	}
	if ans := h.call("signin", map[string]any{"login": "default@example.com", "password": "correct-horse"}); ans.Variant != "success" {
		t.Errorf("the default namespace lost its account: %s", ans.Body)
	}
	var got struct{ Namespaces []string }
	h.control(http.MethodGet, "/_mock/namespaces", "").decodeInto(t, &got)
	if len(got.Namespaces) != 5 || !slices.Contains(got.Namespaces, "ns-39") {
		t.Errorf("namespaces = %q, want 5 with the newest", got.Namespaces)
	}
}

// TestSignupFreeTextLimit: a free-text argument over the mock's limit (M5)
// is reported under its own key (S5), with the other problems.
func TestSignupFreeTextLimit(t *testing.T) {
	h := newHarness(t, nil)
	p := signupParams("long@example.com")
	p["identifier"] = strings.Repeat("i", 1_000_000)
	p["name"] = strings.Repeat("é", mockserver.MaxFieldLength) // at the limit, in characters: fine
	p["country"] = "x"
	ans := h.call("signup", p)
	var out []struct {
		Result struct {
			Errors map[string]struct{ Field, Message string } `json:"errors"`
		} `json:"result"`
	}
	if err := json.Unmarshal(ans.Body, &out); err != nil || len(out) != 1 {
		t.Fatalf("%s: %v", ans.Body, err)
	}
	errs := out[0].Result.Errors
	if e, ok := errs["identifier"]; !ok || e.Field != "identifier" || !strings.Contains(e.Message, "M5") {
		t.Errorf("identifier error = %+v, want one under its own key naming M5", errs)
	}
	if _, ok := errs["name"]; ok {
		t.Error("a name at the limit was refused")
	}
	if _, ok := errs["country"]; !ok {
		t.Error("the other problems are not reported with it (S5)")
	}
}
