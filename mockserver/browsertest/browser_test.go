package browsertest_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/nebeus/nebeus-contract/schemas"
	"html/template"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/nebeus/nebeus-contract/internal/testutil"
	"github.com/nebeus/nebeus-contract/mockserver"
)

// skipMessage is what `make test` must show when the browser is missing, so
// nobody mistakes a skipped browser test for a passing one.
const skipMessage = "browser test SKIPPED: chromium not found (apt-get install chromium)"

// requireEnv turns a missing browser into a failure: CI installs chromium,
// so there a skip would hide a broken setup.
const requireEnv = "NEBEUS_REQUIRE_BROWSER"

// browserPath is the browser binary found by TestMain, "" when none is.
var browserPath string

func TestMain(m *testing.M) {
	browserPath = findBrowser()
	if browserPath == "" && os.Getenv(requireEnv) == "" {
		// t.Skip alone is silent without -v; stderr reaches the terminal
		// whenever go test shows this package's output.
		fmt.Fprintln(os.Stderr, skipMessage)
	}
	os.Exit(m.Run())
}

// findBrowser looks for the browsers chromedp can drive, Debian's name first.
func findBrowser() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Everything one browser run does is bounded by these: a hung browser or a
// page that never finishes fails the test instead of hanging it.
const (
	totalTimeout = 60 * time.Second
	pageTimeout  = 20 * time.Second
)

// needBrowser skips t without chromium, or fails it when the run requires
// the browser (CI, once it installed chromium).
func needBrowser(t *testing.T) {
	t.Helper()
	if browserPath == "" {
		if os.Getenv(requireEnv) != "" {
			t.Fatalf("%s is set but no chromium, chromium-browser or google-chrome is on PATH", requireEnv)
		}
		t.Skip(skipMessage)
	}
}

