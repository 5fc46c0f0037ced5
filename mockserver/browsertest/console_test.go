package browsertest_test

import (
	"context"
	"encoding/json"
	"html/template"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/nebeus/nebeus-contract/mockserver"
)

// updateScreenshotsEnv makes TestConsole also write the README's
// screenshots, docs/landing.png and docs/console.png.
const updateScreenshotsEnv = "NEBEUS_UPDATE_SCREENSHOTS"

// seenWithin is how soon a request must show in the console's journal: a
// second (three under the race detector).
const seenWithin = raceSlowdown * time.Second

// TestConsole is the console of issue 10 in a real browser: it renders
// (screenshots kept with the test's output), shows another page's request
// within a second, highlights a violation with its decision id, sets a
// fault that makes the next call fail, shows a reset message in its inbox,
// and explains the cross-host cookie trap. One browser, one mock.
func TestConsole(t *testing.T) {
	needBrowser(t)
	ctx, cancel := context.WithTimeout(t.Context(), totalTimeout)
	t.Cleanup(cancel)
	env := startConsoleServers(t)
	browser := startBrowser(t, ctx)
	shots := screenshotDirs(t)

	// The mock as the developer opens it: 127.0.0.1, as the banner prints.
	mockBase := "http://" + net.JoinHostPort("127.0.0.1", env.apiPort)
	console := openTab(t, browser)
	if err := chromedp.Do(console,
		chromedp.EmulateViewport(1360, 1000),
		chromedp.Navigate(mockBase+"/_mock/"),
		chromedp.WaitVisible(chromedp.CSS(`#stream[data-state="live"]`)),
	); err != nil {
		t.Fatalf("the console did not connect its live journal: %v", err)
	}

	t.Run("landing page and reference render from the binary", func(t *testing.T) {
		tab := openTab(t, browser)
		if err := chromedp.Do(tab,
			chromedp.EmulateViewport(1280, 900),
			chromedp.Navigate(mockBase+"/"),
			chromedp.WaitVisible(chromedp.CSS(`#operations tr[data-op="signin"]`)),
		); err != nil {
			t.Fatalf("landing page: %v", err)
		}
		png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatalf("landing page screenshot: %v", err)
		}
		shots.save(t, "landing.png", png)

		// Swagger UI, vendored: the browser has no network, so rendering
		// proves the bundle is served by the mock. Its servers are this mock.
		if err := chromedp.Do(tab,
			chromedp.Navigate(mockBase+"/reference/"),
			chromedp.WaitVisible(chromedp.CSS(`body[data-ready="true"] .opblock`)),
		); err != nil {
			t.Fatalf("API reference: %v", err)
		}
		server, err := chromedp.Run(tab, chromedp.Evaluate[string](`window.ui.specSelectors.specJson().getIn(["servers", 0, "url"])`))
		if err != nil {
			t.Fatalf("API reference servers: %v", err)
		}
		if server != mockBase {
			t.Errorf("the reference sends Try it out to %q, want this mock %q", server, mockBase)
		}
	})

	t.Run("another page's request shows within a second", func(t *testing.T) {
		runCalls(t, browser, env, "localhost", call{Op: "get_countries", Params: map[string]any{}})
		waitFor(t, console, seenWithin, `#journal article.entry[data-op="get_countries"]`)
	})

	t.Run("a violation is highlighted with its decision id", func(t *testing.T) {
		runCalls(t, browser, env, "localhost", call{Op: "signup", Params: map[string]any{"login": "not-an-email", "password": "short"}})
		sel := `#journal article.entry.has-violations[data-op="signup"] .decision[data-decision="S5"]`
		waitFor(t, console, seenWithin, sel)
		bg, err := chromedp.Run(console, chromedp.Evaluate[string](
			`getComputedStyle(document.querySelector('#journal article.entry.has-violations[data-op="signup"]')).backgroundColor`))
		if err != nil {
			t.Fatal(err)
		}
		if bg == "" || bg == "rgba(0, 0, 0, 0)" || bg == "rgb(255, 255, 255)" {
			t.Errorf("the entry with violations is not highlighted (background %q)", bg)
		}
	})

	t.Run("a fault set from the console fails the next call", func(t *testing.T) {
		if err := chromedp.Do(console,
			chromedp.SetValue(chromedp.CSS(`#fault-op`), "signin"),
			chromedp.SetValue(chromedp.CSS(`#fault-kind`), "status"),
			chromedp.SetValue(chromedp.CSS(`#fault-status`), "503"),
			chromedp.SetValue(chromedp.CSS(`#fault-count`), "1"),
			chromedp.Click(chromedp.CSS(`#fault-set`)),
		); err != nil {
			t.Fatal(err)
		}
		waitFor(t, console, 5*time.Second, `#faults li[data-op="signin"]`)
		signin := `{"jsonrpc":"2.0","id":1,"params":{"login":"demo@example.com","password":"demo-password-1"}}`
		if got := post(t, mockBase+"/signin/1.0/json", signin); got != http.StatusServiceUnavailable {
			t.Errorf("the call after the fault: %d, want 503", got)
		}
		if got := post(t, mockBase+"/signin/1.0/json", signin); got != http.StatusOK {
			t.Errorf("the call after that (count 1): %d, want 200", got)
		}
	})

	t.Run("the inbox shows a reset message", func(t *testing.T) {
		runCalls(t, browser, env, "localhost", call{Op: "reset_password", Params: map[string]any{"login": "demo@example.com"}})
		waitFor(t, console, 5*time.Second, `#outbox li[data-to="demo@example.com"] .token`)
		shown, err := chromedp.Run(console, chromedp.Text(chromedp.CSS(`#outbox li[data-to="demo@example.com"] .token`)))
		if err != nil {
			t.Fatal(err)
		}
		var outbox struct{ Messages []struct{ To, Token string } }
		getJSON(t, mockBase+"/_mock/outbox", &outbox)
		if n := len(outbox.Messages); n == 0 || outbox.Messages[n-1].Token != shown {
			t.Errorf("the inbox shows token %q; the outbox holds %+v", shown, outbox.Messages)
		}
	})

	t.Run("the cross-host cookie trap gets its hint", func(t *testing.T) {
		// The page on localhost calls the mock at 127.0.0.1: allowed by
		// CORS, but another site, so SameSite=Lax keeps the cookie away.
		res := runCalls(t, browser, env, "127.0.0.1",
			call{Op: "signin", Params: map[string]any{"login": "demo@example.com", "password": "demo-password-1"}},
			call{Op: "logout", Params: map[string]any{}})
		if len(res) != 2 || res[0].Status != 200 || res[1].Status != 200 {
			t.Fatalf("the page's signin and logout: %+v", res)
		}
		sel := `#journal article.entry.has-hint[data-op="logout"][data-carrier="none"] .hint[data-code="` + mockserver.HintCrossSite + `"]`
		waitFor(t, console, seenWithin, sel)
		text, err := chromedp.Run(console, chromedp.Text(chromedp.CSS(sel)))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"localhost", "127.0.0.1", "SameSite"} {
			if !strings.Contains(text, want) {
				t.Errorf("the hint does not mention %s: %s", want, text)
			}
		}
	})

	png, err := chromedp.Run(console, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	shots.save(t, "console.png", png)
}

