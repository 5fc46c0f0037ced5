package mockserver_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nebeus/nebeus-contract/internal/testutil"
	"github.com/nebeus/nebeus-contract/mockserver"
	"github.com/nebeus/nebeus-contract/schemas"
)

// rig is a validation proxy (issue 13) in front of an upstream, with its
// log captured and the upstream's hits counted.
type rig struct {
	t        *testing.T
	px       *mockserver.Server
	srv      *httptest.Server // the proxy on loopback
	upstream *httptest.Server
	hits     atomic.Int64
	logs     *testutil.Buffer
}

// newRig starts upstream (nil: a fresh mock) on loopback and a proxy in
// front of it; adjust may change the proxy's Config.
func newRig(t *testing.T, upstream http.Handler, adjust func(*mockserver.Proxy)) *rig {
	t.Helper()
	g := &rig{t: t, logs: &testutil.Buffer{}}
	if upstream == nil {
		m, err := mockserver.New(mockserver.Config{})
		if err != nil {
			t.Fatal(err)
		}
		upstream = m
	}
	g.upstream = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		g.hits.Add(1)
		upstream.ServeHTTP(w, r)
	}))
	t.Cleanup(g.upstream.Close)
	p := mockserver.Proxy{Upstream: g.upstream.URL}
	if adjust != nil {
		adjust(&p)
	}
	var err error
	g.px, err = mockserver.New(mockserver.Config{Proxy: &p, Control: true,
		Logger: slog.New(slog.NewTextHandler(g.logs, &slog.HandlerOptions{Level: slog.LevelDebug}))})
	if err != nil {
		t.Fatal(err)
	}
	g.srv = httptest.NewServer(g.px)
	t.Cleanup(g.srv.Close)
	return g
}

// rewriting wraps a fresh mock: f may change each answer of operation op.
func rewriting(t *testing.T, op string, f func(status *int, h http.Header, body []byte) []byte) http.Handler {
	m, err := mockserver.New(mockserver.Config{})
	if err != nil {
		t.Fatal(err)
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		m.ServeHTTP(rec, r)
		status, body := rec.Code, rec.Body.Bytes()
		if strings.HasPrefix(r.URL.Path, "/"+op+"/") {
			body = f(&status, rec.Header(), body)
		}
		for k, vs := range rec.Header() {
			w.Header()[k] = vs
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(status)
		_, _ = w.Write(body)
	})
}

// call posts a JSON-RPC call through the proxy.
func (g *rig) call(op string, params any, headers ...hdr) *answer {
	g.t.Helper()
	b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": "call", "id": 7, "params": params})
	return g.send(http.MethodPost, "/"+op+"/1.0/json", b, headers...)
}

