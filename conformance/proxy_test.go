package conformance_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/nebeus/nebeus-contract/mockserver"
)

// TestSuiteThroughTheProxyFindsNothing: the conformance suite run through
// the validation proxy (issue 13) with the mock as its upstream passes,
// and every exchange the proxy forwarded was checked and found clean
// (X-Contract-Violations: 0, no violation in the journal): the proxy's
// checks are the suite's, so a conforming backend is transparent.
func TestSuiteThroughTheProxyFindsNothing(t *testing.T) {
	onlyUnderGoTest(t)
	t.Parallel() // runs the binary: its waits overlap other tests
	upstream := httptest.NewServer(newMock(t, mockserver.Config{}))
	defer upstream.Close()
	px, err := mockserver.New(mockserver.Config{Proxy: &mockserver.Proxy{Upstream: upstream.URL}, Control: true, JournalSize: 1 << 20})
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	counts := map[string]int{} // X-Contract-Violations value -> answers
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		px.ServeHTTP(rec, r)
		mu.Lock()
		if v := rec.Header().Values(mockserver.ViolationsHeader); len(v) > 0 {
			counts[strings.Join(v, ",")]++
		}
		mu.Unlock()
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(rec.Body.Bytes())
	}))
	defer srv.Close()

	res := runConformance(context.Background(), t, srv.URL, []string{"NEBEUS_PASSWORD=demo-password-1"},
		"--timeout", "5s", "--login", "demo@example.com")
	if res.code != 0 {
		t.Fatalf("the suite through the proxy: exit status %d\n%s", res.code, tail(res.out, 60))
	}
	if len(counts) != 1 || counts["0"] < 50 {
		t.Errorf("X-Contract-Violations of the forwarded answers: %v, want only 0 (on every one of many)", counts)
	}
	// The journal of the default namespace: every exchange, none with a
	// violation.
	req := httptest.NewRequest(http.MethodGet, "/_mock/journal", nil)
	req.RemoteAddr, req.Host = "127.0.0.1:1", "127.0.0.1"
	rec := httptest.NewRecorder()
	px.ServeHTTP(rec, req)
	var journal struct {
		Entries []struct {
			Operation  string            `json:"operation"`
			Status     int               `json:"status"`
			Request    json.RawMessage   `json:"request"`
			Response   json.RawMessage   `json:"response"`
			Violations []json.RawMessage `json:"violations"`
		} `json:"entries"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &journal); err != nil {
		t.Fatalf("journal: %v: %s", err, rec.Body.String())
	}
	if len(journal.Entries) < counts["0"] {
		t.Errorf("the journal has %d entries, fewer than the %d answers forwarded", len(journal.Entries), counts["0"])
	}
	for _, e := range journal.Entries {
		if len(e.Violations) > 0 {
			t.Errorf("%s (HTTP %d): violations %s\nrequest %s\nresponse %s", e.Operation, e.Status, e.Violations, e.Request, e.Response)
		}
	}
}
