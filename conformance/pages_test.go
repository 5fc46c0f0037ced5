package conformance_test

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/nebeus/nebeus-contract/mockserver"
	"github.com/nebeus/nebeus-contract/schemas"
	"github.com/nebeus/nebeus-contract/spec/generate"
)

// pageContract generates the contract of a page written by someone else
// (testdata/pages), without the project's overlay, into a temporary folder
// and returns its schemas folder and the loaded contract.
func pageContract(t *testing.T, page string) (string, *schemas.Contract) {
	t.Helper()
	res, err := generate.Build(generate.Options{Page: page, Root: filepath.Dir(page)})
	if err != nil {
		t.Fatalf("generate %s: %v", page, err)
	}
	for _, w := range res.Warnings {
		t.Logf("warning: %s", w)
	}
	out := t.TempDir()
	if err := res.Write(out); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(out, "schemas")
	c, err := schemas.Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	return dir, c
}

// TestPagesMockAndSuiteAgree: for each page, the suite built from it passes
// against the mock built from it (issue 17, item 8).
func TestPagesMockAndSuiteAgree(t *testing.T) {
	onlyUnderGoTest(t)
	pages, _ := filepath.Glob("../spec/generate/testdata/pages/*.md")
	for _, page := range pages {
		t.Run(filepath.Base(page), func(t *testing.T) {
			t.Parallel()
			dir, c := pageContract(t, page)
			srv := httptest.NewServer(newMock(t, mockserver.Config{Contract: c}))
			defer srv.Close()
			res, _ := report(t, srv.URL, dir)
			if res.code != 0 {
				t.Errorf("exit status %d, want 0\n%s", res.code, tail(res.out, 120))
			}
		})
	}
}
