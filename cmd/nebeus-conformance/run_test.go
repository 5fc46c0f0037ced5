package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nebeus/nebeus-contract/conformance"
	"github.com/nebeus/nebeus-contract/internal/version"
	"github.com/nebeus/nebeus-contract/schemas"
)

// These tests call run directly for everything that ends before the specs
// run: Ginkgo allows one suite per process, so the runs that check a
// target live in package conformance's tests, which start this binary.

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func exitCode(err error) int {
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	return 2
}

func TestUsageErrorsExit2(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	cases := map[string][]string{
		"no target":             {},
		"unknown flag":          {"--base-url", srv.URL, "--nope"},
		"stray argument":        {"--base-url", srv.URL, "extra"},
		"bad header":            {"--base-url", srv.URL, "--header", "no colon"},
		"unknown relaxation":    {"--base-url", srv.URL, "--relax", "everything"},
		"bad label filter":      {"--base-url", srv.URL, "--label-filter", "readonly &&"},
		"label typo":            {"--base-url", srv.URL, "--label-filter", "readonyl"},
		"one label a typo":      {"--base-url", srv.URL, "--label-filter", "readonly && !concurency"},
		"regexp matching none":  {"--base-url", srv.URL, "--label-filter", "/^read-only$/"},
		"not an http URL":       {"--base-url", "ftp://example.com"},
		"login without pass":    {"--base-url", srv.URL, "--login", "a@example.com"},
		"zero parallel":         {"--base-url", srv.URL, "--parallel", "0"},
		"bad shard":             {"--base-url", srv.URL, "--shard", "3/2"},
		"bad timeout":           {"--base-url", srv.URL, "--timeout", "soon"},
		"unreachable":           {"--base-url", "http://127.0.0.1:1"},
		"bad email domain":      {"--base-url", srv.URL, "--email-domain", "a@b"},
		"negative timeout flag": {"--base-url", srv.URL, "--timeout", "-1s"},
		"no such contract":      {"--base-url", srv.URL, "--contract", "/nonexistent/schemas"},
		"negative steps":        {"--base-url", srv.URL, "--steps", "-1"},
		"concurrency of one":    {"--base-url", srv.URL, "--concurrency", "1"},
		"negative max time":     {"--base-url", srv.URL, "--max-time", "-1s"},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			var out, errb bytes.Buffer
			err := run(context.Background(), args, env(nil), &out, &errb)
			if got := exitCode(err); got != 2 {
				t.Errorf("exit status %d (%v), want 2", got, err)
			}
		})
	}
}

func TestHelpListsFlagsAndRelaxations(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"--help"}, env(nil), &out, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"--base-url", "NEBEUS_BASE_URL", "--timeout", "--header", "--email-domain", "--login", "NEBEUS_PASSWORD",
		"--relax", "bare-envelope", "array-envelope", "envelope-list", "odoo", "--label-filter", "--junit-report", "--json-report", "--html-report", "NEBEUS_HEADER_1", "--verbose", "--parallel", "--seed", "--steps", "--steps-time", "--concurrency", "--max-time", "Exit status"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("--help does not mention %q", want)
		}
	}
}

// Issue 20: every binary says its version (stamped by make dist), without
// a target.
func TestVersionNeedsNoTarget(t *testing.T) {
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"--version"}, env(nil), &out, &errb); err != nil {
		t.Fatalf("--version: %v (%s)", err, errb.String())
	}
	if out.String() != version.Line("nebeus-conformance") || !strings.HasPrefix(out.String(), "nebeus-conformance ") {
		t.Errorf("--version printed %q", out.String())
	}
}

func TestEnvironmentFillsTargetAndAccount(t *testing.T) {
	o, _, err := parseFlags([]string{"--relax", "bare-envelope,array-envelope", "--header", "X-Gateway: abc"},
		env(map[string]string{envBaseURL: "http://example.test", envLogin: "a@example.com", envPassword: "s3cret-pass"}))
	if err != nil {
		t.Fatal(err)
	}
	if o.BaseURL != "http://example.test" || o.Login != "a@example.com" || o.Password != "s3cret-pass" {
		t.Errorf("from the environment: %q %q %q", o.BaseURL, o.Login, o.Password)
	}
	if len(o.Relax) != 2 || o.Header.Get("X-Gateway") != "abc" {
		t.Errorf("relax %v, header %v", o.Relax, o.Header)
	}
	// A flag beats the environment.
	o, _, err = parseFlags([]string{"--base-url", "http://flag.test"}, env(map[string]string{envBaseURL: "http://env.test"}))
	if err != nil || o.BaseURL != "http://flag.test" {
		t.Errorf("flag vs environment: %v %v", o, err)
	}
}

func TestUnreachableMessageHidesPassword(t *testing.T) {
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"--base-url", "http://127.0.0.1:1", "--login", "a@example.com"},
		env(map[string]string{envPassword: "s3cret-pass"}), &out, &errb)
	if exitCode(err) != 2 {
		t.Fatalf("exit status %d, want 2", exitCode(err))
	}
	if strings.Contains(err.Error()+out.String()+errb.String(), "s3cret-pass") {
		t.Error("the password shows")
	}
}

