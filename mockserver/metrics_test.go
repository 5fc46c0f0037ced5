package mockserver_test

import (
	"strings"
	"testing"

	"github.com/nebeus/nebeus-contract/internal/testutil"
	"github.com/nebeus/nebeus-contract/mockserver"
)

// TestMetricsCountOutcomesAndServeThem.
func TestMetricsCountOutcomesAndServeThem(t *testing.T) {
	h := newHarness(t, nil)
	h.call("signin", map[string]any{"login": demoLogin, "password": demoPassword})
	h.call("signin", map[string]any{"login": demoLogin, "password": "wrong-one"})
	h.do("POST", "/signin/1.0/json", "{")
	for outcome, want := range map[string]float64{"success": 1, "error": 1, "protocol_error": 1} {
		if got := h.requestsTotal("signin", outcome); got != want {
			t.Errorf("signin %s = %v, want %v", outcome, got, want)
		}
	}
	a := h.do("GET", "/metrics", "")
	for _, want := range []string{
		`nebeus_mock_requests_total{operation="signin",outcome="success"} 1`,
		`nebeus_mock_request_duration_seconds_bucket{operation="signin"`,
		`nebeus_mock_panics_total 0`,
	} {
		if !strings.Contains(string(a.Body), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	// What a scraper reads (issue 20: the Prometheus text format, now
	// written by VictoriaMetrics/metrics).
	if ct := a.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("/metrics Content-Type %q", ct)
	}
	samples, err := testutil.ParseExposition(string(a.Body))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	if got := testutil.SumSamples(samples, "nebeus_mock_requests_total", map[string]string{"operation": "signin"}); got != 3 {
		t.Errorf("/metrics counts %v signin requests, want 3", got)
	}
	if got := testutil.SumSamples(samples, "nebeus_mock_request_duration_seconds_count", map[string]string{"operation": "signin"}); got != 3 {
		t.Errorf("/metrics times %v signin requests, want 3", got)
	}
}

// TestServesItsOwnContract: OpenAPI and every schema.
func TestServesItsOwnContract(t *testing.T) {
	h := newHarness(t, nil)
	for path, want := range map[string]string{
		"/openapi.yaml":       "openapi:",
		"/openapi.json":       `"openapi"`,
		"/schemas/index.json": `"operations"`,
		"/schemas/":           "/schemas/signin.request.json",
		"/healthz":            `"ok"`,
		"/readyz":             `"ok"`,
	} {
		a := h.do("GET", path, "")
		if a.Status != 200 || !strings.Contains(string(a.Body), want) {
			t.Errorf("GET %s: %d, lacks %s", path, a.Status, want)
		}
	}
	for _, name := range h.contract.Names() {
		raw, _ := h.contract.Raw(name)
		if a := h.do("GET", "/schemas/"+name+".json", ""); a.Status != 200 || string(a.Body) != string(raw) {
			t.Errorf("GET /schemas/%s.json: %d", name, a.Status)
		}
	}
	for _, path := range []string{"/schemas/nope.json", "/schemas/signin.request"} {
		if a := h.do("GET", path, ""); a.Status != 404 {
			t.Errorf("GET %s: %d, want 404", path, a.Status)
		}
	}
}

// TestServersCountApart: two mocks in one process, each with the private
// registry a nil Config.Registry gives, count only their own requests.
func TestServersCountApart(t *testing.T) {
	var srvs [2]*mockserver.Server
	for i := range srvs {
		srv, err := mockserver.New(mockserver.Config{})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = srv.Close() })
		srvs[i] = srv
	}
	serve(t, srvs[0], "POST", "/signin/1.0/json", `{"jsonrpc":"2.0","id":1,"params":{"login":"`+demoLogin+`","password":"`+demoPassword+`"}}`)
	for i, want := range []float64{1, 0} {
		code, body := serve(t, srvs[i], "GET", "/metrics", "")
		samples, err := testutil.ParseExposition(body)
		if code != 200 || err != nil {
			t.Fatalf("server %d: GET /metrics: %d %v", i, code, err)
		}
		if got := testutil.SumSamples(samples, "nebeus_mock_requests_total", map[string]string{"operation": "signin", "outcome": "success"}); got != want {
			t.Errorf("server %d counts %v signins, want %v", i, got, want)
		}
	}
}