func (g *rig) send(method, path string, body []byte, headers ...hdr) *answer {
	g.t.Helper()
	req, err := http.NewRequest(method, g.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		g.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for _, x := range headers {
		req.Header.Set(x.k, x.v)
	}
	res, err := g.srv.Client().Do(req)
	if err != nil {
		g.t.Fatal(err)
	}
	defer res.Body.Close()
	a := &answer{Status: res.StatusCode, Header: res.Header, Cookies: res.Cookies()}
	a.Body, _ = io.ReadAll(res.Body)
	a.Value, _ = schemas.Decode(a.Body)
	return a
}

// entry is a journal entry as the control API shows it.
type entry struct {
	Operation  string          `json:"operation"`
	Status     int             `json:"status"`
	Request    json.RawMessage `json:"request"`
	Response   json.RawMessage `json:"response"`
	Violations []struct {
		Pointer, Message, Decision string
	} `json:"violations"`
}

// journal reads a namespace's journal ("" the default) from loopback.
func (g *rig) journal(ns string) ([]entry, string) {
	g.t.Helper()
	r := httptest.NewRequest(http.MethodGet, "/_mock/journal?namespace="+ns, nil)
	r.RemoteAddr, r.Host = "127.0.0.1:40000", "127.0.0.1:8080"
	w := httptest.NewRecorder()
	g.px.ServeHTTP(w, r)
	var j struct{ Entries []entry }
	if err := json.Unmarshal(w.Body.Bytes(), &j); err != nil {
		g.t.Fatalf("journal: %v: %s", err, w.Body)
	}
	return j.Entries, w.Body.String()
}

func (g *rig) last() entry {
	g.t.Helper()
	es, _ := g.journal("")
	if len(es) == 0 {
		g.t.Fatal("the journal is empty")
	}
	return es[len(es)-1]
}

func violations(a *answer) int {
	n, err := strconv.Atoi(a.Header.Get(mockserver.ViolationsHeader))
	if err != nil {
		return -1
	}
	return n
}

// editJSON decodes body, lets f change it, and encodes it again.
func editJSON(body []byte, f func(v any) any) []byte {
	v, _ := schemas.Decode(body)
	b, _ := json.Marshal(f(v))
	return b
}

func firstEnvelope(v any) map[string]any {
	if a, ok := v.([]any); ok && len(a) == 1 {
		m, _ := a[0].(map[string]any)
		return m
	}
	m, _ := v.(map[string]any)
	return m
}

// TestProxyFindsNothingWrongWithTheMock: a conforming upstream's answers
// pass unchanged, each with X-Contract-Violations: 0 and journaled.
func TestProxyFindsNothingWrongWithTheMock(t *testing.T) {
	g := newRig(t, nil, nil)
	a := g.call("signin", map[string]any{"login": demoLogin, "password": demoPassword})
	if a.Status != http.StatusOK || violations(a) != 0 || len(a.Cookies) != 1 {
		t.Fatalf("signin: %d, %s violations, cookies %v: %s", a.Status, a.Header.Get(mockserver.ViolationsHeader), a.Cookies, a.Body)
	}
	for _, c := range []struct {
		op     string
		params any
	}{{"get_countries", map[string]any{}}, {"reset_password", map[string]any{"login": "nobody@example.com"}}, {"logout", map[string]any{}}} {
		if a := g.call(c.op, c.params); a.Status != http.StatusOK || violations(a) != 0 {
			t.Errorf("%s: %d, violations %q: %s", c.op, a.Status, a.Header.Get(mockserver.ViolationsHeader), a.Body)
		}
	}
	if a := g.send(http.MethodPost, "/signin/1.0/json", []byte("{not json")); a.Status != http.StatusBadRequest || violations(a) != 0 {
		t.Errorf("a malformed call cleanly rejected upstream: %d, violations %q", a.Status, a.Header.Get(mockserver.ViolationsHeader))
	}
	es, _ := g.journal("")
	if len(es) != 5 || g.hits.Load() != 5 {
		t.Fatalf("journal %d entries, upstream %d hits, want 5 each", len(es), g.hits.Load())
	}
	for _, e := range es {
		if len(e.Violations) > 0 {
			t.Errorf("%s: %v", e.Operation, e.Violations)
		}
	}
}

// TestProxyNamesTheDecisionABrokenUpstreamBreaks: upstreams that each
// break one decision; each exchange is journaled with that decision and
// answered with a nonzero X-Contract-Violations, the answer unchanged.
func TestProxyNamesTheDecisionABrokenUpstreamBreaks(t *testing.T) {
	cases := []struct {
		decision, op string
		params       map[string]any
		rewrite      func(status *int, h http.Header, body []byte) []byte
	}{
		{"T4", "signin", map[string]any{"login": demoLogin, "password": demoPassword}, func(_ *int, _ http.Header, b []byte) []byte {
			return editJSON(b, func(v any) any { return firstEnvelope(v) }) // a bare envelope, not the array
		}},
		{"T3", "reset_password", map[string]any{"login": "a@example.com"}, func(_ *int, _ http.Header, b []byte) []byte {
			return editJSON(b, func(v any) any { firstEnvelope(v)["id"] = "other"; return v }) // the id not echoed
		}},
		{"S1", "signin", map[string]any{"login": demoLogin, "password": "wrong-password"}, func(_ *int, _ http.Header, b []byte) []byte {
			return editJSON(b, func(v any) any {
				firstEnvelope(v)["result"].(map[string]any)["message"] = "Wrong password" // tells which accounts exist
				return v
			})
		}},
		{"S1", "signin", map[string]any{"login": demoLogin}, func(_ *int, _ http.Header, b []byte) []byte { // the password missing
			return editJSON(b, func(v any) any {
				firstEnvelope(v)["result"].(map[string]any)["message"] = "Password is required"
				return v
			})
		}},
		{"S2", "signin", map[string]any{"login": demoLogin, "password": demoPassword}, func(_ *int, h http.Header, b []byte) []byte {
			h["Set-Cookie"] = []string{strings.Replace(h.Get("Set-Cookie"), "HttpOnly", "", 1)} // readable by scripts
			return b
		}},
		{"S3", "logout", map[string]any{}, func(_ *int, h http.Header, b []byte) []byte {
			h.Del("Set-Cookie") // the cookie not cleared
			return b
		}},
		{"T3", "get_countries", map[string]any{}, func(_ *int, h http.Header, b []byte) []byte {
			h.Set("Content-Type", "text/plain")
			return b
		}},
		{"T5", "signup", map[string]any{"login": "x"}, func(status *int, _ http.Header, b []byte) []byte {
			*status = http.StatusInternalServerError
			return b
		}},
		{"S6", "get_countries", map[string]any{}, func(_ *int, _ http.Header, b []byte) []byte {
			return editJSON(b, func(v any) any {
				v.([]any)[0].(map[string]any)["code"] = "es" // not upper case
				return v
			})
		}},
	}
	for _, c := range cases {
		t.Run(c.decision+"_"+c.op, func(t *testing.T) {
			g := newRig(t, rewriting(t, c.op, c.rewrite), nil)
			a := g.call(c.op, c.params)
			if violations(a) < 1 {
				t.Errorf("X-Contract-Violations %q, want a count > 0", a.Header.Get(mockserver.ViolationsHeader))
			}
			if a.Status == http.StatusBadGateway {
				t.Errorf("without --strict the answer passes: %d %s", a.Status, a.Body)
			}
			e := g.last()
			if len(e.Violations) != violations(a) || !slices.ContainsFunc(e.Violations, func(v struct{ Pointer, Message, Decision string }) bool { return v.Decision == c.decision }) {
				t.Errorf("journal violations %+v, want %d naming %s", e.Violations, violations(a), c.decision)
			}
		})
	}
}

// TestProxyStrictReplacesABreakingAnswer: with Strict, a breaking answer
// becomes a 502 JSON-RPC error listing the violations (the request's id
// echoed); a conforming one passes unchanged.
func TestProxyStrictReplacesABreakingAnswer(t *testing.T) {
	g := newRig(t, rewriting(t, "signin", func(_ *int, h http.Header, b []byte) []byte {
		h["Set-Cookie"] = []string{strings.Replace(h.Get("Set-Cookie"), "HttpOnly", "", 1)}
		return b
	}), func(p *mockserver.Proxy) { p.Strict = true })
	a := g.call("signin", map[string]any{"login": demoLogin, "password": demoPassword})
	var body struct {
		ID    any `json:"id"`
		Error struct {
			Code int
			Data struct {
				Violations []struct{ Decision, Message string }
			}
		}
	}
	if err := json.Unmarshal(a.Body, &body); err != nil || a.Status != http.StatusBadGateway || violations(a) < 1 {
		t.Fatalf("strict: %d, %q: %s (%v)", a.Status, a.Header.Get(mockserver.ViolationsHeader), a.Body, err)
	}
	if body.ID != float64(7) || body.Error.Code != mockserver.CodeInternalError || len(body.Error.Data.Violations) != violations(a) || body.Error.Data.Violations[0].Decision != "S2" {
		t.Errorf("strict error: %s", a.Body)
	}
	if len(a.Cookies) != 0 {
		t.Errorf("the replaced answer still sets %v", a.Cookies)
	}
	if a := g.call("get_countries", map[string]any{}); a.Status != http.StatusOK || violations(a) != 0 {
		t.Errorf("a conforming answer under strict: %d %q", a.Status, a.Header.Get(mockserver.ViolationsHeader))
	}
}

// TestProxyUpstreamDownOrSlow: a refused connection is a 502, an upstream
// that does not answer within the timeout a 504, each a JSON-RPC error
// with the request's id, in bounded time.
func TestProxyUpstreamDownOrSlow(t *testing.T) {
	down := newRig(t, nil, nil)
	down.upstream.Close() // nothing listens there any more
	a := down.call("get_countries", map[string]any{})
	if a.Status != http.StatusBadGateway || rpcCodeOf(a) != mockserver.CodeInternalError {
		t.Errorf("upstream down: %d %s", a.Status, a.Body)
	}

	release := make(chan struct{})
	slow := newRig(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select { // answers only when released or abandoned
		case <-release:
		case <-r.Context().Done():
		}
	}), func(p *mockserver.Proxy) { p.Timeout = 100 * time.Millisecond })
	defer close(release)
	start := time.Now()
	a = slow.call("get_countries", map[string]any{})
	if a.Status != http.StatusGatewayTimeout || rpcCodeOf(a) != mockserver.CodeInternalError || !strings.Contains(string(a.Body), `"id":7`) {
		t.Errorf("slow upstream: %d %s", a.Status, a.Body)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("the 504 took %s with a 100ms timeout", d)
	}
}