// TestBrowser is the frontend team's path through the mock in a real
// browser: a page on one origin calls the mock on another with
// credentials: 'include', and the mock's CORS policy (T-level transport,
// S2's cookie) must make that work for allowed origins and fail for others.
func TestBrowser(t *testing.T) {
	needBrowser(t)
	ctx, cancel := context.WithTimeout(t.Context(), totalTimeout)
	t.Cleanup(cancel)

	env := startServers(t)
	browser := startBrowser(t, ctx)

	t.Run("allowed origin signs up, signs in and logs out by cookie", func(t *testing.T) {
		login := "browser-" + randomHex(t, 8) + "@example.com"
		res := runPage[flowResult](t, browser, env.pageURL("localhost", "flow", login))
		if res.Error != "" {
			t.Fatalf("the page's flow failed: %s", res.Error)
		}

		// The preflight: a JSON POST is not a simple request, so the
		// browser asked first; the fetch resolving proves it was allowed.
		if !env.rec.saw(http.MethodOptions, "/signup/1.0/json", env.pageOrigin("localhost"), "POST") {
			t.Errorf("the mock saw no CORS preflight for signup from %s", env.pageOrigin("localhost"))
		}
		for name, x := range map[string]exchange{"signup": res.Signup, "signin": res.Signin, "logout": res.Logout, "get_countries": res.After} {
			if x.Status != http.StatusOK || !strings.HasPrefix(x.ContentType, "application/json") {
				t.Errorf("%s: status %d, Content-Type %q; want 200 application/json (T3)", name, x.Status, x.ContentType)
			}
		}

		if got := resultStatus(t, "signup", res.Signup.Body); got != "success" {
			t.Errorf("signup: result.status %q, want success (S5)", got)
		}

		var signin []envelope
		if err := json.Unmarshal(res.Signin.Body, &signin); err != nil || len(signin) != 1 {
			t.Fatalf("signin: want an array of one envelope (T4), got %s (%v)", res.Signin.Body, err)
		}
		sessionID, _ := signin[0].Result["session_id"].(string)
		if sessionID == "" {
			t.Fatalf("signin: no session_id in %s (S1)", res.Signin.Body)
		}

		// HttpOnly: cookies ignore ports, so a readable cookie set by the
		// mock's origin would show in this page's document.cookie.
		if strings.Contains(res.Cookie, s2.Cookie) {
			t.Errorf("document.cookie shows %q: the session cookie must be HttpOnly (S2)", res.Cookie)
		}

		// The page sent logout no session of its own, so the only way the
		// mock could know it is the cookie the browser attached.
		logouts := env.rec.requests(http.MethodPost, "/logout/1.0/json")
		if len(logouts) != 1 {
			t.Fatalf("the mock saw %d logout requests, want 1", len(logouts))
		}
		lo := logouts[0]
		switch {
		case !lo.hasCookie:
			t.Errorf("logout carried no %s cookie: the browser did not send S2's cookie across ports", s2.Cookie)
		case lo.cookie != sessionID:
			t.Errorf("logout carried %s cookie %q, want signin's %q", s2.Cookie, lo.cookie, sessionID)
		}
		if lo.header != "" || bytes.Contains(lo.body, []byte("session_id")) {
			t.Errorf("logout carried a session outside the cookie (header %q, body %s): the test proves nothing", lo.header, lo.body)
		}
		if got := resultStatus(t, "logout", res.Logout.Body); got != "success" {
			t.Errorf("logout: result.status %q, want success (S3)", got)
		}

		// S3: logout clears the cookie, so the next request goes without.
		after := env.rec.requests(http.MethodPost, "/get_countries/1.0/json")
		if len(after) != 1 {
			t.Fatalf("the mock saw %d get_countries requests, want 1", len(after))
		}
		if after[0].hasCookie {
			t.Errorf("after logout the browser still sent %s=%q: logout must clear the cookie (S3)", s2.Cookie, after[0].cookie)
		}
	})

	t.Run("disallowed origin cannot read the answer", func(t *testing.T) {
		// The same page server, reached as 127.0.0.1: another origin, and
		// not in the mock's list.
		origin := env.pageOrigin("127.0.0.1")
		res := runPage[deniedResult](t, browser, env.pageURL("127.0.0.1", "denied", ""))
		if !res.Rejected {
			t.Errorf("fetch from %s resolved with status %d; want it rejected by CORS", origin, res.Status)
		} else {
			t.Logf("fetch from %s rejected as expected: %s", origin, res.Error)
		}
		// The preflight failed, so the browser never sent the signin.
		for _, r := range env.rec.requests(http.MethodPost, "/signin/1.0/json") {
			if r.origin == origin {
				t.Errorf("the mock received a signin POST from disallowed origin %s", origin)
			}
		}
	})
}

// env is the two servers of a run: the mock behind a recorder, and the page
// server, each on its own loopback port.
type env struct {
	rec      *recorder
	apiPort  string
	pagePort string
}

func (e *env) pageOrigin(host string) string { return "http://" + net.JoinHostPort(host, e.pagePort) }

func (e *env) pageURL(host, mode, login string) string {
	return e.pageOrigin(host) + "/?" + url.Values{"mode": {mode}, "login": {login}}.Encode()
}

// startServers starts the page server and the mock. The mock allows exactly
// the page's localhost origin, so the page reached as 127.0.0.1 is refused.
func startServers(t *testing.T) *env {
	t.Helper()
	// Unstarted, so the page server's port is known before the mock's CORS
	// list is built, and its handler is set before it serves.
	pages := httptest.NewUnstartedServer(nil)
	t.Cleanup(pages.Close)
	_, pagePort, err := net.SplitHostPort(pages.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	e := &env{pagePort: pagePort}

	mock, err := mockserver.New(mockserver.Config{CORSOrigins: []string{e.pageOrigin("localhost")}})
	if err != nil {
		t.Fatalf("mockserver.New: %v", err)
	}
	e.rec = &recorder{next: mock}
	api := httptest.NewServer(e.rec)
	t.Cleanup(api.Close)
	if _, e.apiPort, err = net.SplitHostPort(api.Listener.Addr().String()); err != nil {
		t.Fatal(err)
	}

	// localhost, not 127.0.0.1: the page is then on the same site as the
	// mock, which SameSite=Lax needs for the cookie to go along.
	apiBase := "http://" + net.JoinHostPort("localhost", e.apiPort)
	pages.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r) // favicon.ico and the like
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		cfg := pageConfig{
			API: apiBase, Mode: r.URL.Query().Get("mode"), Login: r.URL.Query().Get("login"),
			Password: "browser-password-1", DemoLogin: "demo@example.com", DemoPassword: "demo-password-1",
		}
		if err := page.Execute(w, cfg); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	pages.Start()
	return e
}

