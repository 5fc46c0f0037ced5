package mockserver_test

import (
	"github.com/nebeus/nebeus-contract/schemas"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nebeus/nebeus-contract/fixtures"
	"github.com/nebeus/nebeus-contract/mockserver"
)

func signinSession(t *testing.T, h *harness, login, password string, headers ...hdr) (string, *http.Cookie) {
	t.Helper()
	a := h.call("signin", map[string]any{"login": login, "password": password}, headers...)
	if a.Variant != "success" {
		t.Fatalf("signin %s: %s", login, a.Body)
	}
	id, _ := a.result()["session_id"].(string)
	for _, c := range a.Cookies {
		if c.Name == s2.Cookie {
			return id, c
		}
	}
	t.Fatalf("signin set no %s cookie", s2.Cookie)
	return "", nil
}

func liveSessions(t *testing.T, h *harness, ns string) int {
	t.Helper()
	var out struct {
		Sessions []struct {
			ID string `json:"id"`
		} `json:"sessions"`
	}
	h.control("GET", "/_mock/sessions?namespace="+ns, "").decodeInto(t, &out)
	return len(out.Sessions)
}

// TestS2EachSigninStartsANewSessionWithItsCookie: distinct ids (M3: 128
// bits, hex), the cookie's attributes, user_context.uid equals uid (S1).
func TestS2EachSigninStartsANewSessionWithItsCookie(t *testing.T) {
	h := newHarness(t, nil)
	id1, c1 := signinSession(t, h, demoLogin, demoPassword)
	id2, _ := signinSession(t, h, demoLogin, demoPassword)
	if id1 == id2 || len(id1) < 32 {
		t.Fatalf("session ids %q and %q: want distinct, >= 128 bits", id1, id2)
	}
	if c1.Value != id1 || !c1.HttpOnly || c1.SameSite != http.SameSiteLaxMode || c1.Path != "/" {
		t.Errorf("cookie %+v: want value=session id, HttpOnly, SameSite=Lax, Path=/ (S2)", c1)
	}
	if n := liveSessions(t, h, ""); n != 2 {
		t.Errorf("%d live sessions, want 2", n)
	}
	a := h.call("signin", map[string]any{"login": demoLogin, "password": demoPassword})
	r := a.result()
	if r["uid"].(interface{ String() string }).String() != r["user_context"].(map[string]any)["uid"].(interface{ String() string }).String() {
		t.Errorf("user_context.uid differs from uid (S1): %s", a.Body)
	}
}

// TestS3LogoutFindsTheSessionByCookieHeaderOrParams and is idempotent.
func TestS3LogoutFindsTheSessionByCookieHeaderOrParams(t *testing.T) {
	for _, how := range []string{"cookie", "header", "params"} {
		t.Run(how, func(t *testing.T) {
			h := newHarness(t, nil)
			id, _ := signinSession(t, h, demoLogin, demoPassword)
			other, _ := signinSession(t, h, demoLogin, demoPassword)
			params := map[string]any{}
			var headers []hdr
			switch how {
			case "cookie":
				headers = append(headers, hdr{"Cookie", s2.Cookie + "=" + id})
			case "header":
				headers = append(headers, hdr{s2.Header, id})
			case "params":
				params["session_id"] = id
			}
			for i := range 2 { // S3: a second logout succeeds too
				a := h.call("logout", params, headers...)
				if a.Variant != "success" {
					t.Fatalf("logout %d: %s", i, a.Body)
				}
				var cleared bool
				for _, c := range a.Cookies {
					cleared = cleared || (c.Name == s2.Cookie && c.MaxAge < 0 && c.Value == "")
				}
				if !cleared {
					t.Errorf("logout %d did not clear the cookie: %v", i, a.Header["Set-Cookie"])
				}
			}
			if n := liveSessions(t, h, ""); n != 1 {
				t.Errorf("%d live sessions after logout, want 1 (only the other one)", n)
			}
			_ = other
		})
	}
}

// TestM3SessionsExpireAfterTheIdleTimeout with a fake clock.
func TestM3SessionsExpireAfterTheIdleTimeout(t *testing.T) {
	h := newHarness(t, func(c *mockserver.Config) { c.IdleTimeout = time.Minute })
	signinSession(t, h, demoLogin, demoPassword)
	h.clock.Advance(59 * time.Second)
	if n := liveSessions(t, h, ""); n != 1 {
		t.Fatalf("%d live sessions before the timeout, want 1", n)
	}
	h.clock.Advance(61 * time.Second)
	if n := liveSessions(t, h, ""); n != 0 {
		t.Fatalf("%d live sessions after the timeout, want 0", n)
	}
	// Logout of an expired session still succeeds (S3).
	if a := h.call("logout", map[string]any{}); a.Variant != "success" {
		t.Fatal(string(a.Body))
	}
}

