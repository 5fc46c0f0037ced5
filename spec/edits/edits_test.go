package edits_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nebeus/nebeus-contract/internal/testutil"
	"github.com/nebeus/nebeus-contract/mockserver"
	"github.com/nebeus/nebeus-contract/schemas"
	"github.com/nebeus/nebeus-contract/spec/generate"
)

// edit is one row of testdata/edits.json.
type edit struct {
	Name       string        `json:"name"`
	Page       []replacement `json:"page"`
	Overlay    []replacement `json:"overlay"`
	AppendPage string        `json:"append_page"`
	// PageDir replaces spec/source with another page (and its includes).
	PageDir string  `json:"page_dir"`
	Probes  []probe `json:"probes"`
	// BuildError: the edit must be refused, with a message holding each.
	BuildError []string `json:"build_error"`
	// ReportHas: what the suite's report must show (a new operation's
	// row: the suite checked it).
	ReportHas []string `json:"report_has"`
}

// replacement replaces every occurrence of Old; Old must occur, so an edit
// that stops matching its source fails instead of testing nothing.
type replacement struct {
	Old string `json:"old"`
	New string `json:"new"`
}

// probe is one call whose answer shows the behaviour the edit changed.
type probe struct {
	Path     string         `json:"path"`
	Params   map[string]any `json:"params"`
	Status   int            `json:"status"`
	Contains []string       `json:"contains"`
	Lacks    []string       `json:"lacks"`
	// Headers: each response header named must hold the text given.
	Headers map[string]string `json:"headers"`
}

const (
	root = "../.."
)

// TestEditsAreFollowed applies each edit, regenerates, builds the mock on
// the result, checks its probes, and runs the conformance suite built on
// the same result against it (the binary: Ginkgo runs one suite per
// process).
func TestEditsAreFollowed(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: no suite runs")
	}
	b, err := os.ReadFile(filepath.Join("testdata", "edits.json"))
	if err != nil {
		t.Fatal(err)
	}
	var edits []edit
	if err := json.Unmarshal(b, &edits); err != nil {
		t.Fatal(err)
	}
	for _, e := range edits {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			res, err := regenerate(t, dir, e)
			if len(e.BuildError) > 0 {
				if err == nil {
					t.Fatalf("the edit generated; want a refusal naming %q", e.BuildError)
				}
				for _, want := range e.BuildError {
					if !strings.Contains(err.Error(), want) {
						t.Errorf("refusal %q lacks %q", err, want)
					}
				}
				return
			}
			if err != nil {
				t.Fatalf("generate: %v", err)
			}
			if err := res.Write(dir); err != nil {
				t.Fatal(err)
			}
			c, err := schemas.Load(os.DirFS(filepath.Join(dir, "schemas")))
			if err != nil {
				t.Fatalf("load the regenerated contract: %v", err)
			}
			mock, err := mockserver.New(mockserver.Config{Contract: c})
			if err != nil {
				t.Fatalf("mock on the edited contract: %v", err)
			}
			srv := httptest.NewServer(mock)
			defer srv.Close()
			for _, p := range e.Probes {
				p.check(t, srv.URL)
			}
			runSuite(t, filepath.Join(dir, "schemas"), srv.URL, e.ReportHas)
		})
	}
}

// regenerate copies the sources into dir, applies e and generates.
func regenerate(t *testing.T, dir string, e edit) (*generate.Result, error) {
	t.Helper()
	page := filepath.Join(dir, "spec", "source", "index.html.md")
	overlay := filepath.Join(dir, "spec", "overlay.yaml")
	src := filepath.Join(root, "spec", "source")
	if e.PageDir != "" {
		src = filepath.FromSlash(e.PageDir)
	}
	copyTree(t, src, filepath.Join(dir, "spec", "source"))
	copyFile(t, filepath.Join(root, "spec", "overlay.yaml"), overlay)
	copyFile(t, filepath.Join(root, "spec", "DECISIONS.md"), filepath.Join(dir, "spec", "DECISIONS.md"))
	apply(t, page, e.Page, e.AppendPage)
	apply(t, overlay, e.Overlay, "")
	return generate.Build(generate.Options{Page: page, Overlay: overlay, Decisions: filepath.Join(dir, "spec", "DECISIONS.md"), Root: dir})
}

func apply(t *testing.T, file string, rs []replacement, tail string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, r := range rs {
		if !strings.Contains(s, r.Old) {
			t.Fatalf("%s does not contain %q: the edit no longer applies", file, r.Old)
		}
		s = strings.ReplaceAll(s, r.Old, r.New)
	}
	if err := os.WriteFile(file, []byte(s+tail), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (p probe) check(t *testing.T, base string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": "call", "params": p.Params, "id": 1})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, base+p.Path, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("probe %s: %v", p.Path, err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != p.Status {
		t.Errorf("probe %s %s: status %d, want %d: %s", p.Path, body, resp.StatusCode, p.Status, got)
	}
	for _, s := range p.Contains {
		if !strings.Contains(string(got), s) {
			t.Errorf("probe %s %s: answer lacks %s: %s", p.Path, body, s, got)
		}
	}
	for name, want := range p.Headers {
		if got := strings.Join(resp.Header.Values(name), "\n"); !strings.Contains(got, want) {
			t.Errorf("probe %s %s: header %s is %q, want it to hold %q", p.Path, body, name, got, want)
		}
	}
	for _, s := range p.Lacks {
		if strings.Contains(string(got), s) {
			t.Errorf("probe %s %s: answer still has %s: %s", p.Path, body, s, got)
		}
	}
}

// runSuite runs the conformance suite on the contract in schemasDir against
// base: the nebeus-conformance binary with --contract, as a user checks a
// contract of their own (and without -race: the suite's own races are
// conformance's tests' to find; here it is what the suite says that counts).
func runSuite(t *testing.T, schemasDir, base string, reportHas []string) {
	t.Helper()
	bin := conformanceBinary(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--contract", schemasDir, "--base-url", base, "--parallel", "1", "--no-color")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the suite built on the edited contract fails against the mock built on it: %v\n%s", err, tail(string(out), 1500))
	}
	for _, want := range reportHas {
		if !strings.Contains(string(out), want) {
			t.Errorf("the suite's report lacks %q:\n%s", want, tail(string(out), 40))
		}
	}
	t.Logf("suite on the edited contract:\n%s", tail(string(out), 25))
}

var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

// conformanceBinary builds cmd/nebeus-conformance once for the test binary.
func conformanceBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if binDir, buildErr = os.MkdirTemp("", "edits-test-"); buildErr == nil {
			buildErr = testutil.GoBuild(context.Background(), "", filepath.Join(binDir, "nebeus-conformance"), "github.com/nebeus/nebeus-contract/cmd/nebeus-conformance")
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return filepath.Join(binDir, "nebeus-conformance")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		copyFile(t, p, filepath.Join(to, rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func tail(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
