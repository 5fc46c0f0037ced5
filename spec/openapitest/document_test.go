package openapitest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v3"

	"github.com/nebeus/nebeus-contract/mockserver"
	"github.com/nebeus/nebeus-contract/schemas"
	"github.com/nebeus/nebeus-contract/spec/model"
)

// These checks need only Go: they always run.

func operationOf(t *testing.T, doc *openapi3.T, op *model.Operation) (*openapi3.PathItem, *openapi3.Operation) {
	t.Helper()
	item := doc.Paths.Value(op.Path)
	if item == nil || item.GetOperation(op.Method) == nil {
		t.Fatalf("the document has no %s %s (%s)", op.Method, op.Path, op.ID)
	}
	return item, item.GetOperation(op.Method)
}

// visit validates a JSON body against a schema of the document, as a
// validating tool does.
func visit(s *openapi3.SchemaRef, body []byte) error {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return err
	}
	return s.Value.VisitJSON(v)
}

// checkResponse validates an answer of the mock against the operation in
// the document: its status must be documented, its body must match, and a
// documented header must be there.
func checkResponse(t *testing.T, doc *openapi3.T, op *model.Operation, method string, resp *http.Response, body []byte) {
	t.Helper()
	_, o := operationOf(t, doc, op)
	r := o.Responses.Status(resp.StatusCode)
	if r == nil {
		t.Errorf("%s: the mock answers %s %d, which the document does not list", op.ID, method, resp.StatusCode)
		return
	}
	mt := r.Value.Content.Get(strings.TrimSpace(strings.Split(resp.Header.Get("Content-Type"), ";")[0]))
	if mt == nil {
		t.Errorf("%s: the mock's %d answer is %s, which the document does not list", op.ID, resp.StatusCode, resp.Header.Get("Content-Type"))
		return
	}
	if err := visit(mt.Schema, body); err != nil {
		t.Errorf("%s: the mock's %d answer breaks the document: %v\n%s", op.ID, resp.StatusCode, err, body)
	}
	for name := range r.Value.Headers {
		if resp.StatusCode == http.StatusOK && resp.Header.Get(name) == "" && !strings.Contains(string(body), `"error"`) {
			t.Errorf("%s: the mock's answer lacks the documented header %s", op.ID, name)
		}
	}
}