// versioned writes the embedded contract with every path's version changed
// to v into a folder, as --contract takes it.
func versioned(t *testing.T, v string) string {
	t.Helper()
	c := schemas.MustDefault()
	dir := t.TempDir()
	for _, n := range c.Names() {
		b, _ := c.Raw(n)
		if err := os.WriteFile(filepath.Join(dir, n+".json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m := *c.Model()
	m.Operations = append([]schemas.Operation(nil), m.Operations...)
	for i := range m.Operations {
		m.Operations[i].Path = strings.Replace(m.Operations[i].Path, "/1.0/", "/"+v+"/", 1)
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "index.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestReachabilityProbeUsesTheContract: the probe goes to a path of the
// contract the run checks (a safe operation that takes no argument), and
// --help lists the contract's operations.
func TestReachabilityProbeUsesTheContract(t *testing.T) {
	dir := versioned(t, "9.9")
	var mu sync.Mutex
	var paths []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.Method+" "+r.URL.Path)
		mu.Unlock()
		http.NotFound(w, r)
	}))
	defer srv.Close()
	c, err := schemas.Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	opts, err := conformance.Options{BaseURL: srv.URL, Contract: c}.WithDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if err := reachable(context.Background(), opts); err != nil {
		t.Fatal(err)
	}
	var want string
	for _, op := range c.Operations() {
		if op.JSONRPC() && op.Safe && op.ParamsOptional {
			want = op.Method + " " + op.Path
			break
		}
	}
	if len(paths) != 1 || paths[0] != want || !strings.Contains(want, "/9.9/") {
		t.Errorf("probe sent %v, want [%s]", paths, want)
	}

	var out bytes.Buffer
	if err := run(context.Background(), []string{"--contract", dir, "--help"}, env(nil), &out, &out); err != nil {
		t.Fatal(err)
	}
	for _, op := range c.Operations() {
		if !strings.Contains(out.String(), op.Path) {
			t.Errorf("--help does not list %s at %s:\n%s", op.ID, op.Path, out.String())
		}
	}
	if strings.Contains(out.String(), "/1.0/") {
		t.Errorf("--help names a path the contract does not have:\n%s", out.String())
	}
}

// TestReachabilityWantsAWholeAnswer: the start-up check gets a whole answer
// within --timeout, body included, or the run exits 2 (T5): a target that
// sends its headers and then hangs, drips its body or sends one without end
// is not a target the specs can check. Each server counts what it wrote:
// the check stops reading at conformance.MaxBody.
func TestReachabilityWantsAWholeAnswer(t *testing.T) {
	cases := map[string]func(w http.ResponseWriter, r *http.Request) int64{
		"headers then a hang": func(w http.ResponseWriter, r *http.Request) int64 {
			w.WriteHeader(http.StatusOK)
			w.(http.Flusher).Flush()
			<-r.Context().Done()
			return 0
		},
		"a dripping body": func(w http.ResponseWriter, r *http.Request) int64 {
			w.WriteHeader(http.StatusOK)
			var n int64
			tick := time.NewTicker(20 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-r.Context().Done():
					return n
				case <-tick.C:
				}
				if _, err := w.Write([]byte(" ")); err != nil {
					return n
				}
				w.(http.Flusher).Flush()
				n++
			}
		},
		"an endless body": func(w http.ResponseWriter, r *http.Request) int64 {
			w.WriteHeader(http.StatusOK)
			buf := bytes.Repeat([]byte("["), 32<<10)
			var n int64
			for {
				k, err := w.Write(buf)
				n += int64(k)
				if err != nil {
					return n
				}
			}
		},
	}
	for name, serve := range cases {
		t.Run(name, func(t *testing.T) {
			written := make(chan int64, 1)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				written <- serve(w, r)
			}))
			defer srv.Close()
			var out, errb bytes.Buffer
			err := run(context.Background(), []string{"--base-url", srv.URL, "--timeout", "300ms"}, env(nil), &out, &errb)
			if got := exitCode(err); got != 2 {
				t.Fatalf("exit status %d (%v), want 2", got, err)
			}
			if n := <-written; n > 64<<20 {
				t.Errorf("the check read on: the server wrote %d bytes", n)
			}
		})
	}
}

// TestShardsTakeTheHeadersFromTheEnvironment: a shard of a parallel run
// reads the --header flags from the environment its parent sets, not from
// its command line (process listings show it); a process that is no shard
// ignores that variable.
func TestShardsTakeTheHeadersFromTheEnvironment(t *testing.T) {
	e := env(map[string]string{envShardHeaders: `["X-Gateway-Token: s3cret-token"]`})
	o, _, err := parseFlags([]string{"--base-url", "http://example.test", "--shard", "1/2"}, e)
	if err != nil {
		t.Fatal(err)
	}
	if got := o.Header.Get("X-Gateway-Token"); got != "s3cret-token" {
		t.Errorf("the shard's header: %q", got)
	}
	o, _, err = parseFlags([]string{"--base-url", "http://example.test"}, e)
	if err != nil || len(o.Header) != 0 {
		t.Errorf("not a shard: headers %v, %v", o.Header, err)
	}
}
