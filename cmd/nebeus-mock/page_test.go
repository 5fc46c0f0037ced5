package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nebeus/nebeus-contract/spec/generate"
)

const widgetsPage = "../../spec/runcontract/testdata/widgets/index.html.md"

// call sends a JSON-RPC call and returns the status and body.
func call(t *testing.T, url, body string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Issue 17 item 1: --page serves the page's contract, generated at start,
// with its OpenAPI document; --contract serves a generated folder.
func TestRunServesAPageOrAGeneratedContract(t *testing.T) {
	out := t.TempDir()
	res, err := generate.Build(generate.Options{Page: widgetsPage, Root: out})
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Write(out); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"page", []string{"--page", widgetsPage}},
		{"contract", []string{"--contract", out}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base, stdout, _, stop := startRun(t, append([]string{"--addr", "127.0.0.1:0"}, tc.args...), nil)
			code, body := call(t, base+"/widgets/get/1.0/json", `{"jsonrpc":"2.0","id":3,"params":{"widget_id":7}}`)
			if code != 200 || !strings.Contains(body, `"sprocket"`) || !strings.Contains(body, `"id":3`) {
				t.Errorf("widgets_get: %d %s", code, body)
			}
			// The embedded contract's operations are not served.
			if code, body := call(t, base+"/signin/1.0/json", `{"jsonrpc":"2.0","id":1,"params":{}}`); code != 404 {
				t.Errorf("signin under another contract: %d %s", code, body)
			}
			if code, body := get(t, base+"/openapi.yaml"); code != 200 || !strings.Contains(body, "/widgets/get/1.0/json:") {
				t.Errorf("openapi.yaml is not the page's: %d %.200s", code, body)
			}
			if code, body := get(t, base+"/schemas/widgets_get.request.json"); code != 200 || !strings.Contains(body, "widget_id") {
				t.Errorf("schemas: %d %.200s", code, body)
			}
			if err := stop(); err != nil {
				t.Fatal(err)
			}
			if s := stdout.String(); !strings.Contains(s, "demo accounts: unused") || !strings.Contains(s, "/widgets/list/1.0/json") {
				t.Errorf("banner:\n%s", s)
			}
		})
	}
}

