package mockserver_test

import (
	"strings"
	"testing"
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