// Every status the mock answers on an operation's path is in the
// document, with a body that matches it: the business outcomes (200) and
// each protocol error (T5: 400, 405, 413, 415).
func TestEveryStatusTheMockAnswersIsDocumented(t *testing.T) {
	t.Parallel()
	doc := document(t)
	m := contract(t).Model()
	srv, err := mockserver.New(mockserver.Config{MaxBody: 4096})
	if err != nil {
		t.Fatal(err)
	}
	base := newLoopbackServer(t, srv)
	seen := map[int]bool{}
	for i := range m.Operations {
		op := &m.Operations[i]
		if !op.JSONRPC() {
			continue
		}
		for _, c := range []struct {
			name, method, contentType, body string
		}{
			{"a call", op.Method, "application/json", `{"jsonrpc":"2.0","id":1,"params":{}}`},
			{"not JSON", op.Method, "application/json", `{`},
			{"not a call object", op.Method, "application/json", `[{"jsonrpc":"2.0"}]`},
			{"params not an object", op.Method, "application/json", `{"jsonrpc":"2.0","params":[]}`},
			{"another method", http.MethodGet, "", ""},
			{"another media type", op.Method, "text/plain", `{"jsonrpc":"2.0"}`},
			{"a body over the limit", op.Method, "application/json", `{"jsonrpc":"2.0","params":{"x":"` + strings.Repeat("x", 8192) + `"}}`},
		} {
			req, err := http.NewRequest(c.method, op.URL(base, nil), strings.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			if c.contentType != "" {
				req.Header.Set("Content-Type", c.contentType)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			seen[resp.StatusCode] = true
			checkResponse(t, doc, op, c.method, resp, body)
		}
	}
	for _, s := range []int{200, 400, 405, 413, 415} {
		if !seen[s] {
			t.Errorf("no request got HTTP %d from the mock; the check lost a case", s)
		}
	}
}

// The document does not enforce business rules: a call that breaks any
// rule of any argument (required, lengths, ranges, patterns, formats,
// enums) passes the request schema, though schemas/ reports it and the
// operation answers it with HTTP 200 and its error variant; the rule is
// visible in the argument's x-rules and description.
func TestBusinessRulesAreVisibleNotEnforced(t *testing.T) {
	t.Parallel()
	doc := document(t)
	c := contract(t)
	m := c.Model()
	rules := 0
	for i := range m.Operations {
		op := &m.Operations[i]
		if !op.JSONRPC() {
			continue
		}
		_, o := operationOf(t, doc, op)
		args := argumentsSchema(t, doc, o)
		for _, a := range op.Arguments {
			s := args.Properties[a.Name]
			if s == nil || s.Value == nil {
				t.Errorf("%s.%s: not in the document", op.ID, a.Name)
				continue
			}
			xr, _ := s.Value.Extensions["x-rules"].(map[string]any)
			for _, b := range breaking(a) {
				rules++
				if _, shown := xr[b.keyword]; !shown {
					t.Errorf("%s.%s: rule %s is not in x-rules %v", op.ID, a.Name, b.keyword, xr)
				}
				if !strings.Contains(s.Value.Description, "Rule:") {
					t.Errorf("%s.%s: the description does not state its rules: %q", op.ID, a.Name, s.Value.Description)
				}
				params := map[string]any{}
				if b.value != nil {
					params[a.Name] = b.value
				}
				call := map[string]any{"jsonrpc": "2.0", "id": 1, "params": params}
				raw, _ := json.Marshal(call)
				if err := visit(o.RequestBody.Value.Content.Get("application/json").Schema, raw); err != nil {
					t.Errorf("%s.%s breaking %s (%s): the document rejects the call: %v", op.ID, a.Name, b.keyword, raw, err)
				}
				v, _ := schemas.Decode(raw)
				vs, err := c.ValidateRequest(op.ID, v)
				if err != nil {
					t.Fatal(err)
				}
				if len(vs) == 0 {
					t.Errorf("%s.%s breaking %s (%s): schemas/ does not enforce it", op.ID, a.Name, b.keyword, raw)
				}
			}
		}
	}
	if rules == 0 {
		t.Fatal("no argument has a rule to break; the check lost its cases")
	}
}

type broken struct {
	keyword string
	value   any // nil: the argument left out
}

// breaking are values of an argument's type that break each of its rules.
func breaking(a model.Argument) []broken {
	var out []broken
	if a.Required {
		out = append(out, broken{"required", nil})
	}
	if a.MinLength != nil && *a.MinLength > 0 {
		out = append(out, broken{"minLength", strings.Repeat("x", *a.MinLength-1)})
	}
	if a.MaxLength != nil {
		out = append(out, broken{"maxLength", strings.Repeat("x", *a.MaxLength+1)})
	}
	if a.Minimum != nil {
		out = append(out, broken{"minimum", *a.Minimum - 1})
	}
	if a.Maximum != nil {
		out = append(out, broken{"maximum", *a.Maximum + 1})
	}
	if a.Pattern != "" {
		out = append(out, broken{"pattern", " "})
	}
	if a.Format == "email" {
		out = append(out, broken{"format", "not-an-email"})
	}
	if len(a.Enum) > 0 {
		out = append(out, broken{"enum", fmt.Sprint(a.Enum[0]) + "-not-a-value"})
	}
	return out
}

// argumentsSchema is the schema of the call's params in the document.
func argumentsSchema(t *testing.T, doc *openapi3.T, o *openapi3.Operation) *openapi3.Schema {
	t.Helper()
	call := o.RequestBody.Value.Content.Get("application/json").Schema.Value
	p := call.Properties["params"]
	if p == nil || p.Value == nil {
		t.Fatalf("%s: the call object has no params", o.OperationID)
	}
	return p.Value
}

// Each JSON-RPC operation has a request example; the mock answers each
// with HTTP 200 and a success variant, as a tool that replays examples
// (Dredd, Prism's examples) expects.
func TestRequestExamplesSucceedAgainstTheMock(t *testing.T) {
	t.Parallel()
	doc := document(t)
	c := contract(t)
	base := startMock(t, nil)
	for _, op := range c.Model().Operations {
		if !op.JSONRPC() {
			continue
		}
		_, o := operationOf(t, doc, &op)
		mt := o.RequestBody.Value.Content.Get("application/json")
		if len(mt.Examples) == 0 {
			t.Errorf("%s: no request example", op.ID)
			continue
		}
		for name, ex := range mt.Examples {
			raw, _ := json.Marshal(ex.Value.Value)
			resp, err := http.Post(op.URL(base, nil), "application/json", bytes.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			v, _ := schemas.Decode(body)
			variant, vs, err := c.ValidateResponse(op.ID, v)
			if err != nil || resp.StatusCode != http.StatusOK || len(schemas.Failures(vs)) > 0 {
				t.Errorf("%s example %s: HTTP %d, %v %v: %s", op.ID, name, resp.StatusCode, err, vs, body)
				continue
			}
			if vr, ok := op.Variant(variant); !ok || vr.Error {
				t.Errorf("%s example %s: the mock answers the %s variant: %s", op.ID, name, variant, body)
			}
		}
	}
}

// The success example comes first in each response's examples, in the
// YAML and the JSON document alike (Prism and Dredd take the first as the
// default answer); each protocol error status has an example.
func TestSuccessExampleFirst(t *testing.T) {
	t.Parallel()
	m := contract(t).Model()
	raw, err := os.ReadFile(specYAML)
	if err != nil {
		t.Fatal(err)
	}
	var root yaml.Node
	if err := yaml.Unmarshal(raw, &root); err != nil {
		t.Fatal(err)
	}
	for _, op := range m.Operations {
		var errorFirst *model.Variant
		for i, v := range op.Variants {
			if v.Error && len(v.Example) > 0 {
				errorFirst = &op.Variants[i]
				break
			}
		}
		if errorFirst == nil {
			continue
		}
		examples := lookup(&root, "paths", op.Path, strings.ToLower(op.Method), "responses", "200", "content", "application/json", "examples")
		if examples == nil || len(examples.Content) < 2 {
			t.Errorf("%s: no examples in the YAML document", op.ID)
			continue
		}
		first := examples.Content[0].Value
		if v, ok := op.Variant(first); !ok || v.Error {
			t.Errorf("%s: the first example is %q, not a success", op.ID, first)
		}
	}
	doc := document(t)
	for _, op := range m.Operations {
		if !op.JSONRPC() {
			continue
		}
		_, o := operationOf(t, doc, &op)
		for code, r := range o.Responses.Map() {
			if code == "200" {
				continue
			}
			if mt := r.Value.Content.Get("application/json"); mt == nil || len(mt.Examples) == 0 {
				t.Errorf("%s: HTTP %s has no example", op.ID, code)
			}
		}
	}
	// JSON keeps the order too.
	j, err := os.ReadFile(strings.TrimSuffix(specYAML, ".yaml") + ".json")
	if err != nil {
		t.Fatal(err)
	}
	signin, ok := m.Operation("signin")
	if ok {
		i := bytes.Index(j, []byte(`"`+signin.Path+`"`))
		rest := j[i:]
		s, e := bytes.Index(rest, []byte(`"success": {`)), bytes.Index(rest, []byte(`"error": {`))
		if s < 0 || e < 0 || s > e {
			t.Errorf("signin's examples in spec/openapi.json: success at %d, error at %d", s, e)
		}
	}
}

// lookup walks a YAML mapping by keys.
func lookup(n *yaml.Node, keys ...string) *yaml.Node {
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, k := range keys {
		if n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
			}
		}
		if next == nil {
			return nil
		}
		n = next
	}
	return n
}

// S2's carriers are in the document as the model says: the cookie and the
// header as security schemes of the operation that ends a session, and
// Set-Cookie, with the model's attributes, where a session starts or ends.
func TestSessionCarriers(t *testing.T) {
	t.Parallel()
	doc := document(t)
	m := contract(t).Model()
	if m.Session == nil {
		t.Skip("the contract has no sessions")
	}
	byIn := map[string]string{}
	for name, s := range doc.Components.SecuritySchemes {
		byIn[s.Value.In] = s.Value.Name
		if s.Value.Type != "apiKey" {
			t.Errorf("security scheme %s is %s, not apiKey", name, s.Value.Type)
		}
	}
	if byIn["cookie"] != m.Session.Cookie || byIn["header"] != m.Session.Header {
		t.Errorf("security schemes %v, the model's cookie %q and header %q", byIn, m.Session.Cookie, m.Session.Header)
	}
	starts, ends := 0, 0
	for _, op := range m.Operations {
		_, o := operationOf(t, doc, &op)
		h := o.Responses.Status(200).Value.Headers["Set-Cookie"]
		switch op.Session {
		case model.SessionStart, model.SessionEnd:
			if h == nil {
				t.Errorf("%s: no Set-Cookie", op.ID)
				continue
			}
			ex := fmt.Sprint(h.Value.Example)
			want := []string{m.Session.Cookie + "=", "Path=" + m.Session.Path}
			if m.Session.HttpOnly {
				want = append(want, "HttpOnly")
			}
			if m.Session.SameSite != "" {
				want = append(want, "SameSite="+m.Session.SameSite)
			}
			if op.Session == model.SessionEnd {
				want = append(want, "Max-Age=0")
				ends++
				var schemes []string
				for _, r := range *o.Security {
					for k := range r {
						schemes = append(schemes, k)
					}
				}
				if len(schemes) != len(doc.Components.SecuritySchemes) || len(*o.Security) != len(schemes)+1 {
					t.Errorf("%s: security %v, want each carrier or none", op.ID, *o.Security)
				}
			} else {
				starts++
			}
			for _, w := range want {
				if !strings.Contains(ex, w) {
					t.Errorf("%s: Set-Cookie example %q lacks %q", op.ID, ex, w)
				}
			}
		default:
			if h != nil {
				t.Errorf("%s: Set-Cookie on an operation that neither starts nor ends a session", op.ID)
			}
		}
	}
	if starts == 0 || ends == 0 {
		t.Errorf("%d operations start a session, %d end one; the model marks none?", starts, ends)
	}
}

// Component names read well in generated code: no dots, no name that
// oapi-codegen derives from an operation id (OpResponse, OpParams,
// OpJSONRequestBody, OpJSONBody).
func TestComponentNamesReadWell(t *testing.T) {
	t.Parallel()
	doc := document(t)
	derived := map[string]bool{}
	for _, op := range contract(t).Model().Operations {
		id := ""
		for _, p := range strings.FieldsFunc(op.ID, func(r rune) bool { return r == '_' || r == '-' || r == '.' }) {
			id += strings.ToUpper(p[:1]) + p[1:]
		}
		for _, s := range []string{"Response", "Params", "JSONRequestBody", "JSONBody", "RequestBody"} {
			derived[id+s] = true
		}
	}
	for name := range doc.Components.Schemas {
		if strings.ContainsAny(name, ".-_ ") {
			t.Errorf("component %q: not an identifier", name)
		}
		if derived[name] {
			t.Errorf("component %q collides with a name oapi-codegen derives from an operation", name)
		}
	}
}