// startBrowser starts one headless chromium for the whole test; each page
// gets its own tab.
func startBrowser(t *testing.T, ctx context.Context) context.Context {
	t.Helper()
	out := &testutil.Buffer{}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(browserPath),
		// As root in a container the sandbox cannot start; the network is
		// closed, so keep chromium from calling home (QUIC, component and
		// sync updates, background fetches). chromedp gives it a fresh
		// --user-data-dir and removes it afterwards.
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.CombinedOutput(out),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(cancelAlloc) // runs last: waits until chromium has exited
	browser, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(cancel)
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("starting %s: %v\nbrowser output:\n%s", browserPath, err, out.String())
	}
	return browser
}

// runPage opens url in a new tab, waits until the page marks itself done and
// decodes the JSON it wrote into #result. The page's console and uncaught
// exceptions are logged when the test fails.
func runPage[T any](t *testing.T, browser context.Context, pageURL string) T {
	t.Helper()
	var zero T
	tab, cancel := chromedp.NewContext(browser)
	defer cancel()
	tab, cancelTimeout := context.WithTimeout(tab, pageTimeout)
	defer cancelTimeout()

	console := &lockedLines{}
	if err := chromedp.Listen(tab, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			console.add(fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(args, " ")))
		case *runtime.EventExceptionThrown:
			console.add("exception: " + (&chromedp.ExceptionError{ExceptionDetails: ev.ExceptionDetails}).Error())
		}
	}); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	defer func() {
		if t.Failed() {
			for _, l := range console.all() {
				t.Log("page " + l)
			}
		}
	}()

	// The page unhides #done when its script has finished, success or not:
	// that element is the only synchronisation between page and test.
	if err := chromedp.Do(tab, chromedp.Navigate(pageURL), chromedp.WaitVisible(chromedp.ID("done"))); err != nil {
		t.Errorf("loading %s and waiting for #done: %v", pageURL, err)
		return zero
	}
	text, err := chromedp.Run(tab, chromedp.TextContent(chromedp.ID("result")))
	if err != nil {
		t.Errorf("reading #result: %v", err)
		return zero
	}
	var res T
	if err := json.Unmarshal([]byte(text), &res); err != nil {
		t.Errorf("#result is not the JSON the test expects: %v\n%s", err, text)
		return zero
	}
	return res
}

// pageConfig is what the page's script is given; html/template encodes it
// as a JavaScript object literal.
type pageConfig struct {
	API          string `json:"api"`
	Mode         string `json:"mode"`
	Login        string `json:"login"`
	Password     string `json:"password"`
	DemoLogin    string `json:"demoLogin"`
	DemoPassword string `json:"demoPassword"`
}

// exchange is one fetch as the page saw it.
type exchange struct {
	Status      int             `json:"status"`
	ContentType string          `json:"contentType"`
	Body        json.RawMessage `json:"body"`
}

// flowResult is what the "flow" page reports.
type flowResult struct {
	Error  string   `json:"error"`
	Signup exchange `json:"signup"`
	Signin exchange `json:"signin"`
	Cookie string   `json:"cookie"` // document.cookie after signin
	Logout exchange `json:"logout"`
	After  exchange `json:"after"` // get_countries after logout
}

// deniedResult is what the "denied" page reports.
type deniedResult struct {
	Rejected bool   `json:"rejected"`
	Error    string `json:"error"`
	Status   int    `json:"status"`
}

type envelope struct {
	ID      any            `json:"id"`
	JSONRPC string         `json:"jsonrpc"`
	Result  map[string]any `json:"result"`
}

