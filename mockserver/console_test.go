package mockserver_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/nebeus/nebeus-contract/mockserver"
	"github.com/nebeus/nebeus-contract/mockserver/state"
)

// TestLandingPageIsHTMLToABrowserAndJSONOtherwise: GET / lists the
// operations and the contract's files, links the reference and the console.
func TestLandingPageIsHTMLToABrowserAndJSONOtherwise(t *testing.T) {
	h := newHarness(t, nil)
	model := h.contract.Model()

	a := h.do("GET", "/", "", hdr{"Accept", "text/html,application/xhtml+xml,*/*;q=0.8"})
	if a.Status != 200 || !strings.HasPrefix(a.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("browser: %d %q", a.Status, a.Header.Get("Content-Type"))
	}
	for _, want := range []string{`href="/_mock/"`, `href="/reference/"`, `href="/openapi.yaml"`, `href="/schemas/index.json"`} {
		if !strings.Contains(string(a.Body), want) {
			t.Errorf("the landing page lacks %s", want)
		}
	}
	for _, o := range model.Operations {
		if !strings.Contains(string(a.Body), `data-op="`+o.ID+`"`) || !strings.Contains(string(a.Body), o.Path) {
			t.Errorf("the landing page does not list %s at %s", o.ID, o.Path)
		}
	}
	if csp := a.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") {
		t.Errorf("Content-Security-Policy %q: the page must load nothing from elsewhere", csp)
	}

	a = h.do("GET", "/", "", hdr{"Accept", "*/*"}) // curl
	var l struct {
		Operations []struct{ ID, Method, Path, Protocol string }
		Contract   []struct{ Name, URL string }
		Reference  string
		Console    string
	}
	if a.Status != 200 || !strings.HasPrefix(a.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("curl: %d %q", a.Status, a.Header.Get("Content-Type"))
	}
	a.decodeInto(t, &l)
	if len(l.Operations) != len(model.Operations) || l.Console != "/_mock/" || l.Reference != "/reference/" {
		t.Errorf("landing JSON: %d operations (want %d), console %q, reference %q", len(l.Operations), len(model.Operations), l.Console, l.Reference)
	}
	if len(l.Contract) < 4+len(h.contract.Names()) {
		t.Errorf("landing JSON lists %d contract files", len(l.Contract))
	}
	for _, f := range l.Contract {
		if b := h.do("GET", f.URL, "", hdr{"Accept", "*/*"}); b.Status != 200 {
			t.Errorf("contract file %s: %d", f.URL, b.Status)
		}
	}

	off := newHarness(t, func(c *mockserver.Config) { c.Control = false })
	var lo struct{ Console string }
	off.do("GET", "/", "").decodeInto(t, &lo)
	if lo.Console != "" {
		t.Errorf("control off, yet the landing page links the console %q", lo.Console)
	}
}

// TestReferenceIsServedFromTheBinary: the reference page and Swagger UI's
// bundle come from the mock itself.
func TestReferenceIsServedFromTheBinary(t *testing.T) {
	h := newHarness(t, nil)
	a := h.do("GET", "/reference/", "", hdr{"Accept", "text/html"})
	if a.Status != 200 {
		t.Fatalf("/reference/: %d", a.Status)
	}
	for _, src := range []string{"/_assets/vendor/swagger-ui/swagger-ui-bundle.js", "/_assets/vendor/swagger-ui/swagger-ui.css", "/_assets/static/reference.js"} {
		if !strings.Contains(string(a.Body), src) {
			t.Errorf("the reference page does not load %s", src)
		}
		if b := h.do("GET", src, ""); b.Status != 200 || len(b.Body) == 0 {
			t.Errorf("%s: %d, %d bytes", src, b.Status, len(b.Body))
		}
	}
	for _, p := range []string{"/_assets/", "/_assets/console.html", "/_assets/static/", "/_assets/../landing.go", "/_assets/static/../console.html"} {
		if b := h.do("GET", p, ""); b.Status == 200 || strings.Contains(string(b.Body), "{{") {
			t.Errorf("%s: %d; only the assets are served, no listing, template or source", p, b.Status)
		}
	}
}

// journalOf returns the last journal entry of a namespace.
func lastEntry(t *testing.T, h *harness, ns string) state.Entry {
	t.Helper()
	var out struct{ Entries []state.Entry }
	h.control("GET", "/_mock/journal?namespace="+ns, "").decodeInto(t, &out)
	if len(out.Entries) == 0 {
		t.Fatalf("journal of %q is empty", ns)
	}
	return out.Entries[len(out.Entries)-1]
}

