package openapitest_test

import (
	"os"
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
	// Each page's document in a folder named after it (the findings of
	// the one run over all of them name it), linted in one run of each
	// tool: a run costs a second of start-up.
	out := t.TempDir()
	var specs []string
	for _, page := range pages {
		name := strings.TrimSuffix(filepath.Base(page), ".md")
		res, err := generate.Build(generate.Options{Page: page, Root: filepath.Dir(page)})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if err := os.Mkdir(filepath.Join(out, name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := res.Write(filepath.Join(out, name)); err != nil {
			t.Fatal(err)
		}
		specs = append(specs, filepath.Join(out, name, "spec", "openapi.yaml"))
	}
	lintSpectral(t, specs...)
	lintRedocly(t, specs...)
}

// oapi-codegen makes a compiling Go client of the Ethereum-style page: the
// methods that share "POST /" are one union type of their call objects,
// told apart by the discriminator on method (ValueByDiscriminator).
func TestPagesOapiCodegenClientCompiles(t *testing.T) {
	t.Parallel()
	clients := buildGoClients(t) // generated into rpc/, compiled with the project's client
	if clients.err != nil {
		t.Fatal(clients.err)
	}
	src, err := os.ReadFile(filepath.Join(clients.dir, "rpc", "rpc.gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"func (t JsonrpcCall) ValueByDiscriminator()", "func (t *JsonrpcCall) FromEthGetBalanceRequest(", "type EthGetBalanceRequest struct"} {
		if !strings.Contains(string(src), want) {
			t.Errorf("the generated client lacks %q", want)
		}
	}
}
