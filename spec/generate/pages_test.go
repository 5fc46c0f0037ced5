package generate_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/nebeus/nebeus-contract/spec/generate"
	"github.com/nebeus/nebeus-contract/spec/model"
)

// testdata/pages are pages written in the styles of other APIs' Slate
// pages (issue 17): an Ethereum-style JSON-RPC API (every method "POST /",
// params by position, a table of the call object itself), a form-posting
// API (curl -d a=b, -F a=b), a query-string API (a POST whose arguments
// travel in the query), and image and file endpoints with no example.
// conformance/pages_test.go runs the mock and the suite built from each.
const pagesDir = "testdata/pages"

// buildPage generates a page without the project's overlay, as a user's
// page is, and returns its typed model and its OpenAPI document.
func buildPage(t *testing.T, name string) (model.Contract, *openapi3.T) {
	t.Helper()
	page := filepath.Join(pagesDir, name)
	res, err := generate.Build(generate.Options{Page: page, Root: pagesDir})
	if err != nil {
		t.Fatalf("%s: %v", page, err)
	}
	var c model.Contract
	if err := json.Unmarshal(res.Files["schemas/index.json"], &c); err != nil {
		t.Fatal(err)
	}
	doc, err := openapi3.NewLoader().LoadFromData(res.Files["spec/openapi.json"])
	if err != nil {
		t.Fatal(err)
	}
	return c, doc
}

// operationLine renders what the model says of an operation: its id,
// method, path and protocol, then how it is called (rpc=, byPosition,
// media=) and its arguments (name:type:in:required).
func operationLine(o model.Operation) string {
	parts := []string{o.ID, o.Method, o.Path, o.Protocol}
	if o.RPCMethod != "" {
		parts = append(parts, "rpc="+o.RPCMethod)
	}
	if o.ParamsByPosition {
		parts = append(parts, "byPosition")
	}
	if o.RequestMediaType != "" {
		parts = append(parts, "media="+o.RequestMediaType)
	}
	var vs []string
	for _, v := range o.Variants {
		vs = append(vs, v.Name+":"+v.Shape+":"+v.MediaType)
	}
	parts = append(parts, "variants="+strings.Join(vs, ","))
	var as []string
	for _, a := range o.Arguments {
		in := a.In
		if in == "" {
			in = "params"
		}
		as = append(as, fmt.Sprintf("%s:%s:%s:%v", a.Name, a.Type, in, a.Required))
	}
	parts = append(parts, "args="+strings.Join(as, ","))
	return strings.Join(parts, " ")
}

