package openapitest_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/nebeus/nebeus-contract/internal/testutil"
	"github.com/nebeus/nebeus-contract/mockserver"
	"github.com/nebeus/nebeus-contract/schemas"
)

const (
	root = "../.."
	// requireEnv makes a missing tool a failure instead of a skip (CI).
	requireEnv = "NEBEUS_REQUIRE_NODE_TOOLS"
	// oapiCodegen is the generator of the Go client check: a tool of the
	// clients' module (testdata/goclient/go.mod pins its version, v2.8.2).
	oapiCodegen = "oapi-codegen"
)

var (
	specYAML = filepath.Join(root, "spec", "openapi.yaml")
	toolsDir = filepath.Join(root, "tools", "openapi")
)

// missing skips the test, or fails it when the tools are required.
func missing(t *testing.T, what string) {
	t.Helper()
	msg := "OpenAPI tool check SKIPPED: " + what + " (install node >= 20.19, then: cd tools/openapi && npm ci)"
	if os.Getenv(requireEnv) == "1" {
		t.Fatalf("%s; %s=1 requires it", msg, requireEnv)
	}
	t.Skip(msg)
}

// nodeTool returns the path of an npm tool pinned in tools/openapi, or
// skips (fails under requireEnv) when node or the tool is missing.
func nodeTool(t *testing.T, name string) string {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		missing(t, "node not found")
	}
	p, err := filepath.Abs(filepath.Join(toolsDir, "node_modules", ".bin", name))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); err != nil {
		missing(t, name+" not installed in tools/openapi")
	}
	return p
}

// run runs a command with a deadline and returns its stdout; a failure
// shows stderr.
func run(t *testing.T, dir string, timeout time.Duration, name string, args ...string) ([]byte, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "FORCE_COLOR=0", "REDOCLY_TELEMETRY=off", "REDOCLY_SUPPRESS_UPDATE_NOTICE=true")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		err = fmt.Errorf("%s %v: %w\nstdout:\n%s\nstderr:\n%s", name, args, err, stdout.Bytes(), stderr.Bytes())
	}
	return stdout.Bytes(), err
}

// startMock serves a fresh mock on loopback, optionally wrapped.
func startMock(t *testing.T, wrap func(http.Handler) http.Handler) string {
	t.Helper()
	srv, err := mockserver.New(mockserver.Config{})
	if err != nil {
		t.Fatal(err)
	}
	var h http.Handler = srv
	if wrap != nil {
		h = wrap(h)
	}
	return newLoopbackServer(t, h)
}

func newLoopbackServer(t *testing.T, h http.Handler) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(func() { _ = s.Close() })
	return "http://" + ln.Addr().String()
}

// freePort is a loopback port nothing listens on now, for a tool that
// takes --port (Prism cannot be given a listener).
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startProcess starts a long-running tool, ended (by its process id) when
// the test ends; its output is kept for failure messages.
func startProcess(t *testing.T, dir, name string, args ...string) *testutil.Buffer {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "NO_COLOR=1", "FORCE_COLOR=0")
	out := &testutil.Buffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
	})
	return out
}

// waitHTTP polls url until anything answers (readiness), or fails after
// timeout with the tool's output.
func waitHTTP(t *testing.T, url string, timeout time.Duration, out *testutil.Buffer) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	c := &http.Client{Timeout: time.Second}
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		resp, err := c.Get(url)
		if err == nil {
			resp.Body.Close()
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s not ready after %s: %v\noutput:\n%s", url, timeout, err, out.String())
		}
		<-tick.C
	}
}

// document is spec/openapi.yaml, loaded and validated by kin-openapi.
func document(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromFile(specYAML)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return doc
}

func contract(t *testing.T) *schemas.Contract {
	t.Helper()
	c, err := schemas.Default()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func itoa(i int) string { return strconv.Itoa(i) }
