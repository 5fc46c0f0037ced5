package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptrace"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nebeus/nebeus-contract/internal/testutil"
	"github.com/nebeus/nebeus-contract/internal/version"
)

// lineWriter passes stdout through and reports the listen address from the
// banner's first line.
type lineWriter struct {
	testutil.Buffer
	once sync.Once
	addr chan string
}

func (l *lineWriter) Write(p []byte) (int, error) {
	n, err := l.Buffer.Write(p)
	sc := bufio.NewScanner(strings.NewReader(l.String()))
	for sc.Scan() {
		if u, ok := strings.CutPrefix(sc.Text(), "nebeus-mock: listening on "); ok {
			l.once.Do(func() { l.addr <- u })
		}
	}
	return n, err
}

// startTimeout bounds the wait for the banner: a --page run generates its
// contract first, which on a loaded machine under -race takes a while.
const startTimeout = time.Minute

func startRun(t *testing.T, args []string, env map[string]string) (base string, stdout *lineWriter, stderr *testutil.Buffer, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout = &lineWriter{addr: make(chan string, 1)}
	stderr = &testutil.Buffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, args, func(k string) string { return env[k] }, stdout, stderr)
	}()
	select {
	case base = <-stdout.addr:
	case err := <-done:
		cancel()
		t.Fatalf("run ended before listening: %v\nstderr: %s", err, stderr.String())
	case <-time.After(startTimeout):
		cancel()
		t.Fatalf("no banner within %s", startTimeout)
	}
	stopped := false
	stop = func() error {
		if stopped {
			return nil
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("run did not return within 10s of cancellation")
			return nil
		}
	}
	t.Cleanup(func() { _ = stop() })
	return base, stdout, stderr, stop
}

// waitHealthy polls /healthz until the server answers 200.
func waitHealthy(t *testing.T, base string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("/healthz not ready: %v", err)
		}
		time.Sleep(10 * time.Millisecond) // polling, not synchronisation
	}
}

func TestRunServesAndShutsDownCleanly(t *testing.T) {
	base, stdout, _, stop := startRun(t, []string{"--addr", "127.0.0.1:0", "--control"}, nil)
	waitHealthy(t, base)

	resp, err := http.Post(base+"/signin/1.0/json", "application/json",
		strings.NewReader(`{"jsonrpc":"2.0","id":1,"params":{"login":"demo@example.com","password":"demo-password-1"}}`))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"session_id"`) {
		t.Fatalf("signin: %d %s", resp.StatusCode, body)
	}
	if err := stop(); err != nil {
		t.Fatalf("run: %v", err)
	}
	out := stdout.String()
	for _, want := range []string{
		"demo@example.com / demo-password-1", // the demo accounts (public)
		base + "/_mock/",                     // control URL
		base + "/openapi.yaml",               // contract URLs
		base + "/signin/1.0/json",
		"nebeus-mock: stopped",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("banner lacks %q:\n%s", want, out)
		}
	}
}

func TestRunGracefulShutdownFinishesInFlight(t *testing.T) {
	base, _, _, stop := startRun(t, []string{"--addr", "127.0.0.1:0"}, nil)
	waitHealthy(t, base)
	type result struct {
		status int
		err    error
	}
	got := make(chan result, 1)
	req, _ := http.NewRequest("POST", base+"/get_countries/1.0/json", strings.NewReader(`{"jsonrpc":"2.0"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Prefer", "delay=300ms")
	// The request is in flight once its handler runs: net/http drops a
	// request it reads after Shutdown began, so a connection merely
	// accepted proves nothing. With Expect: 100-continue, the server says
	// "100 Continue" when the handler first reads the body.
	req.Header.Set("Expect", "100-continue")
	started := make(chan struct{})
	var once sync.Once
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{
		Got100Continue: func() { once.Do(func() { close(started) }) },
	}))
	client := &http.Client{Transport: &http.Transport{ExpectContinueTimeout: time.Minute}}
	go func() {
		resp, err := client.Do(req)
		if err != nil {
			got <- result{err: err}
			return
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		got <- result{status: resp.StatusCode}
	}()
	select {
	case <-started:
	case r := <-got:
		t.Fatalf("the request ended before its handler read the body: status %d, err %v", r.status, r.err)
	}
	if err := stop(); err != nil {
		t.Fatalf("run: %v", err)
	}
	r := <-got
	if r.err != nil || r.status != 200 {
		t.Fatalf("in-flight request: status %d, err %v", r.status, r.err)
	}
}