// TestPagesOperations: every page's operations are modelled as its calls
// show them (testdata/pages/NAME.operations.txt): one operation per
// JSON-RPC method, named and selected by it, params by position, the call
// object's own table no arguments (issue 17, item 4); form fields and
// query arguments where the curl calls send them (item 5).
func TestPagesOperations(t *testing.T) {
	pages, _ := filepath.Glob(filepath.Join(pagesDir, "*.md"))
	if len(pages) < 4 {
		t.Fatalf("%d pages in %s", len(pages), pagesDir)
	}
	for _, page := range pages {
		name := filepath.Base(page)
		t.Run(name, func(t *testing.T) {
			c, _ := buildPage(t, name)
			var got []string
			for _, o := range c.Operations {
				got = append(got, operationLine(o))
			}
			want := readLines(t, strings.TrimSuffix(page, ".md")+".operations.txt")
			if !reflect.DeepEqual(got, want) {
				t.Errorf("operations\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// TestPagesJSONRPCMethodsInOpenAPI: the methods sharing "POST /" are one
// OpenAPI operation whose request body is a oneOf of their call objects,
// discriminated by method with a mapping to each (what Spectral, Redocly
// and client generators accept: a path fragment "/#eth_x" is no path),
// whose answer is any of theirs, and whose x-rpc-methods names the
// contract's operations.
func TestPagesJSONRPCMethodsInOpenAPI(t *testing.T) {
	c, doc := buildPage(t, "jsonrpc_methods.md")
	if n := doc.Paths.Len(); n != 1 {
		t.Fatalf("%d paths, want the one URL: %v", n, doc.Paths.InMatchingOrder())
	}
	op := doc.Paths.Value("/").Post
	if op == nil || op.OperationID != "jsonrpc" {
		t.Fatalf("POST / is %+v", op)
	}
	body := op.RequestBody.Value.Content.Get("application/json").Schema.Value
	if body.Discriminator == nil || body.Discriminator.PropertyName != "method" {
		t.Fatalf("the call is not discriminated by method: %+v", body.Discriminator)
	}
	methods, _ := op.Extensions["x-rpc-methods"].(map[string]any)
	if len(body.OneOf) != len(c.Operations) || len(body.Discriminator.Mapping) != len(c.Operations) || len(methods) != len(c.Operations) {
		t.Errorf("%d call objects, %d mapped, %d in x-rpc-methods; want %d", len(body.OneOf), len(body.Discriminator.Mapping), len(methods), len(c.Operations))
	}
	for _, o := range c.Operations {
		ref, ok := body.Discriminator.Mapping[o.RPCMethod]
		if !ok {
			t.Errorf("%s: not in the discriminator's mapping", o.RPCMethod)
			continue
		}
		call := doc.Components.Schemas[strings.TrimPrefix(ref.Ref, "#/components/schemas/")]
		if call == nil {
			t.Errorf("%s maps to %s, which is no component", o.RPCMethod, ref.Ref)
			continue
		}
		m := call.Value.Properties["method"]
		if m == nil || len(m.Value.Enum) != 1 || m.Value.Enum[0] != o.RPCMethod || !contains(call.Value.Required, "method") {
			t.Errorf("%s's call object does not require its method: %+v", o.RPCMethod, call.Value)
		}
		if methods[o.RPCMethod] != o.ID {
			t.Errorf("x-rpc-methods[%s] = %v, want %s", o.RPCMethod, methods[o.RPCMethod], o.ID)
		}
		if _, ok := op.RequestBody.Value.Content.Get("application/json").Examples[o.RPCMethod]; !ok {
			t.Errorf("no request example of %s", o.RPCMethod)
		}
	}
	if answer := op.Responses.Value("200").Value.Content.Get("application/json").Schema.Value; len(answer.AnyOf) != len(c.Operations) {
		t.Errorf("the answer is any of %d, want %d", len(answer.AnyOf), len(c.Operations))
	}
}

// TestPagesFormBodiesInOpenAPI: a form operation's arguments are the
// fields of its request body, in the media type its calls send, not query
// parameters.
func TestPagesFormBodiesInOpenAPI(t *testing.T) {
	c, doc := buildPage(t, "form_post.md")
	for _, o := range c.Operations {
		op := doc.Paths.Value(o.Path).GetOperation(o.Method)
		if op.RequestBody == nil {
			t.Errorf("%s: no request body", o.ID)
			continue
		}
		mt := op.RequestBody.Value.Content.Get(o.RequestMediaType)
		if mt == nil {
			t.Errorf("%s: no %s body: %v", o.ID, o.RequestMediaType, op.RequestBody.Value.Content)
			continue
		}
		for _, a := range o.Arguments {
			if mt.Schema.Value.Properties[a.Name] == nil {
				t.Errorf("%s: field %s missing from the body", o.ID, a.Name)
			}
			if op.Parameters.GetByInAndName("query", a.Name) != nil {
				t.Errorf("%s: %s is a query parameter too", o.ID, a.Name)
			}
		}
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// TestPagesNullArgumentIsOfAnyType: a value a request example shows as null
// (accelo's "source": null in a resource object read as a GET's arguments,
// a body's "note": null) is an argument of any type (issue 17, item 2): no
// type in the contract's schema nor in the OpenAPI document. OpenAPI 3.0
// says null only with nullable, which Redocly refuses without a type, so
// the example showing the null is left out of the OpenAPI with a warning
// at its operation's line, as every example that does not fit is.
func TestPagesNullArgumentIsOfAnyType(t *testing.T) {
	page := filepath.Join(pagesDir, "null_arguments.md")
	res, err := generate.Build(generate.Options{Page: page, Root: pagesDir})
	if err != nil {
		t.Fatal(err)
	}
	var claim struct {
		Properties struct {
			Params struct {
				Properties map[string]map[string]any
			}
		}
	}
	if err := json.Unmarshal(res.Files["schemas/requests_claim.request.json"], &claim); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]map[string]any{"note": {}, "tags": {"type": "array", "items": map[string]any{}}} {
		if got := claim.Properties.Params.Properties[name]; !reflect.DeepEqual(got, want) {
			t.Errorf("params.%s: schema %v, want %v", name, got, want)
		}
	}
	var left []string
	for _, w := range res.Warnings {
		if strings.Contains(w.Message, "does not fit") {
			left = append(left, fmt.Sprintf("%d: %s", w.Line, w.Message))
		}
	}
	if len(left) != 1 || !strings.HasPrefix(left[0], "75: ") || !strings.Contains(left[0], "/params/note") {
		t.Errorf("examples left out: %q, want the claim's request example (line 75, its null note)", left)
	}
	_, doc := buildPage(t, "null_arguments.md")
	post := doc.Paths.Value("/requests/{request_id}/claim").Post
	note := post.RequestBody.Value.Content.Get("application/json").Schema.Value.Properties["params"].Value.Properties["note"].Value
	source := doc.Paths.Value("/requests/{request_id}").Get.Parameters.GetByInAndName("query", "source").Schema.Value
	for _, v := range []any{"email", 7.0, true, map[string]any{"a": 1.0}, []any{"x"}} {
		if err := note.VisitJSON(v); err != nil {
			t.Errorf("params.note refuses %v: %v", v, err)
		}
		if err := source.VisitJSON(v); err != nil {
			t.Errorf("query source refuses %v: %v", v, err)
		}
	}
}

// TestPagesRepeatedEndpointLine: an endpoint line copied from another
// section (cendr's homolog section documents "GET /api/gene/lookup/<query>"
// and its curl calls /api/gene/homolog/HEXB) is read as the path the
// section's own example calls, its template kept; a section that repeats
// another's line with nothing telling them apart is left out, so one URL
// has one contract the mock and the suite share (issue 17). The copy may
// come first ("Lookup isotype" before "Lookup strain"). Each is a warning
// with its line.
func TestPagesRepeatedEndpointLine(t *testing.T) {
	page := filepath.Join(pagesDir, "repeated_endpoint.md")
	res, err := generate.Build(generate.Options{Page: page, Root: pagesDir})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range res.Warnings {
		if w.Line == 69 || w.Line == 93 || w.Line == 109 {
			got = append(got, fmt.Sprintf("%d: %s", w.Line, w.Message))
		}
	}
	want := []string{
		`69: section "Query gene homologs": endpoint GET /api/gene/lookup/<query> (line 69) repeats section "Lookup Gene"'s (line 10); its example calls GET /api/gene/homolog/HEXB (line 49), so it is read as GET /api/gene/homolog/{query}`,
		`109: section "Lookup isotype": endpoint GET /api/strain/<name> (line 109) repeats section "Lookup strain"'s (line 111); its example calls GET /api/isotype/CB4856 (line 98), so it is read as GET /api/isotype/{name}`,
		`93: section "Lookup Gene (old form)" documents GET /api/gene/lookup/<gene> as section "Lookup Gene" does (line 35), and nothing in it (a call of another path or JSON-RPC method) tells them apart; the operation is the first's, the repeats are left out`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("warnings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	_, doc := buildPage(t, "repeated_endpoint.md")
	p := doc.Paths.Value("/api/gene/homolog/{query}")
	if p == nil || p.Get == nil {
		t.Fatalf("no GET /api/gene/homolog/{query}: %v", doc.Paths.InMatchingOrder())
	}
	if q := p.Get.Parameters.GetByInAndName("path", "query"); q == nil || q.Example != "HEXB" {
		t.Errorf("path parameter query: %+v, want its example HEXB from the section's curl", q)
	}
}