// Bad page input: a clear error that names what is wrong; the mock does
// not start.
func TestRunRefusesABadPage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want []string
	}{
		{"include missing", []string{"--page", "../../spec/runcontract/testdata/include-missing/index.html.md"},
			[]string{"no operation", filepath.Join("includes", "_gadgets.md"), "does not exist"}},
		{"page missing", []string{"--page", "testdata/nowhere.md"}, []string{"testdata/nowhere.md", "no such file"}},
		{"page and contract", []string{"--page", widgetsPage, "--contract", "x"}, []string{"--page and --contract"}},
		{"watch without page", []string{"--watch"}, []string{"--watch needs --page"}},
		{"overlay without page", []string{"--overlay", "x.yaml"}, []string{"--overlay needs --page"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr strings.Builder
			err := run(context.Background(), append([]string{"--addr", "127.0.0.1:0"}, tc.args...), func(string) string { return "" }, &stdout, &stderr)
			if err == nil {
				t.Fatal("started")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// Issue 17 item 8: an endpoint the page documents at a path the mock uses
// for itself is the page's, with a warning; the mock's own route stays
// reachable under /_mock/.
func TestRunThePageWinsOverTheMocksOwnRoutes(t *testing.T) {
	base, stdout, stderr, _ := startRun(t, []string{"--addr", "127.0.0.1:0", "--page", "testdata/shadow/index.html.md"}, nil)
	if code, body := get(t, base+"/healthz"); code != 200 || !strings.Contains(body, `"status-page"`) {
		t.Errorf("GET /healthz is not the page's: %d %s", code, body)
	}
	if code, body := get(t, base+"/_mock/healthz"); code != 200 || body != `{"status":"ok"}` {
		t.Errorf("GET /_mock/healthz: %d %s", code, body)
	}
	for _, p := range []string{"/metrics", "/_mock/metrics"} {
		if code, body := get(t, base+p); code != 200 || !strings.Contains(body, "nebeus_mock_requests_total") {
			t.Errorf("GET %s: %d %.100s", p, code, body)
		}
	}
	if code, body := get(t, base+"/_mock/schemas/"); code != 200 || !strings.Contains(body, `"/_mock/schemas/healthz.request.json"`) {
		t.Errorf("GET /_mock/schemas/: %d %.300s", code, body)
	}
	// The landing page links to the mock's own routes where they answer.
	if code, body := get(t, base+"/"); code != 200 || !strings.Contains(body, `"health":"/_mock/healthz"`) || !strings.Contains(body, `"/_mock/openapi.json"`) {
		t.Errorf("GET / (landing): %d %.400s", code, body)
	}
	want := "the page documents GET /healthz: its operation answers there, not the mock's own route; that is at /_mock/healthz"
	if !strings.Contains(stdout.String(), want) || !strings.Contains(stderr.String(), want) {
		t.Errorf("no warning %q in the banner or the log:\n%s\n%s", want, stdout.String(), stderr.String())
	}
}

// nebeusCopy copies the project's own page, its includes, the overlay and
// the decisions into a fresh folder, as spec/ lays them out, so a test may
// edit them; it returns the page and the overlay.
func nebeusCopy(t *testing.T) (page, overlay string) {
	t.Helper()
	dst := t.TempDir()
	for _, f := range []string{"source/index.html.md", "source/includes/_making_requests.md", "overlay.yaml", "DECISIONS.md"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "spec", filepath.FromSlash(f)))
		if err != nil {
			t.Fatal(err)
		}
		to := filepath.Join(dst, filepath.FromSlash(f))
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return filepath.Join(dst, "source", "index.html.md"), filepath.Join(dst, "overlay.yaml")
}

// notices follows the console's event stream and passes on each notice's
// message: the test waits for the reload's notice, no sleeping.
func notices(t *testing.T, base string) <-chan string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/_mock/events", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 {
		t.Fatalf("/_mock/events: %d", resp.StatusCode)
	}
	ch := make(chan string, 16)
	ready := make(chan struct{})
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<20)
		event := ""
		for sc.Scan() {
			line := sc.Text()
			if e, ok := strings.CutPrefix(line, "event: "); ok {
				event = e
				continue
			}
			data, ok := strings.CutPrefix(line, "data: ")
			if !ok {
				continue
			}
			switch event {
			case "ready":
				close(ready)
			case "notice":
				var n struct{ Kind, Message string }
				if json.Unmarshal([]byte(data), &n) == nil && n.Kind == "contract" {
					ch <- n.Message
				}
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(startTimeout):
		t.Fatal("the event stream sent no ready event")
	}
	return ch
}

func nextNotice(t *testing.T, ch <-chan string) string {
	t.Helper()
	select {
	case msg := <-ch:
		return msg
	case <-time.After(startTimeout):
		t.Fatalf("no contract notice within %s", startTimeout)
		return ""
	}
}

func edit(t *testing.T, file string, f func(string) string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, []byte(f(string(b))), 0o644); err != nil {
		t.Fatal(err)
	}
}

const limitsSection = "\n# Get limits\n\n> `POST https://domain.com/get_limits/1.0/json`\n\n```\nSuccessful response\n```\n\n" +
	"```json\n[{\"id\": null, \"jsonrpc\": \"2.0\", \"result\": {\"daily\": 100}}]\n```\n"

