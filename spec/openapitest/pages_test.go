package openapitest_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/nebeus/nebeus-contract/spec/generate"
)

// The OpenAPI documents of pages in other APIs' styles (issue 17,
// spec/generate/testdata/pages) lint clean too: the JSON-RPC methods that
// share "POST /" as one operation with a discriminated oneOf of their call
// objects, positional params, form bodies.
func TestPagesLintClean(t *testing.T) {
	t.Parallel()
	pages, _ := filepath.Glob("../generate/testdata/pages/*.md")
	if len(pages) == 0 {
		t.Fatal("no pages in ../generate/testdata/pages")
	}
	for _, page := range pages {
		t.Run(strings.TrimSuffix(filepath.Base(page), ".md"), func(t *testing.T) {
			t.Parallel()
			res, err := generate.Build(generate.Options{Page: page, Root: filepath.Dir(page)})
			if err != nil {
				t.Fatal(err)
			}
			out := t.TempDir()
			if err := res.Write(out); err != nil {
				t.Fatal(err)
			}
			spec := filepath.Join(out, "spec", "openapi.yaml")
			lintSpectral(t, spec)
			lintRedocly(t, spec)
		})
	}
}
