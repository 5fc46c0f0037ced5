package conformance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nebeus/nebeus-contract/fixtures"
	"github.com/nebeus/nebeus-contract/internal/testutil"
	"github.com/nebeus/nebeus-contract/mockserver"
)

// binDir holds the binaries built for the tests that run the suite as a
// subprocess (Ginkgo runs one suite per process).
var binDir string

func TestMain(m *testing.M) {
	if names := os.Getenv(serveMutantsEnv); names != "" {
		if err := serveMutants(names, os.Stdin, os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	dir, err := os.MkdirTemp("", "conformance-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

var (
	buildOnce sync.Once
	buildErr  error
)

// binaries builds cmd/nebeus-conformance and cmd/nebeus-mock once, without
// -race: they are the systems under test's drivers, and the race detector
// would only slow the many subprocess runs down. CGO_ENABLED=0 as the
// release builds (make dist, make images: issue 20): the binaries tested
// are those users run, and make test compiles that configuration once for
// this package, mockserver/loadtest and release.
func binaries(t testing.TB) (conformanceBin, mockBin string) {
	t.Helper()
	conformanceBin, mockBin = filepath.Join(binDir, "nebeus-conformance"), filepath.Join(binDir, "nebeus-mock")
	buildOnce.Do(func() {
		for pkg, out := range map[string]string{"../cmd/nebeus-conformance": conformanceBin, "../cmd/nebeus-mock": mockBin} {
			if buildErr = testutil.GoBuild(context.Background(), "", out, pkg); buildErr != nil {
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return conformanceBin, mockBin
}

// newMock returns a fresh real mock.
func newMock(t testing.TB, cfg mockserver.Config) http.Handler {
	t.Helper()
	m, err := mockserver.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// runResult is one run of the conformance binary.
type runResult struct {
	code    int
	out     string
	elapsed time.Duration
	stage   string // what ran: TestMutantsAreCaught's stages
}

// runConformance runs the binary against url in one process (--parallel 1:
// the tests run many binaries, and a shard's output is the whole run's);
// extra environment entries come as "K=V". args may give --parallel again.
func runConformance(ctx context.Context, t testing.TB, url string, env []string, args ...string) runResult {
	return runConformanceAsIs(ctx, t, url, env, append([]string{"--parallel", "1"}, args...)...)
}

// runConformanceAsIs runs the binary against url with its defaults but
// for args.
func runConformanceAsIs(ctx context.Context, t testing.TB, url string, env []string, args ...string) runResult {
	bin, _ := binaries(t)
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, append([]string{"--base-url", url, "--no-color"}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	res := runResult{out: out.String(), elapsed: time.Since(start)}
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		res.code = ee.ExitCode()
	default:
		t.Errorf("running %s: %v", bin, err)
		res.code = -1
	}
	return res
}

// --- response rewriting for the mutants and the conforming variant ---

// captured is a response of the wrapped mock, held for rewriting.
type captured struct {
	status int
	header http.Header
	body   []byte
}

// forward serves r with inner and captures the response.
func forward(inner http.Handler, r *http.Request) *captured {
	rec := httptest.NewRecorder()
	inner.ServeHTTP(rec, r)
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return &captured{status: res.StatusCode, header: res.Header, body: b}
}

func (c *captured) write(w http.ResponseWriter) {
	for k, vs := range c.header {
		w.Header()[k] = vs
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(c.body)))
	w.WriteHeader(c.status)
	w.Write(c.body)
}

// decoded is the body as JSON (numbers exact), nil if it is not JSON.
func (c *captured) decoded() any {
	return decodeJSON(c.body)
}

func (c *captured) setJSON(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	c.body = b
}

func decodeJSON(b []byte) any {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil
	}
	return v
}

// envelope returns the envelope of a decoded answer, bare or in an array.
func envelope(v any) map[string]any {
	switch x := v.(type) {
	case []any:
		if len(x) == 1 {
			m, _ := x[0].(map[string]any)
			return m
		}
	case map[string]any:
		if _, ok := x["jsonrpc"]; ok {
			return x
		}
	}
	return nil
}

// result returns the envelope's result object.
func result(v any) map[string]any {
	m, _ := envelope(v)["result"].(map[string]any)
	return m
}

// operation is the operation a request's path names ("" for others).
func operation(r *http.Request) string {
	p := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	if len(p) == 3 && p[1] == "1.0" && p[2] == "json" {
		return p[0]
	}
	return ""
}

// body reads a request's body and puts it back for the inner handler.
func body(r *http.Request) []byte {
	b, _ := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.ContentLength = int64(len(b))
	return b
}

// setBody replaces a request's body.
func setBody(r *http.Request, b []byte) {
	r.Body = io.NopCloser(bytes.NewReader(b))
	r.ContentLength = int64(len(b))
	r.Header.Set("Content-Length", strconv.Itoa(len(b)))
}

// params is the request body's params object (nil if none).
func params(b []byte) map[string]any {
	m, _ := decodeJSON(b).(map[string]any)
	p, _ := m["params"].(map[string]any)
	return p
}

// rewrite wraps inner: responses to operation op (every operation for "")
// pass through f before they are written.
func rewrite(op string, f func(r *http.Request, reqBody []byte, c *captured)) func(http.Handler) http.Handler {
	return func(inner http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if op != "" && operation(r) != op {
				inner.ServeHTTP(w, r)
				return
			}
			b := body(r)
			c := forward(inner, r)
			f(r, b, c)
			c.write(w)
		})
	}
}

// rewriteJSON is rewrite for JSON answers: f gets the decoded body and
// returns the new one.
func rewriteJSON(op string, f func(r *http.Request, reqBody []byte, v any) any) func(http.Handler) http.Handler {
	return rewrite(op, func(r *http.Request, b []byte, c *captured) {
		if v := c.decoded(); v != nil {
			c.setJSON(f(r, b, v))
		}
	})
}

// jsonError answers a JSON-RPC error object with status.
func jsonError(w http.ResponseWriter, status, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprintf(w, `{"jsonrpc": "2.0", "id": null, "error": {"code": %d, "message": %q}}`, code, msg)
}

// sessionOf is the session a request carries, by any of S2's carriers.
func sessionOf(r *http.Request, b []byte) string {
	if c, err := r.Cookie("session_id"); err == nil {
		return c.Value
	}
	if h := r.Header.Get("X-Openerp-Session-Id"); h != "" {
		return h
	}
	if p := params(b); p != nil {
		if s, ok := p["session_id"].(string); ok {
			return s
		}
	}
	return ""
}

// logins tracks accounts: the fixtures' and those signed up through a
// mutant, lower-cased (S1, S5).
type logins struct {
	mu   sync.Mutex
	seen map[string]bool
}

func newLogins() *logins {
	l := &logins{seen: map[string]bool{}}
	fx, err := fixtures.Default()
	if err != nil {
		panic(err)
	}
	for _, a := range fx.Accounts {
		l.add(a.Login)
	}
	return l
}

func (l *logins) add(login string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seen[strings.ToLower(login)] = true
}

func (l *logins) has(login string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.seen[strings.ToLower(login)]
}
