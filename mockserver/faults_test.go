package mockserver_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nebeus/nebeus-contract/mockserver"
)

func setFault(t *testing.T, h *harness, ns, body string) {
	t.Helper()
	if a := h.control("POST", "/_mock/faults?namespace="+ns, body); a.Status != http.StatusCreated {
		t.Fatalf("set fault %s: %d %s", body, a.Status, a.Body)
	}
}

// TestFaultVariantForCountCalls: a forced variant for the next N calls,
// without touching state, then back to normal.
func TestFaultVariantForCountCalls(t *testing.T) {
	h := newHarness(t, nil)
	setFault(t, h, "", `{"operation":"signin","variant":"error","count":2}`)
	for i := range 2 {
		if a := h.call("signin", map[string]any{"login": demoLogin, "password": demoPassword}); a.Variant != "error" {
			t.Fatalf("call %d: %s", i, a.Body)
		}
	}
	if n := liveSessions(t, h, ""); n != 0 {
		t.Fatalf("a forced variant started %d sessions", n)
	}
	if a := h.call("signin", map[string]any{"login": demoLogin, "password": demoPassword}); a.Variant != "success" {
		t.Fatalf("after count calls: %s", a.Body)
	}
	if got := h.requestsTotal("signin", "fault"); got != 2 {
		t.Errorf("fault outcome counted %v times, want 2", got)
	}
}

// TestFaultsArePerNamespaceAndCleared.
func TestFaultsArePerNamespaceAndCleared(t *testing.T) {
	h := newHarness(t, nil)
	setFault(t, h, "x", `{"operation":"signup","variant":"error"}`)
	setFault(t, h, "x", `{"operation":"reset_password","variant":"error"}`)
	if a := h.call("signup", signupParams("f@example.com")); a.Variant != "success" {
		t.Fatalf("fault leaked into the default namespace: %s", a.Body)
	}
	x := hdr{mockserver.NamespaceHeader, "x"}
	for range 3 { // count 0: until cleared
		if a := h.call("signup", signupParams("f@example.com"), x); a.Variant != "error" {
			t.Fatalf("fault not applied: %s", a.Body)
		}
	}
	a := h.control("GET", "/_mock/faults?namespace=x", "")
	if !strings.Contains(string(a.Body), `"operation":"reset_password"`) || !strings.Contains(string(a.Body), `"operation":"signup"`) {
		t.Fatalf("faults: %s", a.Body)
	}
	h.control("DELETE", "/_mock/faults?namespace=x&operation=signup", "")
	if a := h.call("signup", signupParams("f@example.com"), x); a.Variant != "success" {
		t.Fatalf("fault not cleared: %s", a.Body)
	}
	if a := h.call("reset_password", map[string]any{"login": demoLogin}, x); a.Variant != "error" {
		t.Fatalf("other fault cleared too: %s", a.Body)
	}
	h.control("DELETE", "/_mock/faults?namespace=x", "")
	if a := h.call("reset_password", map[string]any{"login": demoLogin}, x); a.Variant != "success" {
		t.Fatalf("faults not all cleared: %s", a.Body)
	}
}

// TestFaultStatusAnswersThat5xx with a JSON-RPC error body.
func TestFaultStatusAnswersThat5xx(t *testing.T) {
	h := newHarness(t, nil)
	setFault(t, h, "", `{"operation":"get_countries","status":503,"count":1}`)
	r := httptest.NewRequest("POST", "/get_countries/1.0/json", strings.NewReader(`{"jsonrpc":"2.0","id":5}`))
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.srv.ServeHTTP(w, r)
	if w.Code != 503 || !strings.Contains(w.Body.String(), `"id":5`) {
		t.Fatalf("%d %s", w.Code, w.Body)
	}
	v, _ := decode(w.Body.Bytes())
	if vs, err := h.contract.Validate("jsonrpc-error", v); err != nil || len(vs) > 0 {
		t.Fatalf("fault body is not a JSON-RPC error: %v %v", vs, err)
	}
	if a := h.call("get_countries", map[string]any{}); a.Status != 200 {
		t.Fatalf("count 1 fault still applied: %d", a.Status)
	}
}

// TestFaultDelay adds latency, and a cancelled request stops waiting.
func TestFaultDelay(t *testing.T) {
	h := newHarness(t, nil)
	setFault(t, h, "", `{"operation":"get_countries","delay":"20ms","count":1}`)
	start := time.Now()
	if a := h.call("get_countries", map[string]any{}); a.Status != 200 {
		t.Fatal(a.Status)
	}
	if d := time.Since(start); d < 20*time.Millisecond {
		t.Fatalf("answered after %v, want >= 20ms", d)
	}

	// A 30s delay ends as soon as the client goes away.
	setFault(t, h, "", `{"operation":"get_countries","delay":"30s"}`)
	assertDelayEndsWithClient(t, h, "")
}

// TestPreferDelayHonoursCancellation: same for Prefer: delay.
func TestPreferDelayHonoursCancellation(t *testing.T) {
	assertDelayEndsWithClient(t, newHarness(t, nil), "delay=30s")
}

// assertDelayEndsWithClient sends get_countries (with prefer, if any) and
// cancels it: a delayed answer must stop waiting once the client is gone.
func assertDelayEndsWithClient(t *testing.T, h *harness, prefer string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	r := httptest.NewRequestWithContext(ctx, "POST", "/get_countries/1.0/json", strings.NewReader(`{"jsonrpc":"2.0"}`))
	r.Header.Set("Content-Type", "application/json")
	if prefer != "" {
		r.Header.Set("Prefer", prefer)
	}
	done := make(chan struct{})
	go func() {
		h.srv.ServeHTTP(httptest.NewRecorder(), r)
		close(done)
	}()
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the handler kept waiting after the client went away")
	}
}

// TestFaultCloseDropsTheConnection over a real loopback connection.
func TestFaultCloseDropsTheConnection(t *testing.T) {
	h := newHarness(t, nil)
	setFault(t, h, "", `{"operation":"logout","close":true,"count":1}`)
	ts := httptest.NewServer(h.srv)
	defer ts.Close()
	resp, err := ts.Client().Post(ts.URL+"/logout/1.0/json", "application/json", strings.NewReader(`{"jsonrpc":"2.0"}`))
	if err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Fatalf("got an answer %d %s, want the connection closed", resp.StatusCode, b)
	}
	resp, err = ts.Client().Post(ts.URL+"/logout/1.0/json", "application/json", strings.NewReader(`{"jsonrpc":"2.0"}`))
	if err != nil {
		t.Fatalf("after the count-1 close fault: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatal(resp.StatusCode)
	}
}

// TestFaultRejectsWhatTheContractLacks.
func TestFaultRejectsWhatTheContractLacks(t *testing.T) {
	h := newHarness(t, nil)
	for _, body := range []string{
		`{"operation":"delete_account","variant":"error"}`,
		`{"operation":"logout","variant":"error"}`,
		`{"operation":"signin","status":404}`,
		`{"operation":"signin","delay":"1h"}`,
		`{"operation":"signin","delay":"soon"}`,
		`{"operation":"signin","count":-1,"close":true}`,
		`{"operation":"signin"}`,
		`{"operation":"signin","colour":"red","close":true}`,
		`not json`,
	} {
		if a := h.control("POST", "/_mock/faults", body); a.Status != http.StatusBadRequest {
			t.Errorf("%s: %d %s, want 400", body, a.Status, a.Body)
		}
	}
	setFault(t, h, "", `{"operation":"signin","delay":5}`) // a number is milliseconds
}