func sessionCookie(t *testing.T, a *answer) string {
	t.Helper()
	for _, c := range a.Cookies {
		if c.Name == s2.Cookie && c.Value != "" {
			return c.Value
		}
	}
	t.Fatalf("no %s cookie set", s2.Cookie)
	return ""
}

// TestJournalRecordsTheSessionCarrier: each entry says how the session
// arrived (S2's carriers, from the model) and what the mock knew of it.
func TestJournalRecordsTheSessionCarrier(t *testing.T) {
	h := newHarness(t, func(c *mockserver.Config) { c.IdleTimeout = time.Minute })
	ns := hdr{mockserver.NamespaceHeader, "carrier"}
	signin := func() string {
		return sessionCookie(t, h.call("signin", map[string]any{"login": demoLogin, "password": demoPassword}, ns))
	}
	id := signin()
	if e := lastEntry(t, h, "carrier"); e.Carrier != "none" || e.Session != "" || e.Hint != nil {
		t.Errorf("signin without a session: carrier %q session %q hint %v", e.Carrier, e.Session, e.Hint)
	}

	h.call("get_countries", map[string]any{}, ns, hdr{s2.Header, id})
	if e := lastEntry(t, h, "carrier"); e.Carrier != "header" || e.Session != "known" {
		t.Errorf("header: carrier %q session %q", e.Carrier, e.Session)
	}
	h.call("get_countries", map[string]any{s2.Argument: "0123456789abcdef"}, ns)
	if e := lastEntry(t, h, "carrier"); e.Carrier != "params" || e.Session != "unknown" {
		t.Errorf("params, never issued: carrier %q session %q", e.Carrier, e.Session)
	}
	h.call("logout", map[string]any{s2.Argument: id}, ns, hdr{"Cookie", s2.Cookie + "=" + id})
	if e := lastEntry(t, h, "carrier"); e.Carrier != "params+cookie" || e.Session != "known" {
		t.Errorf("logout by params and cookie: carrier %q session %q (known before logout ended it)", e.Carrier, e.Session)
	}
	h.call("logout", map[string]any{}, ns, hdr{"Cookie", s2.Cookie + "=" + id})
	if e := lastEntry(t, h, "carrier"); e.Carrier != "cookie" || e.Session != "unknown" {
		t.Errorf("cookie of an ended session: carrier %q session %q", e.Carrier, e.Session)
	}

	id = signin()
	h.clock.Advance(2 * time.Minute)
	signin() // sweeps the idle session away (M3)
	h.call("logout", map[string]any{}, ns, hdr{"Cookie", s2.Cookie + "=" + id})
	if e := lastEntry(t, h, "carrier"); e.Carrier != "cookie" || e.Session != "expired" {
		t.Errorf("cookie of an idle session: carrier %q session %q", e.Carrier, e.Session)
	}
	if j := h.control("GET", "/_mock/journal?namespace=carrier", ""); strings.Contains(string(j.Body), id) {
		t.Errorf("the journal shows a whole session id")
	}
}

