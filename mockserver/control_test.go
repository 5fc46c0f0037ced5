package mockserver_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/nebeus/nebeus-contract/mockserver"
)

// TestControlAPIAuth: loopback passes, the token passes from anywhere, the
// rest is 403; a browser origin the CORS policy refuses is 403 even from
// loopback.
func TestControlAPIAuth(t *testing.T) {
	h := newHarness(t, func(c *mockserver.Config) { c.ControlToken = "s3cret-token" })
	for _, tc := range []struct {
		name    string
		headers []hdr
		want    int
	}{
		{"IPv4 loopback", []hdr{{"RemoteAddr", "127.0.0.1:5000"}}, 200},
		{"IPv6 loopback", []hdr{{"RemoteAddr", "[::1]:5000"}}, 200},
		{"IPv4-mapped loopback", []hdr{{"RemoteAddr", "[::ffff:127.0.0.1]:5000"}}, 200},
		{"remote with token", []hdr{{"RemoteAddr", "203.0.113.9:5000"}, {"Authorization", "Bearer s3cret-token"}}, 200},
		{"remote without token", []hdr{{"RemoteAddr", "203.0.113.9:5000"}}, 403},
		{"remote with a wrong token", []hdr{{"RemoteAddr", "203.0.113.9:5000"}, {"Authorization", "Bearer s3cret-tokeN"}}, 403},
		{"remote with a basic scheme", []hdr{{"RemoteAddr", "203.0.113.9:5000"}, {"Authorization", "Basic s3cret-token"}}, 403},
		{"loopback from a foreign page", []hdr{{"RemoteAddr", "127.0.0.1:5000"}, {"Origin", "https://evil.example"}}, 403},
		{"loopback from an allowed page", []hdr{{"RemoteAddr", "127.0.0.1:5000"}, {"Origin", "http://localhost:3000"}}, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The Host a loopback client sends (hostcheck_test.go checks others).
			headers := append([]hdr{{"Host", "127.0.0.1:8080"}}, tc.headers...)
			if a := h.do("GET", "/_mock/accounts", "", headers...); a.Status != tc.want {
				t.Fatalf("status %d, want %d: %s", a.Status, tc.want, a.Body)
			}
		})
	}
	// Without a token configured, a remote client never passes.
	h2 := newHarness(t, nil)
	if a := h2.do("GET", "/_mock/accounts", "", hdr{"RemoteAddr", "203.0.113.9:5000"}, hdr{"Authorization", "Bearer "}); a.Status != 403 {
		t.Fatalf("status %d, want 403", a.Status)
	}
}

// TestControlAPIOffIsLikeAnUnknownPath: with Control off, /_mock/ answers
// exactly what any unknown path answers (T5: 404, -32601).
func TestControlAPIOffIsLikeAnUnknownPath(t *testing.T) {
	h := newHarness(t, func(c *mockserver.Config) { c.Control = false })
	for _, p := range []string{"/_mock/accounts", "/_mock/reset", "/_mock/journal"} {
		a := h.control("GET", p, "")
		u := h.control("GET", strings.Replace(p, "_mock", "_nothing", 1), "")
		want := strings.Replace(string(u.Body), "_nothing", "_mock", 1)
		if a.Status != http.StatusNotFound || a.rpcCode() != -32601 || string(a.Body) != want {
			t.Errorf("%s: %d %s, want 404 like %s", p, a.Status, a.Body, want)
		}
	}
}