// Issue 17 item 1: --watch reloads the page when it changes, keeping
// accounts and sessions, and says what changed in stdout, the log and the
// console; a page saved broken, or one whose rules the demo accounts break,
// keeps the last good contract and says why.
func TestRunWatchReloadsThePageKeepingState(t *testing.T) {
	page, overlay := nebeusCopy(t)
	base, stdout, stderr, _ := startRun(t, []string{"--addr", "127.0.0.1:0", "--control", "--page", page, "--overlay", overlay,
		"--watch", "--watch-interval", "20ms"}, nil)
	events := notices(t, base)

	// State before the change: an account signed up, a session open.
	if code, body := call(t, base+"/signup/1.0/json", `{"jsonrpc":"2.0","id":1,"params":{"login":"new@example.com","password":"new-password-1",`+
		`"confirm_password":"new-password-1","name":"New","surname":"User","country":1}}`); code != 200 || !strings.Contains(body, `"success"`) {
		t.Fatalf("signup: %d %s", code, body)
	}
	code, body := call(t, base+"/signin/1.0/json", `{"jsonrpc":"2.0","id":1,"params":{"login":"demo@example.com","password":"demo-password-1"}}`)
	var signin []struct {
		Result struct {
			SessionID string `json:"session_id"`
		}
	}
	if code != 200 || json.Unmarshal([]byte(body), &signin) != nil || len(signin) != 1 || signin[0].Result.SessionID == "" {
		t.Fatalf("signin: %d %s", code, body)
	}
	if code, body := call(t, base+"/get_limits/1.0/json", `{"jsonrpc":"2.0","id":1,"params":{}}`); code != 404 {
		t.Fatalf("get_limits before the change: %d %s", code, body)
	}

	// The page gains an operation.
	edit(t, page, func(s string) string { return s + limitsSection })
	msg := nextNotice(t, events)
	if !strings.Contains(msg, "page reloaded: 1 change") || !strings.Contains(msg, "get_limits operation added: POST /get_limits/1.0/json") {
		t.Errorf("console notice: %q", msg)
	}
	if code, body := call(t, base+"/get_limits/1.0/json", `{"jsonrpc":"2.0","id":5,"params":{}}`); code != 200 || !strings.Contains(body, `"daily":100`) {
		t.Errorf("get_limits after the change: %d %s", code, body)
	}
	for _, want := range []string{"contract reloaded from page", "non-breaking: get_limits operation added"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout.String())
		}
	}
	if !strings.Contains(stderr.String(), "contract reloaded") {
		t.Errorf("the log lacks the reload:\n%s", stderr.String())
	}
	// State kept: the session is still open, the new account still signs
	// in.
	if code, body := get(t, base+"/_mock/sessions"); code != 200 || !strings.Contains(body, "demo@example.com") {
		t.Errorf("sessions after the reload: %d %s", code, body)
	}
	if code, body := call(t, base+"/signin/1.0/json", `{"jsonrpc":"2.0","id":1,"params":{"login":"new@example.com","password":"new-password-1"}}`); code != 200 || !strings.Contains(body, `"session_id"`) {
		t.Errorf("the account signed up before the reload: %d %s", code, body)
	}

	// Saved half-written (cut after its title: no endpoint left, the one
	// thing that still refuses a page, issue 17 item 2): the last good
	// contract stays.
	full, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	edit(t, page, func(s string) string { return s[:strings.IndexByte(s, '\n')+1] })
	msg = nextNotice(t, events)
	if !strings.Contains(msg, "did not reload; the last good contract is still served") || !strings.Contains(msg, "documents no operation") {
		t.Errorf("console notice: %q", msg)
	}
	if code, body := call(t, base+"/get_limits/1.0/json", `{"jsonrpc":"2.0","id":5,"params":{}}`); code != 200 {
		t.Errorf("get_limits with the page broken: %d %s", code, body)
	}

	// Demo accounts the new rules refuse (S5's password minimum raised
	// past their passwords): not reloaded, said why; they still sign in.
	edit(t, page, func(string) string { return string(full) })
	edit(t, overlay, func(s string) string {
		return strings.Replace(s, "password: {minLength: 8,", "password: {minLength: 64,", 1)
	})
	msg = nextNotice(t, events)
	if !strings.Contains(msg, "did not reload") || !strings.Contains(msg, "demo accounts break the contract") {
		t.Errorf("console notice: %q", msg)
	}
	if code, body := call(t, base+"/signin/1.0/json", `{"jsonrpc":"2.0","id":1,"params":{"login":"demo@example.com","password":"demo-password-1"}}`); code != 200 || !strings.Contains(body, `"session_id"`) {
		t.Errorf("demo signin after the refused reload: %d %s", code, body)
	}
}

// Issue 17 item 1: the mock works from any directory: a page named
// relative to it, its include beside it; no overlay unless named, said in
// the banner.
func TestRunFromAnyDirectory(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"index.html.md", filepath.Join("includes", "_errors.md")} {
		b, err := os.ReadFile(filepath.Join(filepath.Dir(widgetsPage), f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, f)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(dir)
	base, stdout, stderr, _ := startRun(t, []string{"--addr", "127.0.0.1:0", "--page", "index.html.md"}, nil)
	if code, body := call(t, base+"/widgets/list/1.0/json", `{"jsonrpc":"2.0","id":1}`); code != 200 || !strings.Contains(body, "sprocket") {
		t.Errorf("widgets_list: %d %s", code, body)
	}
	if !strings.Contains(stdout.String(), "contract from: page index.html.md (no overlay: --overlay PATH names one)") {
		t.Errorf("banner:\n%s", stdout.String())
	}
	if strings.Contains(stderr.String(), "warning:") {
		t.Errorf("warnings for a clean page with its include:\n%s", stderr.String())
	}
}