// TestCrossSiteCookieTrapGetsAHint: a page on localhost signs in to the
// mock at 127.0.0.1; the browser keeps the cookie from travelling, and the
// next request's entry says so in fields of its own.
func TestCrossSiteCookieTrapGetsAHint(t *testing.T) {
	h := newHarness(t, nil)
	page := "http://localhost:8765"
	for _, tc := range []struct {
		name, host, code string
	}{
		{"different host names", "127.0.0.1:8080", mockserver.HintCrossSite},
		{"same host name, no credentials", "localhost:8080", mockserver.HintNoCredentials},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nsName := strings.ReplaceAll(tc.name, " ", "-")
			nsName = strings.ReplaceAll(nsName, ",", "")
			ns := hdr{mockserver.NamespaceHeader, nsName}
			from := []hdr{ns, {"Origin", page}, {"Host", tc.host}}
			id := sessionCookie(t, h.call("signin", map[string]any{"login": demoLogin, "password": demoPassword}, from...))
			h.call("logout", map[string]any{}, from...)
			e := lastEntry(t, h, nsName)
			if e.Carrier != "none" || e.Origin != page || e.Hint == nil || e.Hint.Code != tc.code {
				t.Fatalf("logout without the cookie: origin %q carrier %q hint %+v; want none and %s", e.Origin, e.Carrier, e.Hint, tc.code)
			}
			if tc.code == mockserver.HintCrossSite && (!strings.Contains(e.Hint.Message, "localhost") || !strings.Contains(e.Hint.Message, "127.0.0.1") || !strings.Contains(e.Hint.Message, "SameSite")) {
				t.Errorf("the hint does not name both host names and SameSite: %s", e.Hint.Message)
			}
			if !strings.Contains(h.logs.String(), "hint="+tc.code) {
				t.Errorf("the log has no warning with hint=%s", tc.code)
			}
			// The session still lives (the logout did not reach it); once a
			// request carrying it ends it, nothing is left to hint about.
			h.call("logout", map[string]any{}, append(from, hdr{"Cookie", s2.Cookie + "=" + id})...)
			h.call("get_countries", map[string]any{}, from...)
			if e := lastEntry(t, h, nsName); e.Hint != nil {
				t.Errorf("after a logout that carried the session: hint %+v", e.Hint)
			}
		})
	}
	// No origin (curl, a mobile app): no browser trap to explain.
	h.call("signin", map[string]any{"login": demoLogin, "password": demoPassword})
	h.call("logout", map[string]any{})
	if e := lastEntry(t, h, ""); e.Hint != nil || e.Origin != "" {
		t.Errorf("no Origin: hint %+v origin %q", e.Hint, e.Origin)
	}
}

// TestRefusedPreflightIsAWarningNamingTheFlag: the page sees only "Failed
// to fetch"; the log says which flag fixes it.
func TestRefusedPreflightIsAWarningNamingTheFlag(t *testing.T) {
	h := newHarness(t, nil)
	h.do("OPTIONS", "/signin/1.0/json", "", hdr{"Origin", "https://app.example"}, hdr{"Access-Control-Request-Method", "POST"})
	logs := h.logs.String()
	if !strings.Contains(logs, "level=WARN") || !strings.Contains(logs, "--cors-origins") || !strings.Contains(logs, "https://app.example") {
		t.Fatalf("no warning naming --cors-origins and the origin:\n%s", logs)
	}
	ok := newHarness(t, nil)
	ok.do("OPTIONS", "/signin/1.0/json", "", hdr{"Origin", "http://localhost:3000"}, hdr{"Access-Control-Request-Method", "POST"})
	if strings.Contains(ok.logs.String(), "level=WARN") {
		t.Errorf("an allowed preflight was logged as a warning:\n%s", ok.logs.String())
	}
}

// TestEventsStreamTheJournal: the console's stream sends the backlog,
// then each new entry as it is appended, redacted.
func TestEventsStreamTheJournal(t *testing.T) {
	h := newHarness(t, nil)
	ts := httptest.NewServer(h.srv)
	t.Cleanup(ts.Close)
	post := func(op, body string) {
		resp, err := http.Post(ts.URL+"/"+op+"/1.0/json", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	post("get_countries", `{"jsonrpc":"2.0","id":1}`)

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, ts.URL+"/_mock/events", nil)
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || ct != "text/event-stream" {
		t.Fatalf("events: %d %q", resp.StatusCode, ct)
	}
	sc := bufio.NewScanner(resp.Body)
	next := func(want string) state.Entry {
		t.Helper()
		var event string
		for sc.Scan() {
			line := sc.Text()
			if v, ok := strings.CutPrefix(line, "event: "); ok {
				event = v
			}
			if v, ok := strings.CutPrefix(line, "data: "); ok && event == want {
				var e state.Entry
				if want == "entry" {
					if err := json.Unmarshal([]byte(v), &e); err != nil {
						t.Fatal(err)
					}
				}
				return e
			}
		}
		t.Fatalf("the stream ended before a %q event: %v", want, sc.Err())
		return state.Entry{}
	}
	if e := next("entry"); e.Operation != "get_countries" {
		t.Errorf("backlog: %+v", e)
	}
	next("ready")
	post("signin", `{"jsonrpc":"2.0","id":1,"params":{"login":"`+demoLogin+`","password":"`+demoPassword+`"}}`)
	e := next("entry")
	if e.Operation != "signin" || strings.Contains(string(e.Request), demoPassword) || !strings.Contains(string(e.Request), `"***"`) {
		t.Errorf("live entry not redacted (M4): %s %s", e.Operation, e.Request)
	}
}