func rpcCodeOf(a *answer) int {
	var b struct{ Error struct{ Code int } }
	_ = json.Unmarshal(a.Body, &b)
	return b.Error.Code
}

// TestProxyHybridAnswersSomeOperationsItself: the operations named are
// answered from the mock's own state, never forwarded; the rest are.
func TestProxyHybridAnswersSomeOperationsItself(t *testing.T) {
	g := newRig(t, nil, func(p *mockserver.Proxy) { p.MockOperations = []string{"signup", "signin"} })
	p := signupParams("hybrid@example.com")
	if a := g.call("signup", p); a.Status != http.StatusOK || a.Header.Get(mockserver.ViolationsHeader) != "" {
		t.Fatalf("signup: %d %s", a.Status, a.Body)
	}
	if a := g.call("signin", map[string]any{"login": "hybrid@example.com", "password": p["password"]}); a.Status != http.StatusOK || len(a.Cookies) != 1 {
		t.Fatalf("signin of the account signed up with the mock: %d %s", a.Status, a.Body)
	}
	if n := g.hits.Load(); n != 0 {
		t.Fatalf("the upstream got %d requests for mocked operations", n)
	}
	if a := g.call("get_countries", map[string]any{}); a.Status != http.StatusOK || violations(a) != 0 || g.hits.Load() != 1 {
		t.Errorf("get_countries forwarded: %d, %q, %d hits", a.Status, a.Header.Get(mockserver.ViolationsHeader), g.hits.Load())
	}
	if _, err := mockserver.New(mockserver.Config{Proxy: &mockserver.Proxy{Upstream: g.upstream.URL, MockOperations: []string{"nope"}}}); err == nil {
		t.Error("an operation the contract lacks is accepted")
	}
}

