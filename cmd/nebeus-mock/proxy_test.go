package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/nebeus/nebeus-contract/mockserver"
)

// TestProxyFlags: --upstream makes a validation proxy with its options
// (flags or environment); --strict and --mock-operations need it.
func TestProxyFlags(t *testing.T) {
	env := map[string]string{"NEBEUS_MOCK_UPSTREAM_TIMEOUT": "3s"}
	o, err := parseFlags([]string{"--upstream", "http://127.0.0.1:9000/api", "--strict", "--mock-operations", "signup, signin"}, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	px, err := o.proxy.config()
	if err != nil || px == nil {
		t.Fatalf("config: %v %v", px, err)
	}
	if px.Upstream != "http://127.0.0.1:9000/api" || !px.Strict || strings.Join(px.MockOperations, ",") != "signup,signin" || px.Timeout != 3*time.Second {
		t.Errorf("proxy config %+v", px)
	}
	o, err = parseFlags([]string{"--strict"}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.proxy.config(); err == nil {
		t.Error("--strict without --upstream accepted")
	}
	o, _ = parseFlags(nil, func(string) string { return "" }, io.Discard)
	if px, err := o.proxy.config(); px != nil || err != nil {
		t.Errorf("no --upstream: %v %v", px, err)
	}
}

// TestRunAsAValidationProxy: nebeus-mock --upstream in front of another
// nebeus-mock forwards the operations, each answer with its violation
// count, and the banner says where they go.
func TestRunAsAValidationProxy(t *testing.T) {
	upstream, _, _, _ := startRun(t, []string{"--addr", "127.0.0.1:0"}, nil)
	waitHealthy(t, upstream)
	base, stdout, _, stop := startRun(t, []string{"--addr", "127.0.0.1:0", "--upstream", upstream, "--mock-operations", "signup"}, nil)
	waitHealthy(t, base)
	resp, err := http.Post(base+"/get_countries/1.0/json", "application/json", strings.NewReader(`{"jsonrpc":"2.0","id":1}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get(mockserver.ViolationsHeader) != "0" {
		t.Errorf("get_countries through the proxy: %d, %s %q", resp.StatusCode, mockserver.ViolationsHeader, resp.Header.Get(mockserver.ViolationsHeader))
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"validation proxy: forwarding to " + upstream, "answered by the mock: signup"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("banner lacks %q:\n%s", want, stdout.String())
		}
	}
}