// resultStatus reads result.status from an array of one envelope (T4).
func resultStatus(t *testing.T, op string, body []byte) string {
	t.Helper()
	var envs []envelope
	if err := json.Unmarshal(body, &envs); err != nil || len(envs) != 1 {
		t.Errorf("%s: want an array of one envelope (T4), got %s (%v)", op, body, err)
		return ""
	}
	s, _ := envs[0].Result["status"].(string)
	return s
}

// page is the frontend under test. Every call is a credentialed JSON-RPC
// POST exactly as a web app would send it (T2); no call ever passes the
// session itself, so logout works only if the browser sends the cookie.
var page = template.Must(template.New("page").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>nebeus mock browser test</title></head>
<body>
<pre id="result"></pre>
<p id="done" hidden>done</p>
<script>
"use strict";
const cfg = {{.}};

async function call(op, params) {
  const resp = await fetch(cfg.api + "/" + op + "/1.0/json", {
    method: "POST",
    credentials: "include",
    headers: {"Content-Type": "application/json", "Accept": "application/json"},
    body: JSON.stringify({jsonrpc: "2.0", method: "call", params: params, id: 1}),
  });
  return {status: resp.status, contentType: resp.headers.get("Content-Type"), body: await resp.json()};
}

async function flow() {
  const r = {};
  r.signup = await call("signup", {
    login: cfg.login, name: "Browser", surname: "Test",
    password: cfg.password, confirm_password: cfg.password, country: 2,
  });
  r.signin = await call("signin", {login: cfg.login, password: cfg.password});
  r.cookie = document.cookie;
  r.logout = await call("logout", {});
  r.after = await call("get_countries", {});
  return r;
}

async function denied() {
  try {
    const x = await call("signin", {login: cfg.demoLogin, password: cfg.demoPassword});
    return {rejected: false, status: x.status};
  } catch (e) {
    return {rejected: true, error: String(e)};
  }
}

(cfg.mode === "denied" ? denied() : flow())
  .catch(e => ({error: String(e && e.stack || e)}))
  .then(r => {
    document.getElementById("result").textContent = JSON.stringify(r);
    document.getElementById("done").hidden = false;
  });
</script>
</body></html>
`))

// recorder is the server side of the proof: it notes what each request to
// the mock carried (origin, preflight, session cookie, header, body) before
// passing it on unchanged.
type recorder struct {
	next http.Handler
	mu   sync.Mutex
	seen []seen
}

type seen struct {
	method, path, origin, preflight string
	hasCookie                       bool
	cookie, header                  string
	body                            []byte
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s := seen{
		method: r.Method, path: r.URL.Path, origin: r.Header.Get("Origin"),
		preflight: r.Header.Get("Access-Control-Request-Method"),
		header:    r.Header.Get(s2.Header),
	}
	if c, err := r.Cookie(s2.Cookie); err == nil {
		s.hasCookie, s.cookie = true, c.Value
	}
	if r.Body != nil {
		// Bounded like the mock's own limit; the page sends a few bytes.
		b, err := io.ReadAll(io.LimitReader(r.Body, mockserver.DefaultMaxBody))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		s.body = b
		r.Body = io.NopCloser(bytes.NewReader(b))
	}
	rec.mu.Lock()
	rec.seen = append(rec.seen, s)
	rec.mu.Unlock()
	rec.next.ServeHTTP(w, r)
}

func (rec *recorder) requests(method, path string) []seen {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var out []seen
	for _, s := range rec.seen {
		if s.method == method && s.path == path {
			out = append(out, s)
		}
	}
	return out
}

func (rec *recorder) saw(method, path, origin, preflight string) bool {
	for _, s := range rec.requests(method, path) {
		if s.origin == origin && s.preflight == preflight {
			return true
		}
	}
	return false
}

func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// lockedLines collects console lines from chromedp's event goroutine; they
// are logged from the test goroutine only, never after the test ends.
type lockedLines struct {
	mu    sync.Mutex
	lines []string
}

func (l *lockedLines) add(s string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, s)
}

func (l *lockedLines) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

// s2 is how the contract says a session travels (S2).
var s2 = schemas.MustDefault().Model().Session