// TestProxyBodyLimits: a request over the mock's limit is refused (413)
// and never forwarded; an upstream answer over the proxy's is a 502.
func TestProxyBodyLimits(t *testing.T) {
	g := newRig(t, nil, func(p *mockserver.Proxy) { p.MaxResponseBody = 1024 })
	big := []byte(`{"jsonrpc":"2.0","params":{"login":"` + strings.Repeat("a", mockserver.DefaultMaxBody) + `"}}`)
	if a := g.send(http.MethodPost, "/reset_password/1.0/json", big); a.Status != http.StatusRequestEntityTooLarge || g.hits.Load() != 0 {
		t.Errorf("request over the limit: %d, %d upstream hits", a.Status, g.hits.Load())
	}
	if a := g.call("get_countries", map[string]any{}); a.Status != http.StatusBadGateway || !strings.Contains(string(a.Body), "larger than 1024 bytes") {
		t.Errorf("answer over the limit: %d %s", a.Status, a.Body)
	}
}

// TestProxyCORSNamespacesAndFaults: the proxy's own CORS policy answers
// preflights and governs the answers (the upstream's CORS headers
// dropped); faults of a namespace apply on top of the real backend, and
// the namespace header is not forwarded.
func TestProxyCORSNamespacesAndFaults(t *testing.T) {
	var sawNamespace atomic.Bool
	m, _ := mockserver.New(mockserver.Config{})
	g := newRig(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(mockserver.NamespaceHeader) != "" {
			sawNamespace.Store(true)
		}
		w.Header().Set("Access-Control-Allow-Origin", "*")
		m.ServeHTTP(w, r)
	}), nil)
	origin := hdr{"Origin", "http://localhost:3000"}
	a := g.send(http.MethodOptions, "/signin/1.0/json", nil, origin, hdr{"Access-Control-Request-Method", "POST"})
	if a.Status != http.StatusNoContent || a.Header.Get("Access-Control-Allow-Origin") != origin.v || g.hits.Load() != 0 {
		t.Errorf("preflight: %d %v, %d upstream hits", a.Status, a.Header, g.hits.Load())
	}
	a = g.call("get_countries", map[string]any{}, origin)
	if a.Header.Get("Access-Control-Allow-Origin") != origin.v || !strings.Contains(a.Header.Get("Access-Control-Expose-Headers"), mockserver.ViolationsHeader) {
		t.Errorf("CORS on a proxied answer: %v", a.Header)
	}

	setFault := func(ns, body string) {
		r := httptest.NewRequest(http.MethodPost, "/_mock/faults?namespace="+ns, strings.NewReader(body))
		r.RemoteAddr, r.Host = "127.0.0.1:40000", "127.0.0.1:8080"
		w := httptest.NewRecorder()
		g.px.ServeHTTP(w, r)
		if w.Code != http.StatusCreated {
			t.Fatalf("fault: %d %s", w.Code, w.Body)
		}
	}
	team := hdr{mockserver.NamespaceHeader, "team-a"}
	setFault("team-a", `{"operation":"get_countries","status":503,"count":1}`)
	hits := g.hits.Load()
	if a := g.call("get_countries", map[string]any{}, team); a.Status != http.StatusServiceUnavailable || g.hits.Load() != hits {
		t.Errorf("fault status: %d, forwarded %v", a.Status, g.hits.Load() != hits)
	}
	if a := g.call("get_countries", map[string]any{}, team); a.Status != http.StatusOK || violations(a) != 0 {
		t.Errorf("after the fault's one call: %d", a.Status)
	}
	if sawNamespace.Load() {
		t.Error("the namespace header reached the upstream")
	}
	if es, _ := g.journal("team-a"); len(es) != 2 {
		t.Errorf("team-a's journal has %d entries, want 2", len(es))
	}

	setFault("team-a", `{"operation":"get_countries","close":true,"count":1}`)
	req, _ := http.NewRequest(http.MethodPost, g.srv.URL+"/get_countries/1.0/json", strings.NewReader(`{"jsonrpc":"2.0","id":1}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(team.k, team.v)
	if res, err := g.srv.Client().Do(req); err == nil {
		res.Body.Close()
		t.Errorf("a dropped connection answered %d", res.StatusCode)
	} else if !errors.Is(err, io.EOF) && !strings.Contains(err.Error(), "EOF") && !strings.Contains(err.Error(), "reset") {
		t.Logf("dropped: %v", err)
	}
}

// TestProxyNeverLogsSecrets: the password and the session id appear
// neither in the log nor in the journal as read, nor in a violation's
// text (M4, S2), whatever the upstream does with them.
func TestProxyNeverLogsSecrets(t *testing.T) {
	g := newRig(t, rewriting(t, "signin", func(_ *int, h http.Header, b []byte) []byte {
		h["Set-Cookie"] = []string{strings.Replace(h.Get("Set-Cookie"), "HttpOnly", "", 1)} // S2 broken: the cookie in a violation
		return b
	}), nil)
	a := g.call("signin", map[string]any{"login": demoLogin, "password": demoPassword})
	if violations(a) < 1 || len(a.Cookies) != 1 {
		t.Fatalf("signin: %d %q %v", a.Status, a.Header.Get(mockserver.ViolationsHeader), a.Cookies)
	}
	sid := a.Cookies[0].Value
	g.call("logout", map[string]any{}, hdr{"Cookie", "session_id=" + sid})
	g.call("logout", map[string]any{"session_id": sid})
	_, journal := g.journal("")
	for _, secret := range []string{demoPassword, sid} {
		if strings.Contains(journal, secret) {
			t.Errorf("the journal shows %q:\n%s", secret, journal)
		}
		if strings.Contains(g.logs.String(), secret) {
			t.Errorf("the log shows %q", secret)
		}
	}
}

// A request the proxy refuses itself (here over the body limit) takes no
// namespace slot, as in the mock's own handlers; a forwarded one does.
func TestProxyRefusedRequestTakesNoNamespace(t *testing.T) {
	g := newRig(t, nil, nil)
	post := func(ns string, body []byte) int {
		req, _ := http.NewRequest(http.MethodPost, g.srv.URL+"/get_countries/1.0/json", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(mockserver.NamespaceHeader, ns)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	big := []byte(`{"jsonrpc":"2.0","params":{"x":"` + strings.Repeat("a", mockserver.DefaultMaxBody) + `"}}`)
	if st := post("refused-ns", big); st != http.StatusRequestEntityTooLarge {
		t.Fatalf("oversized request: %d", st)
	}
	if st := post("forwarded-ns", []byte(`{"jsonrpc":"2.0","id":1,"params":{}}`)); st != http.StatusOK {
		t.Fatalf("forwarded request: %d", st)
	}
	resp, err := http.Get(g.srv.URL + "/_mock/namespaces")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if strings.Contains(string(b), "refused-ns") || !strings.Contains(string(b), "forwarded-ns") {
		t.Errorf("namespaces after a refused and a forwarded request: %s", b)
	}
}

// TestProxyCountsHeaderBytesAgainstTheLimit (issue 19): an upstream
// answer's headers count against MaxResponseBody with its body: a body
// that fits alone, behind headers that do not leave it the room, is a
// 502, as are headers far over the limit (which the transport stops
// reading); the same body behind small headers passes.
func TestProxyCountsHeaderBytesAgainstTheLimit(t *testing.T) {
	m, err := mockserver.New(mockserver.Config{})
	if err != nil {
		t.Fatal(err)
	}
	var padding atomic.Int64 // bytes of headers the upstream adds
	upstream := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := int64(0); i < padding.Load()/1000; i++ {
			w.Header().Add("X-Pad", strings.Repeat("p", 990))
		}
		m.ServeHTTP(w, r)
	})
	const limit = 64 << 10
	g := newRig(t, upstream, func(p *mockserver.Proxy) { p.MaxResponseBody = limit })
	a := g.call("get_countries", map[string]any{})
	if a.Status != http.StatusOK {
		t.Fatalf("small headers: %d %s", a.Status, a.Body)
	}
	body := int64(len(a.Body))
	for _, tc := range []struct {
		name    string
		padding int64
		status  int
	}{
		{"headers and body within the limit", limit - body - 2000, http.StatusOK},
		{"the body fits alone, not behind the headers", limit - body + 2000, http.StatusBadGateway},
		{"headers far over the limit", 4 << 20, http.StatusBadGateway},
	} {
		padding.Store(tc.padding)
		a := g.call("get_countries", map[string]any{})
		if a.Status != tc.status {
			t.Errorf("%s: %d, want %d: %.200s", tc.name, a.Status, tc.status, a.Body)
		}
		if tc.status == http.StatusBadGateway && !strings.Contains(string(a.Body), "larger than 65536 bytes") {
			t.Errorf("%s: %.300s", tc.name, a.Body)
		}
		if n := a.Header.Values("X-Pad"); tc.status != http.StatusOK && len(n) > 0 {
			t.Errorf("%s: %d padding headers reached the client", tc.name, len(n))
		}
	}
}