// consoleEnv is the mock (control on) and a page server, each on its own
// loopback port; the mock allows the page's localhost origin.
type consoleEnv struct {
	apiPort, pagePort string
}

func startConsoleServers(t *testing.T) *consoleEnv {
	t.Helper()
	pages := httptest.NewUnstartedServer(nil)
	t.Cleanup(pages.Close)
	e := &consoleEnv{}
	_, e.pagePort, _ = net.SplitHostPort(pages.Listener.Addr().String())
	mock, err := mockserver.New(mockserver.Config{Control: true,
		CORSOrigins: []string{"http://" + net.JoinHostPort("localhost", e.pagePort)}})
	if err != nil {
		t.Fatal(err)
	}
	api := httptest.NewServer(mock)
	t.Cleanup(api.Close)
	_, e.apiPort, _ = net.SplitHostPort(api.Listener.Addr().String())
	pages.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		var calls []call
		if err := json.Unmarshal([]byte(r.URL.Query().Get("calls")), &calls); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		if err := callsPage.Execute(w, map[string]any{"api": r.URL.Query().Get("api"), "calls": calls}); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	})
	pages.Start()
	return e
}

// call is one JSON-RPC call a page makes; result what it got.
type call struct {
	Op     string         `json:"op"`
	Params map[string]any `json:"params"`
}