func TestRunFlagsAndEnvironment(t *testing.T) {
	env := map[string]string{
		"NEBEUS_MOCK_ADDR":       "127.0.0.1:0",
		"NEBEUS_MOCK_COMPANY_ID": "7",
		"NEBEUS_MOCK_DB":         "envdb",
	}
	// A flag beats the environment: --db wins over NEBEUS_MOCK_DB.
	base, stdout, _, _ := startRun(t, []string{"--db", "flagdb"}, env)
	waitHealthy(t, base)
	if !strings.Contains(stdout.String(), "control API: disabled") {
		t.Errorf("banner should say the control API is disabled:\n%s", stdout.String())
	}
	resp, err := http.Post(base+"/signin/1.0/json", "application/json",
		strings.NewReader(`{"jsonrpc":"2.0","params":{"login":"demo@example.com","password":"demo-password-1"}}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(b), `"company_id":7`) || !strings.Contains(string(b), `"db":"flagdb"`) {
		t.Errorf("signin result ignores the configuration: %s", b)
	}
}

func TestRunHelpListsEveryFlagWithItsEnvironmentVariable(t *testing.T) {
	var out bytes.Buffer
	if err := run(context.Background(), []string{"--help"}, func(string) string { return "" }, &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"addr", "fixtures", "cors-origins", "idle-timeout", "company-id", "db", "default-tz",
		"log-format", "control", "control-token", "journal-size", "max-body"} {
		if !strings.Contains(out.String(), "--"+f+" ") || !strings.Contains(out.String(), envName(f)) {
			t.Errorf("--help lacks --%s or %s:\n%s", f, envName(f), out.String())
		}
	}
}

func TestRunRejectsBadInput(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"unknown flag", []string{"--nope"}, nil, "nope"},
		{"bad log format", []string{"--log-format", "xml"}, nil, "log-format"},
		{"bad env duration", nil, map[string]string{"NEBEUS_MOCK_IDLE_TIMEOUT": "soon"}, "NEBEUS_MOCK_IDLE_TIMEOUT"},
		{"missing fixtures", []string{"--fixtures", "/nonexistent/dir"}, nil, "fixtures"},
		{"bad cors origin", []string{"--cors-origins", "localhost:3000"}, nil, "CORS"},
		{"stray argument", []string{"serve"}, nil, "serve"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := run(context.Background(), append(tc.args, "--addr", "127.0.0.1:0"), func(k string) string { return tc.env[k] }, io.Discard, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

// TestRunAnswersATransferEncodingNetHTTPRefusesWithJSONRPC: nebeus-mock
// serves through mockserver.Listener, so "Transfer-Encoding: gzip,
// chunked" (net/http's own 501) gets the mock's 400 with a JSON-RPC error.
func TestRunAnswersATransferEncodingNetHTTPRefusesWithJSONRPC(t *testing.T) {
	base, _, _, _ := startRun(t, []string{"--addr", "127.0.0.1:0"}, nil)
	waitHealthy(t, base)
	c, err := net.Dial("tcp", strings.TrimPrefix(base, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	_, err = io.WriteString(c, "POST /signin/1.0/json HTTP/1.1\r\nHost: m\r\nContent-Type: application/json\r\nTransfer-Encoding: gzip, chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n")
	if err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || res.Header.Get("Content-Type") != "application/json" ||
		!bytes.Contains(body, []byte(`"code":-32600`)) {
		t.Fatalf("%d %q: %s", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
}

// Issue 20: every binary says its version (stamped by make dist) and
// starts nothing; NEBEUS_MOCK_VERSION is no switch.
func TestVersion(t *testing.T) {
	var out, errb testutil.Buffer
	if err := run(context.Background(), []string{"--version", "--addr", "256.0.0.1:1"}, func(string) string { return "" }, &out, &errb); err != nil {
		t.Fatalf("--version: %v (%s)", err, errb.String())
	}
	if out.String() != version.Line("nebeus-mock") || !strings.HasPrefix(out.String(), "nebeus-mock ") {
		t.Errorf("--version printed %q", out.String())
	}
	o, err := parseFlags(nil, func(k string) string { return map[string]string{"NEBEUS_MOCK_VERSION": "true"}[k] }, io.Discard)
	if err != nil || o.version {
		t.Errorf("NEBEUS_MOCK_VERSION=true: %v, version %v", err, o != nil && o.version)
	}
}

// Issue 20: asked for localhost, the mock prints localhost (the name a
// frontend dev server uses, so the session cookie travels: S2) and answers
// on both loopback families, on one port.
func TestLocalhostListensOnBothLoopbackFamilies(t *testing.T) {
	base, _, _, _ := startRun(t, []string{"--addr", "localhost:0"}, nil)
	port, ok := strings.CutPrefix(base, "http://localhost:")
	if !ok {
		t.Fatalf("banner base %q, want http://localhost:PORT", base)
	}
	hosts := []string{"127.0.0.1"}
	if ln, err := net.Listen("tcp6", "[::1]:0"); err != nil {
		t.Logf("IPv6 loopback unavailable here (%v): checking 127.0.0.1 only", err)
	} else {
		ln.Close()
		hosts = append(hosts, "::1")
	}
	for _, h := range hosts {
		u := "http://" + net.JoinHostPort(h, port) + "/healthz"
		resp, err := http.Get(u)
		if err != nil {
			t.Fatalf("%s: %v", u, err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %d", u, resp.StatusCode)
		}
	}
}
