package mockserver

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/nebeus/nebeus-contract/mockserver/namespace"
	"github.com/nebeus/nebeus-contract/mockserver/wire"
)

// TestDirectOpsRouteAsTheMuxWould: the shortcut to the operations' handler
// (directOps) answers every request exactly as the mux alone would, except
// that a method and path the page documents is the page's even where the
// mux has a route of its own (issue 17 item 8), outside the reserved
// prefix, which stays the mock's.
func TestDirectOpsRouteAsTheMuxWould(t *testing.T) {
	named := func(name string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Header().Set("X-By", name) })
	}
	mux := http.NewServeMux()
	mux.Handle("GET /healthz", named("health"))
	mux.Handle("GET "+ownPrefix+"healthz", named("health"))
	mux.Handle("GET /schemas/{file}", named("schema"))
	mux.Handle("GET /metrics", named("metrics"))
	catchAll := named("ops")
	mux.Handle("/", catchAll)
	op := named("op")
	ops := &opRouter{direct: map[string]map[string]http.Handler{
		"/healthz":            {"GET": op, "POST": op},
		"/schemas/x":          {"GET": op},
		"/op":                 {"POST": op},
		"/metrics":            {"POST": op},
		ownPrefix + "healthz": {"GET": op},
	}}
	h := directOps(mux, catchAll, ops)
	for _, tc := range []struct{ method, target, pageWins string }{
		{"GET", "/healthz", "ops"}, {"HEAD", "/healthz", "ops"}, {"POST", "/healthz", ""}, {"GET", "/schemas/x", "ops"},
		{"GET", "/metrics", ""}, {"GET", ownPrefix + "healthz", ""},
		{"POST", "/op", ""}, {"GET", "/op", ""}, {"POST", "/o%70", ""}, {"POST", "//op", ""}, {"POST", "/op/", ""},
	} {
		want := httptest.NewRecorder()
		mux.ServeHTTP(want, httptest.NewRequest(tc.method, tc.target, nil))
		if tc.pageWins != "" {
			want = httptest.NewRecorder()
			catchAll.ServeHTTP(want, httptest.NewRequest(tc.method, tc.target, nil))
		}
		got := httptest.NewRecorder()
		h.ServeHTTP(got, httptest.NewRequest(tc.method, tc.target, nil))
		if got.Code != want.Code || got.Header().Get("X-By") != want.Header().Get("X-By") {
			t.Errorf("%s %s: %d by %q, want %d by %q", tc.method, tc.target,
				got.Code, got.Header().Get("X-By"), want.Code, want.Header().Get("X-By"))
		}
	}
	if len(ops.direct["/healthz"]) != 2 {
		t.Fatal("test setup changed")
	}
}

// TestNamespaceHeaderIsCanonical: header() reads NamespaceHeader by its
// canonical form, as net/http stores it; a client's "x-mock-namespace" is
// found all the same.
func TestNamespaceHeaderIsCanonical(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	r.Header.Set("x-mock-namespace", "team")
	if got := wire.Header(r.Header, namespace.Header); got != "team" {
		t.Errorf("header(%q) = %q: the constant is not canonical", namespace.Header, got)
	}
}