type result struct {
	Status int    `json:"status"`
	Error  string `json:"error"`
}

// runCalls opens the page on http://localhost:PAGE, which makes the calls
// in order, credentialed, to the mock at http://APIHOST:API.
func runCalls(t *testing.T, browser context.Context, e *consoleEnv, apiHost string, calls ...call) []result {
	t.Helper()
	b, _ := json.Marshal(calls)
	u := "http://" + net.JoinHostPort("localhost", e.pagePort) + "/?" + url.Values{
		"api": {"http://" + net.JoinHostPort(apiHost, e.apiPort)}, "calls": {string(b)}}.Encode()
	return runPage[[]result](t, browser, u)
}

var callsPage = template.Must(template.New("calls").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>calls</title></head><body>
<pre id="result"></pre><p id="done" hidden>done</p>
<script>
"use strict";
const cfg = {{.}};
(async () => {
  const out = [];
  for (const c of cfg.calls) {
    try {
      const r = await fetch(cfg.api + "/" + c.op + "/1.0/json", {method: "POST", credentials: "include",
        headers: {"Content-Type": "application/json", "Accept": "application/json"},
        body: JSON.stringify({jsonrpc: "2.0", method: "call", params: c.params, id: 1})});
      await r.text();
      out.push({status: r.status});
    } catch (e) {
      out.push({error: String(e)});
    }
  }
  return out;
})().then(r => {
  document.getElementById("result").textContent = JSON.stringify(r);
  document.getElementById("done").hidden = false;
});
</script></body></html>`))

func openTab(t *testing.T, browser context.Context) context.Context {
	t.Helper()
	tab, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	if err := chromedp.Do(tab); err != nil {
		t.Fatalf("opening a tab: %v", err)
	}
	return tab
}

// waitFor waits until selector matches a visible element of the tab, for
// at most d: the condition is the synchronisation, d only its bound.
func waitFor(t *testing.T, tab context.Context, d time.Duration, selector string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab, d)
	defer cancel()
	start := time.Now()
	if err := chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(selector))); err != nil {
		html, _ := chromedp.Run(tab, chromedp.OuterHTML(chromedp.CSS("#journal")))
		t.Fatalf("%s not shown within %s: %v\njournal: %.3000s", selector, d, err, html)
	}
	t.Logf("%s shown after %s", selector, time.Since(start).Round(time.Millisecond))
}

func post(t *testing.T, u, body string) int {
	t.Helper()
	resp, err := http.Post(u, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
}

// screenshots go to the test's artifact directory (kept under the output
// directory with go test -artifacts), and to docs/ with
// NEBEUS_UPDATE_SCREENSHOTS=1.
type screenshots struct{ dirs []string }

func screenshotDirs(t *testing.T) screenshots {
	s := screenshots{dirs: []string{t.ArtifactDir()}}
	if os.Getenv(updateScreenshotsEnv) != "" {
		s.dirs = append(s.dirs, filepath.Join("..", "..", "docs"))
	}
	return s
}

func (s screenshots) save(t *testing.T, name string, png []byte) {
	t.Helper()
	if len(png) < 8 || string(png[1:4]) != "PNG" {
		t.Fatalf("%s: not a PNG (%d bytes)", name, len(png))
	}
	for _, d := range s.dirs {
		p := filepath.Join(d, name)
		if err := os.WriteFile(p, png, 0o644); err != nil {
			t.Fatal(err)
		}
		t.Logf("screenshot: %s (%d bytes)", p, len(png))
	}
}