// TestS5SignupThenSignin: the new account signs in at once, with M1's
// username, lang and tz; the same login in another case is a duplicate.
func TestS5SignupThenSignin(t *testing.T) {
	h := newHarness(t, func(c *mockserver.Config) { c.CompanyID = 9; c.DB = "other" })
	p := signupParams("New.User@Example.com")
	p["language"] = "es_ES"
	p["timezone"] = 3600
	if a := h.call("signup", p); a.Variant != "success" {
		t.Fatalf("signup: %s", a.Body)
	}
	a := h.call("signin", map[string]any{"login": "new.user@example.com", "password": "correct-horse"})
	if a.Variant != "success" {
		t.Fatalf("signin after signup: %s", a.Body)
	}
	r := a.result()
	uc := r["user_context"].(map[string]any)
	for k, want := range map[string]any{"username": "New.User@Example.com", "name": "Ana", "surname": "García", "db": "other"} {
		if r[k] != want {
			t.Errorf("%s = %v, want %v (M1)", k, r[k], want)
		}
	}
	if uc["lang"] != "es_ES" || uc["tz"] != "Etc/GMT-1" {
		t.Errorf("user_context %v: want lang es_ES, tz Etc/GMT-1 (M1)", uc)
	}
	if !strings.Contains(string(a.Body), `"company_id":9`) {
		t.Errorf("company_id not from Config (M1): %s", a.Body)
	}
	a = h.call("signup", signupParams("NEW.USER@EXAMPLE.COM"))
	if _, dup := a.result()["errors"].(map[string]any)["email"]; !dup {
		t.Errorf("duplicate login in another case accepted: %s", a.Body)
	}
}

// TestS5CountryMustBeActive: a country that exists but is not active is
// refused; get_countries lists only the active ones (M2, S6).
func TestS5CountryMustBeActive(t *testing.T) {
	fx, err := fixtures.Default()
	if err != nil {
		t.Fatal(err)
	}
	fx.Active = fx.Active[:2] // Russia and Spain
	h := newHarness(t, func(c *mockserver.Config) { c.Fixtures = &fx })
	a := h.call("get_countries", map[string]any{})
	if n := len(a.Value.([]any)); n != 2 {
		t.Fatalf("get_countries lists %d countries, want the 2 active", n)
	}
	p := signupParams("x@example.com")
	p["country"] = 3
	a = h.call("signup", p)
	if _, bad := a.result()["errors"].(map[string]any)["country"]; !bad {
		t.Fatalf("inactive country accepted: %s", a.Body)
	}
}

// TestS4ResetPasswordRecordsOutboxOnlyForExistingAccounts.
func TestS4ResetPasswordRecordsOutboxOnlyForExistingAccounts(t *testing.T) {
	h := newHarness(t, nil)
	h.call("reset_password", map[string]any{"login": "DEMO@example.com"})
	h.call("reset_password", map[string]any{"login": "ghost@example.com"})
	var out struct {
		Messages []struct{ To, Token string } `json:"messages"`
	}
	h.control("GET", "/_mock/outbox", "").decodeInto(t, &out)
	if len(out.Messages) != 1 || out.Messages[0].To != demoLogin || out.Messages[0].Token == "" {
		t.Fatalf("outbox %+v: want one message to %s with a token", out.Messages, demoLogin)
	}
}

// TestNamespacesAreIsolated: accounts, sessions and outbox of one namespace
// are invisible in another and in the default one.
func TestNamespacesAreIsolated(t *testing.T) {
	h := newHarness(t, nil)
	a := hdr{mockserver.NamespaceHeader, "run-a"}
	b := hdr{mockserver.NamespaceHeader, "run-b"}
	if r := h.call("signup", signupParams("iso@example.com"), a); r.Variant != "success" {
		t.Fatal(string(r.Body))
	}
	if r := h.call("signin", map[string]any{"login": "iso@example.com", "password": "correct-horse"}, a); r.Variant != "success" {
		t.Fatalf("signin in its namespace: %s", r.Body)
	}
	for _, other := range [][]hdr{{b}, nil} {
		if r := h.call("signin", map[string]any{"login": "iso@example.com", "password": "correct-horse"}, other...); r.Variant != "error" {
			t.Fatalf("account visible in another namespace: %s", r.Body)
		}
		if r := h.call("signup", signupParams("iso@example.com"), other...); r.Variant != "success" {
			t.Fatalf("signup in another namespace: %s", r.Body)
		}
	}
	// The fixture accounts exist in every namespace.
	signinSession(t, h, demoLogin, demoPassword, b)
	if n := liveSessions(t, h, "run-b"); n != 1 {
		t.Errorf("run-b has %d sessions, want 1", n)
	}
	if n := liveSessions(t, h, "run-a"); n != 1 {
		t.Errorf("run-a has %d sessions, want 1", n)
	}
}

// s2 is how the contract says a session travels (S2).
var s2 = schemas.MustDefault().Model().Session
