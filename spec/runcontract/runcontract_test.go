package runcontract

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/nebeus/nebeus-contract/spec/generate"
)

const widgets = "testdata/widgets/index.html.md"

func opIDs(l *Loaded) []string {
	var ids []string
	for _, o := range l.Contract.Operations() {
		ids = append(ids, o.ID)
	}
	return ids
}

// copyTree copies testdata/NAME to a fresh folder and returns the page in
// it, so a test may edit it.
func copyTree(t *testing.T, name string) string {
	t.Helper()
	dst := t.TempDir()
	src := filepath.Join("testdata", name)
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			return err
		}
		return os.WriteFile(to, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(dst, "index.html.md")
}

// generated writes the widgets page's contract as nebeus-contract
// generate --out DIR does, and returns DIR.
func generated(t *testing.T) string {
	t.Helper()
	out := t.TempDir()
	res, err := generate.Build(generate.Options{Page: widgets, Root: out})
	if err != nil {
		t.Fatal(err)
	}
	if err := res.Write(out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestLoadSources(t *testing.T) {
	dir := generated(t)
	for _, tc := range []struct {
		name    string
		opts    Options
		ops     []string
		openapi string // a path the OpenAPI document must hold; "" none expected
		source  string
	}{
		{"embedded", Options{}, []string{"signin", "logout", "reset_password", "signup", "get_countries"}, "/signin/1.0/json", "embedded"},
		{"page", Options{Page: widgets}, []string{"widgets_list", "widgets_get"}, "/widgets/get/1.0/json", "page " + widgets},
		{"generated folder", Options{Contract: dir}, []string{"widgets_list", "widgets_get"}, "/widgets/get/1.0/json", "contract " + dir},
		{"its schemas folder", Options{Contract: filepath.Join(dir, "schemas")}, []string{"widgets_list", "widgets_get"}, "/widgets/get/1.0/json", "contract"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := Load(tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got := opIDs(l); !slices.Equal(got, tc.ops) {
				t.Errorf("operations %v, want %v", got, tc.ops)
			}
			for _, doc := range [][]byte{l.OpenAPIYAML, l.OpenAPIJSON} {
				if !strings.Contains(string(doc), tc.openapi) {
					t.Errorf("the OpenAPI document lacks %s (%d bytes)", tc.openapi, len(doc))
				}
			}
			if !strings.HasPrefix(l.Source, tc.source) {
				t.Errorf("source %q, want %q...", l.Source, tc.source)
			}
		})
	}
}

// Bad options and bad inputs: a clear error naming the file, nothing
// loaded.
func TestLoadRefuses(t *testing.T) {
	huge := filepath.Join(t.TempDir(), "index.html.md")
	if err := os.WriteFile(huge, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(huge, MaxFileBytes+1); err != nil { // sparse: nothing is written
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		opts Options
		want []string
	}{
		{"page and contract", Options{Page: widgets, Contract: "x"}, []string{"--page and --contract"}},
		{"overlay without page", Options{Overlay: "x.yaml"}, []string{"--overlay needs --page"}},
		{"page missing", Options{Page: "testdata/nowhere/index.html.md"}, []string{"testdata/nowhere/index.html.md", "no such file"}},
		{"overlay missing", Options{Page: widgets, Overlay: "testdata/nowhere.yaml"}, []string{"testdata/nowhere.yaml", "no such file"}},
		// The include holding every endpoint is missing: the error says
		// the page has no operation, and why.
		{"include missing", Options{Page: "testdata/include-missing/index.html.md"},
			[]string{"no operation", "include \"gadgets\"", filepath.Join("includes", "_gadgets.md"), "does not exist"}},
		{"page too large", Options{Page: huge}, []string{huge, "over the 16 MiB"}},
		{"contract missing", Options{Contract: "testdata/nowhere"}, []string{"--contract testdata/nowhere", "no such file"}},
		{"contract not generated", Options{Contract: "testdata"}, []string{"no schemas/index.json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l, err := Load(tc.opts)
			if err == nil {
				t.Fatalf("loaded %v", opIDs(l))
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}

// poll polls until the watcher reports something, at most n times.
func poll(t *testing.T, w *Watcher, n int) (*Loaded, error) {
	t.Helper()
	for range n {
		if l, err := w.Poll(); l != nil || err != nil {
			return l, err
		}
	}
	return nil, nil
}

func TestWatcher(t *testing.T) {
	page := copyTree(t, "widgets")
	w, first, err := Watch(Options{Page: page})
	if err != nil {
		t.Fatal(err)
	}
	if l, err := poll(t, w, 3); l != nil || err != nil {
		t.Fatalf("nothing changed, got %v, %v", l, err)
	}
	orig, _ := os.ReadFile(page)

	// A change is read once it has settled: the first poll that sees it
	// waits for the next (an editor may be half-way through saving).
	added := append(append([]byte(nil), orig...), "\n# Delete widget\n\n> `POST https://api.widgets.test/widgets/delete/1.0/json`\n\n```\nSuccessful response\n```\n\n```json\n{\"id\": 1, \"jsonrpc\": \"2.0\", \"result\": {\"status\": \"success\"}}\n```\n"...)
	if err := os.WriteFile(page, added, 0o644); err != nil {
		t.Fatal(err)
	}
	if l, err := w.Poll(); l != nil || err != nil {
		t.Fatalf("read before it settled: %v, %v", l, err)
	}
	second, err := w.Poll()
	if err != nil || second == nil {
		t.Fatalf("settled change not loaded: %v, %v", second, err)
	}
	if got := opIDs(second); !slices.Contains(got, "widgets_delete") {
		t.Errorf("reloaded operations %v lack widgets_delete", got)
	}
	changes := Describe(first, second)
	if len(changes) != 1 || !strings.Contains(changes[0], "widgets_delete operation added: POST /widgets/delete/1.0/json") {
		t.Errorf("changes %q", changes)
	}

	// A page saved half-written (cut after its title: no endpoint left,
	// the one thing that still refuses a page, issue 17 item 2) keeps the
	// last good contract: the error says why, once.
	if err := os.WriteFile(page, orig[:bytes.IndexByte(orig, '\n')+1], 0o644); err != nil {
		t.Fatal(err)
	}
	l, err := poll(t, w, 3)
	if l != nil || err == nil || !strings.Contains(err.Error(), "documents no operation") {
		t.Fatalf("broken page: %v, %v", l, err)
	}
	if l, err := poll(t, w, 3); l != nil || err != nil {
		t.Errorf("the same broken page reported again: %v, %v", l, err)
	}

	// Fixed again: loaded.
	if err := os.WriteFile(page, orig, 0o644); err != nil {
		t.Fatal(err)
	}
	third, err := poll(t, w, 3)
	if err != nil || third == nil {
		t.Fatalf("fixed page not loaded: %v, %v", third, err)
	}
	if got := opIDs(third); slices.Contains(got, "widgets_delete") {
		t.Errorf("operations %v still hold widgets_delete", got)
	}

	// An include is an input too.
	inc := filepath.Join(filepath.Dir(page), "includes", "_errors.md")
	if err := os.WriteFile(inc, []byte("# Errors\n\nNone, ever.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if l, err := poll(t, w, 3); l == nil || err != nil {
		t.Errorf("include change not seen: %v, %v", l, err)
	}
}

func TestWatchNeedsAPage(t *testing.T) {
	if _, _, err := Watch(Options{}); err == nil || !strings.Contains(err.Error(), "--watch needs --page") {
		t.Errorf("got %v", err)
	}
}
