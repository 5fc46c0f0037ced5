package session_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"github.com/nebeus/nebeus-contract/mockserver/session"
	"github.com/nebeus/nebeus-contract/spec/model"
)

// rules are a contract's session rules with names of the test's own.
func rules(sameSite string) session.Rules {
	return session.New(&model.Contract{Session: &model.Session{
		Cookie: "sid", HttpOnly: true, SameSite: sameSite, Path: "/", Header: "x-session-token", Argument: "session",
	}})
}

// S2's cookie carries the contract's name, path and attributes; S3's
// clearing one has the same name and path and has expired; a contract
// without sessions sets none.
func TestCookies(t *testing.T) {
	for sameSite, want := range map[string]http.SameSite{"Lax": http.SameSiteLaxMode, "Strict": http.SameSiteStrictMode, "None": http.SameSiteNoneMode, "": http.SameSiteDefaultMode} {
		c := rules(sameSite).CookieFor("abc")
		if c == nil || c.Name != "sid" || c.Value != "abc" || c.Path != "/" || !c.HttpOnly || c.SameSite != want {
			t.Errorf("SameSite %q: cookie %+v", sameSite, c)
		}
	}
	cl := rules("Lax").Cleared()
	if cl == nil || cl.Name != "sid" || cl.Path != "/" || cl.Value != "" || cl.MaxAge >= 0 || !cl.HttpOnly {
		t.Errorf("cleared cookie %+v; want sid on / expired", cl)
	}
	none := session.New(&model.Contract{})
	if none.CookieFor("abc") != nil || none.Cleared() != nil {
		t.Error("a contract without sessions set a cookie")
	}
}

// A request's session ids come from the argument, the header (its name in
// any case) and the cookies, in that order, each once; empty ones and a
// non-string argument are not ids.
func TestIDs(t *testing.T) {
	s := rules("Lax")
	for _, tc := range []struct {
		name    string
		params  map[string]any
		header  string
		cookies []string
		want    []string
	}{
		{"each carrier", map[string]any{"session": "a"}, "b", []string{"c"}, []string{"a", "b", "c"}},
		{"the same id everywhere", map[string]any{"session": "a"}, "a", []string{"a"}, []string{"a"}},
		{"two cookies", nil, "", []string{"c", "d"}, []string{"c", "d"}},
		{"empty values", map[string]any{"session": ""}, "", []string{""}, nil},
		{"an argument not a string", map[string]any{"session": 7}, "b", nil, []string{"b"}},
		{"none", nil, "", nil, nil},
	} {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		if tc.header != "" {
			r.Header.Set("X-SESSION-TOKEN", tc.header)
		}
		for _, c := range tc.cookies {
			r.AddCookie(&http.Cookie{Name: "sid", Value: c})
		}
		r.AddCookie(&http.Cookie{Name: "other", Value: "x"})
		if got := s.IDs(r, tc.params); !slices.Equal(got, tc.want) {
			t.Errorf("%s: IDs = %q, want %q", tc.name, got, tc.want)
		}
	}
	if got := session.New(&model.Contract{}).IDs(httptest.NewRequest(http.MethodPost, "/", nil), map[string]any{"session": "a"}); len(got) != 0 {
		t.Errorf("a contract without sessions read ids %q", got)
	}
}
