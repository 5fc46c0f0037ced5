package mockserver_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/nebeus/nebeus-contract/mockserver"
)

// TestCORS: allowed origins are reflected with credentials (never "*"),
// preflights answered 204, disallowed origins get no CORS headers.
func TestCORS(t *testing.T) {
	for _, tc := range []struct {
		name, origin string
		origins      []string
		allowed      bool
	}{
		{"default localhost any port", "http://localhost:3000", nil, true},
		{"default 127.0.0.1 any port", "http://127.0.0.1:5173", nil, true},
		{"default localhost no port", "http://localhost", nil, true},
		{"default https not allowed", "https://localhost:3000", nil, false},
		{"default other host", "http://example.com:3000", nil, false},
		{"default port not digits", "http://localhost:3000.evil.com", nil, false},
		{"default prefix trick", "http://localhost.evil.com", nil, false},
		{"null origin", "null", nil, false},
		{"exact", "https://app.example.com", []string{"https://app.example.com"}, true},
		{"exact is case-insensitive", "https://APP.example.com", []string{"https://app.example.com"}, true},
		{"exact other port", "https://app.example.com:8443", []string{"https://app.example.com"}, false},
		{"star reflects", "https://anything.example", []string{"*"}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, func(c *mockserver.Config) { c.CORSOrigins = tc.origins })
			// Preflight.
			a := h.do("OPTIONS", "/signin/1.0/json", "", hdr{"Origin", tc.origin},
				hdr{"Access-Control-Request-Method", "POST"},
				hdr{"Access-Control-Request-Headers", "content-type, x-mock-namespace"})
			if a.Status != http.StatusNoContent {
				t.Fatalf("preflight status %d", a.Status)
			}
			checkCORS(t, a.Header, tc.origin, tc.allowed)
			if tc.allowed {
				if m := a.Header.Get("Access-Control-Allow-Methods"); !strings.Contains(m, "POST") {
					t.Errorf("Allow-Methods %q", m)
				}
				hs := strings.ToLower(a.Header.Get("Access-Control-Allow-Headers"))
				for _, want := range []string{"content-type", "accept", "x-openerp-session-id", "x-mock-namespace", "prefer"} {
					if !strings.Contains(hs, want) {
						t.Errorf("Allow-Headers %q lacks %s", hs, want)
					}
				}
				if a.Header.Get("Access-Control-Max-Age") == "" {
					t.Error("no Access-Control-Max-Age")
				}
			} else if a.Header.Get("Access-Control-Allow-Methods") != "" {
				t.Error("a disallowed origin got Allow-Methods")
			}
			// Credentialed request.
			a = h.call("signin", map[string]any{"login": demoLogin, "password": demoPassword}, hdr{"Origin", tc.origin})
			checkCORS(t, a.Header, tc.origin, tc.allowed)
			if tc.allowed && !strings.Contains(a.Header.Get("Access-Control-Expose-Headers"), "X-Mock-Violations") {
				t.Errorf("X-Mock-Violations not exposed: %q", a.Header.Get("Access-Control-Expose-Headers"))
			}
			if a.Variant != "success" {
				t.Fatalf("signin: %s", a.Body)
			}
		})
	}
}

func checkCORS(t *testing.T, h http.Header, origin string, allowed bool) {
	t.Helper()
	got := h.Get("Access-Control-Allow-Origin")
	if allowed {
		if got != origin || h.Get("Access-Control-Allow-Credentials") != "true" {
			t.Errorf("Allow-Origin %q Allow-Credentials %q, want %q and true", got, h.Get("Access-Control-Allow-Credentials"), origin)
		}
	} else if got != "" || h.Get("Access-Control-Allow-Credentials") != "" {
		t.Errorf("disallowed origin got CORS headers: %v", h)
	}
	if got == "*" {
		t.Error(`Access-Control-Allow-Origin "*" with credentials`)
	}
	if !strings.Contains(strings.Join(h.Values("Vary"), ","), "Origin") {
		t.Errorf("Vary lacks Origin: %v", h.Values("Vary"))
	}
}

// TestCORSPatternsAreChecked at New.
func TestCORSPatternsAreChecked(t *testing.T) {
	for _, bad := range []string{"localhost:3000", "ftp://x", "http://x/path", "http://"} {
		if _, err := mockserver.New(mockserver.Config{CORSOrigins: []string{bad}}); err == nil {
			t.Errorf("CORS origin %q accepted", bad)
		}
	}
}