// TestControlAccountsResetAndCreate.
func TestControlAccountsResetAndCreate(t *testing.T) {
	h := newHarness(t, nil)
	// Create: the same checks as signup (S5).
	a := h.control("POST", "/_mock/accounts?namespace=qa", `{"login":"nope","password":"short","country":2}`)
	if a.Status != http.StatusUnprocessableEntity {
		t.Fatalf("bad account: %d %s", a.Status, a.Body)
	}
	for _, k := range []string{`"email"`, `"password"`, `"name"`, `"surname"`} {
		if !strings.Contains(string(a.Body), k) {
			t.Errorf("422 lacks %s: %s", k, a.Body)
		}
	}
	a = h.control("POST", "/_mock/accounts?namespace=qa", `{"login":"qa@example.com","password":"correct-horse","confirm_password":"correct-horse","name":"Q","surname":"A","country":1}`)
	if a.Status != http.StatusCreated || !strings.Contains(string(a.Body), `"login":"qa@example.com"`) {
		t.Fatalf("create: %d %s", a.Status, a.Body)
	}
	if a := h.control("POST", "/_mock/accounts?namespace=qa", `{"login":"QA@example.com","password":"correct-horse","confirm_password":"correct-horse","name":"Q","surname":"A","country":1}`); a.Status != 422 {
		t.Fatalf("duplicate create: %d %s", a.Status, a.Body)
	}
	for _, body := range []string{`[1]`, `{`, ``} {
		if a := h.control("POST", "/_mock/accounts?namespace=qa", body); a.Status != 400 {
			t.Errorf("create with %q: %d, want 400", body, a.Status)
		}
	}
	if r := h.call("signin", map[string]any{"login": "qa@example.com", "password": "correct-horse"}, hdr{mockserver.NamespaceHeader, "qa"}); r.Variant != "success" {
		t.Fatalf("created account cannot sign in: %s", r.Body)
	}
	// List: no password material (M4).
	a = h.control("GET", "/_mock/accounts?namespace=qa", "")
	if !strings.Contains(string(a.Body), "qa@example.com") || strings.Contains(string(a.Body), "correct-horse") ||
		strings.Contains(strings.ToLower(string(a.Body)), "password") || strings.Contains(string(a.Body), "hash") {
		t.Fatalf("accounts listing: %s", a.Body)
	}
	var ns struct{ Namespaces []string }
	h.control("GET", "/_mock/namespaces", "").decodeInto(t, &ns)
	if strings.Join(ns.Namespaces, ",") != "qa" {
		t.Errorf("namespaces %v, want [qa]", ns.Namespaces)
	}
	// Reset one namespace: the created account is gone, the fixtures stay.
	if a := h.control("POST", "/_mock/reset?namespace=qa", ""); a.Status != 200 {
		t.Fatal(string(a.Body))
	}
	if r := h.call("signin", map[string]any{"login": "qa@example.com", "password": "correct-horse"}, hdr{mockserver.NamespaceHeader, "qa"}); r.Variant != "error" {
		t.Fatalf("account survived the reset: %s", r.Body)
	}
	signinSession(t, h, demoLogin, demoPassword, hdr{mockserver.NamespaceHeader, "qa"})
	// Reset all.
	h.call("signup", signupParams("keep@example.com"))
	h.control("POST", "/_mock/reset", "")
	if r := h.call("signin", map[string]any{"login": "keep@example.com", "password": "correct-horse"}); r.Variant != "error" {
		t.Fatalf("account survived reset all: %s", r.Body)
	}
	if n := liveSessions(t, h, "qa"); n != 0 {
		t.Errorf("%d sessions survived reset all", n)
	}
	for _, bad := range []string{"/_mock/reset?namespace=a/b", "/_mock/accounts?namespace=" + strings.Repeat("x", 65)} {
		m := "GET"
		if strings.Contains(bad, "reset") {
			m = "POST"
		}
		if a := h.control(m, bad, ""); a.Status != 400 {
			t.Errorf("%s: %d, want 400", bad, a.Status)
		}
	}
}

// TestControlJournal: entries with operation, status, response and the
// request's violations; cleared on DELETE.
func TestControlJournal(t *testing.T) {
	h := newHarness(t, func(c *mockserver.Config) { c.JournalSize = 3 })
	h.call("signup", map[string]any{"login": "bad"}, hdr{mockserver.NamespaceHeader, "j"})
	var out struct {
		Entries []struct {
			Operation  string
			Status     int
			Namespace  string
			Request    map[string]any
			Response   any
			Violations []struct{ Pointer, Decision string }
		}
	}
	h.control("GET", "/_mock/journal?namespace=j", "").decodeInto(t, &out)
	if len(out.Entries) != 1 {
		t.Fatalf("%d entries, want 1", len(out.Entries))
	}
	e := out.Entries[0]
	if e.Operation != "signup" || e.Status != 200 || e.Namespace != "j" || e.Response == nil || len(e.Violations) < 5 {
		t.Fatalf("entry %+v", e)
	}
	if e.Violations[0].Decision != "S5" {
		t.Errorf("violation decision %q, want S5", e.Violations[0].Decision)
	}
	for range 5 {
		h.call("get_countries", map[string]any{}, hdr{mockserver.NamespaceHeader, "j"})
	}
	h.control("GET", "/_mock/journal?namespace=j", "").decodeInto(t, &out)
	if len(out.Entries) != 3 {
		t.Fatalf("%d entries, want 3 (bounded by JournalSize)", len(out.Entries))
	}
	if a := h.control("DELETE", "/_mock/journal?namespace=j", ""); !strings.Contains(string(a.Body), `"cleared":3`) {
		t.Fatalf("clear: %s", a.Body)
	}
	h.control("GET", "/_mock/journal?namespace=j", "").decodeInto(t, &out)
	if len(out.Entries) != 0 {
		t.Fatalf("%d entries after clearing", len(out.Entries))
	}
}
