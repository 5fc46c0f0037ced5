package conformance_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/nebeus/nebeus-contract/mockserver"
	"github.com/nebeus/nebeus-contract/schemas"
	"github.com/nebeus/nebeus-contract/spec/generate"
)

// These tests run the suite (the binary, with --contract) against
// contracts generated in a temporary folder from an edited copy of the page
// and the overlay: the suite must follow the contract's model, not restate
// it.

// genContract generates the contract from copies of spec/source and
// spec/overlay.yaml, edited by page and overlay (nil: unchanged), and
// returns its schemas folder and the loaded contract.
func genContract(t *testing.T, page, overlay func(string) string) (string, *schemas.Contract) {
	return genContractWith(t, page, overlay, nil)
}

// genContractWith is genContract with spec/DECISIONS.md edited by
// decisions too.
func genContractWith(t *testing.T, page, overlay, decisions func(string) string) (string, *schemas.Contract) {
	t.Helper()
	dir := t.TempDir()
	copyFile := func(from, to string, edit func(string) string) {
		b, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		s := string(b)
		if edit != nil {
			s = edit(s)
		}
		if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile("../spec/source/index.html.md", filepath.Join(dir, "source", "index.html.md"), page)
	copyFile("../spec/source/includes/_making_requests.md", filepath.Join(dir, "source", "includes", "_making_requests.md"), nil)
	copyFile("../spec/overlay.yaml", filepath.Join(dir, "overlay.yaml"), overlay)
	copyFile("../spec/DECISIONS.md", filepath.Join(dir, "DECISIONS.md"), decisions)
	res, err := generate.Build(generate.Options{
		Page: filepath.Join(dir, "source", "index.html.md"), Overlay: filepath.Join(dir, "overlay.yaml"),
		Decisions: filepath.Join(dir, "DECISIONS.md"), Root: dir,
	})
	if err != nil {
		t.Fatalf("generate: %v", err)
	}
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := res.Write(out); err != nil {
		t.Fatal(err)
	}
	schemasDir := filepath.Join(out, "schemas")
	c, err := schemas.Load(os.DirFS(schemasDir))
	if err != nil {
		t.Fatal(err)
	}
	return schemasDir, c
}

// replace is strings.Replace that fails the test when old is absent (the
// page or overlay changed under the test).
func replace(t *testing.T, s, old, new string) string {
	t.Helper()
	if !strings.Contains(s, old) {
		t.Fatalf("the text to edit is gone: %q", old)
	}
	return strings.ReplaceAll(s, old, new)
}

// --- a tiny fake deployment that answers from a contract ---

// recorded is one request the fake received.
type recorded struct {
	Method, Path, Query string
	Body                []byte
}

// fake answers every operation of a contract with its documented
// examples, unless answer (per operation id) handles the call. Malformed
// calls get a JSON-RPC error with a 4xx (T5).
type fake struct {
	c      *schemas.Contract
	answer map[string]func(op schemas.Operation, params map[string]any) (variant string, result any)
	// binary is the body and media type of an operation's binary answer
	// (default: the variant's media type and a PNG signature).
	binary map[string]string

	mu   sync.Mutex
	reqs []recorded
}

func (f *fake) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.reqs)
}

// route finds the operation a path names, templates matching any segment.
func (f *fake) route(path string) (schemas.Operation, map[string]string, bool) {
	segs := strings.Split(path, "/")
	for _, op := range f.c.Operations() {
		ps := strings.Split(op.Path, "/")
		if len(ps) != len(segs) {
			continue
		}
		vals := map[string]string{}
		ok := true
		for i := range ps {
			if strings.HasPrefix(ps[i], "{") {
				vals[strings.Trim(ps[i], "{}")] = segs[i]
			} else if ps[i] != segs[i] {
				ok = false
				break
			}
		}
		if ok {
			return op, vals, true
		}
	}
	return schemas.Operation{}, nil, false
}

func (f *fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.reqs = append(f.reqs, recorded{r.Method, r.URL.Path, r.URL.RawQuery, b})
	f.mu.Unlock()
	op, _, ok := f.route(r.URL.Path)
	if !ok {
		jsonError(w, http.StatusNotFound, -32601, "no such operation")
		return
	}
	if r.Method != op.Method {
		w.Header().Set("Allow", op.Method)
		jsonError(w, http.StatusMethodNotAllowed, -32600, "method not allowed")
		return
	}
	if !op.JSONRPC() {
		for _, vr := range op.Variants {
			if vr.Shape == schemas.ShapeBinary {
				mt := vr.MediaType
				if f.binary[op.ID] != "" {
					mt = f.binary[op.ID]
				}
				w.Header().Set("Content-Type", mt)
				w.Write([]byte("\x89PNG\r\n\x1a\n"))
				return
			}
		}
	}
	m, isObj := decodeJSON(b).(map[string]any)
	params, paramsOK := m["params"].(map[string]any)
	if _, has := m["params"]; !has {
		params, paramsOK = map[string]any{}, true
	}
	if !isObj || m["jsonrpc"] != "2.0" || !paramsOK {
		jsonError(w, http.StatusBadRequest, -32600, "invalid request")
		return
	}
	variant, result := successVariant(op), any(nil)
	if a := f.answer[op.ID]; a != nil {
		variant, result = a(op, params)
	}
	if variant == "" {
		jsonError(w, http.StatusBadRequest, -32602, "invalid params")
		return
	}
	vr, _ := op.Variant(variant)
	if result == nil {
		result = vr.Result()
	}
	body := result
	env := map[string]any{"id": m["id"], "jsonrpc": "2.0", "result": result}
	switch vr.Shape {
	case schemas.ShapeArray:
		body = []any{env}
	case schemas.ShapeEnvelope:
		body = env
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(body)
}

func successVariant(op schemas.Operation) string {
	for _, vr := range op.Variants {
		if !vr.Error {
			return vr.Name
		}
	}
	return ""
}

func errorVariant(op schemas.Operation) schemas.Variant {
	for _, vr := range op.Variants {
		if vr.Error {
			return vr
		}
	}
	return schemas.Variant{}
}

// report runs the binary against url with the contract in dir and returns
// its exit status, output and Ginkgo report.
func report(t *testing.T, url, dir string, args ...string) (runResult, types.Report) {
	t.Helper()
	jr := filepath.Join(t.TempDir(), "report.json")
	res := runConformance(context.Background(), t, url, nil, append([]string{"--contract", dir, "--json-report", jr, "--timeout", "2s"}, args...)...)
	b, err := os.ReadFile(jr)
	if err != nil {
		t.Fatalf("no JSON report (exit %d): %v\n%s", res.code, err, tail(res.out, 40))
	}
	var rs []types.Report
	if err := json.Unmarshal(b, &rs); err != nil || len(rs) != 1 {
		t.Fatalf("JSON report: %v (%d suites)", err, len(rs))
	}
	return res, rs[0]
}

// specs returns the spec reports whose text contains text.
func specs(r types.Report, text string) []types.SpecReport {
	var out []types.SpecReport
	for _, sr := range r.SpecReports {
		if sr.LeafNodeType == types.NodeTypeIt && strings.Contains(sr.LeafNodeText, text) {
			out = append(out, sr)
		}
	}
	return out
}

// expectSpec checks that exactly the specs with text ran and ended in
// state, at least one.
func expectSpec(t *testing.T, r types.Report, text string, state types.SpecState) {
	t.Helper()
	got := specs(r, text)
	if len(got) == 0 {
		t.Errorf("no spec %q", text)
	}
	for _, sr := range got {
		if sr.State != state {
			t.Errorf("spec %q: %s, want %s\n%s", sr.LeafNodeText, sr.State, state, sr.Failure.Message)
		}
	}
}

// --- (a) paths come from the model ---

// TestSuiteSendsTheContractsPaths: with every path's version changed in
// the page, the suite sends the new paths (requests, the unknown path it
// derives, the reachability probe), never the old ones.
func TestSuiteSendsTheContractsPaths(t *testing.T) {
	onlyUnderGoTest(t)
	t.Parallel()
	dir, c := genContract(t, func(s string) string { return replace(t, s, "/1.0/json", "/2.0/json") }, nil)
	f := &fake{c: c}
	srv := httptest.NewServer(f)
	defer srv.Close()
	res, _ := report(t, srv.URL, dir)
	reqs := f.requests()
	if len(reqs) < 100 {
		t.Fatalf("%d requests recorded (exit %d)\n%s", len(reqs), res.code, tail(res.out, 40))
	}
	seen := map[string]bool{}
	for _, r := range reqs {
		seen[r.Path] = true
		if strings.Contains(r.Path, "/1.0/") {
			t.Errorf("%s %s: a path the contract no longer has", r.Method, r.Path)
		}
	}
	for _, op := range c.Operations() {
		if !strings.Contains(op.Path, "/2.0/") {
			t.Fatalf("the edit did not take: %s", op.Path)
		}
		if !seen[op.Path] {
			t.Errorf("%s was never called at %s", op.ID, op.Path)
		}
	}
	if !seen["/no_such_operation/2.0/json"] {
		t.Errorf("the unknown path is not derived from the contract's paths: %v", seen)
	}
	if first := reqs[0]; !slices.ContainsFunc(c.Operations(), func(o schemas.Operation) bool { return o.Path == first.Path }) {
		t.Errorf("the reachability probe went to %s", first.Path)
	}
}

// --- (b) error keys and fixed texts come from the model ---

// remapped is the contract with signup's error keys moved (login under
// "mail", confirm_password under its own name, country under
// "country_id") and S1's fixed text changed.
func remapped(t *testing.T, confirm bool) (string, *schemas.Contract) {
	page := func(s string) string {
		return replace(t, s, "Login or password is incorrect", "Wrong login or password")
	}
	titles := func(s string) string { return replace(t, s, "### S5 signup(...)", "### S5 Registration of accounts") }
	return genContractWith(t, page, func(s string) string {
		s = replace(t, s, "login: {format: email, x-error-key: email}", "login: {format: email, x-error-key: mail}")
		if confirm {
			s = replace(t, s, "confirm_password: {x-error-key: password, x-secret: true}", "confirm_password: {x-error-key: confirm_password, x-secret: true}")
		}
		s = replace(t, s, "country: {type: integer, minimum: 1, x-error-key: country}", "country: {type: integer, minimum: 1, x-error-key: country_id}")
		s = replace(t, s, "            email: {$ref: signup-field-error.json, properties: {field: {const: email}}}\n",
			"            email: {$ref: signup-field-error.json, properties: {field: {const: email}}}\n"+
				"            mail: {$ref: signup-field-error.json, properties: {field: {const: mail}}}\n"+
				"            confirm_password: {$ref: signup-field-error.json, properties: {field: {const: confirm_password}}}\n"+
				"            country_id: {$ref: signup-field-error.json, properties: {field: {const: country_id}}}\n")
		return replace(t, s, "message: {const: Login or password is incorrect}", "message: {const: Wrong login or password}")
	}, titles)
}

// signupByModel answers signup as the model says: every argument problem
// under its error key (the schemas' x-error-key), a confirm_password that
// differs and a country not in the countries example under theirs.
func signupByModel(c *schemas.Contract) func(op schemas.Operation, params map[string]any) (string, any) {
	return func(op schemas.Operation, params map[string]any) (string, any) {
		errs := map[string]any{}
		add := func(key string) { errs[key] = map[string]any{"field": key, "message": "invalid"} }
		vs, _ := c.ValidateRequest(op.ID, map[string]any{"jsonrpc": "2.0", "params": params})
		for _, v := range schemas.Failures(vs) {
			if v.Field != "" {
				add(v.Field)
			}
		}
		if pw, ok := params["password"]; ok && params["confirm_password"] != pw {
			add(op.ErrorKey("confirm_password"))
		}
		countries, _ := c.Operation("get_countries")
		vr, _ := countries.Variant(successVariant(countries))
		active := false
		list, _ := vr.Result().([]any)
		for _, x := range list {
			if fmt.Sprint(x.(map[string]any)["id"]) == fmt.Sprint(params["country"]) {
				active = true
			}
		}
		if !active {
			add(op.ErrorKey("country"))
		}
		ev := errorVariant(op)
		if len(errs) == 0 {
			return successVariant(op), nil
		}
		status, _ := ev.Text("/status")
		return ev.Name, map[string]any{"status": status, "errors": errs}
	}
}

// signinFailureByModel answers every signin with the model's fixed texts.
func signinFailureByModel(op schemas.Operation, _ map[string]any) (string, any) {
	ev := errorVariant(op)
	res := map[string]any{}
	for _, f := range ev.TopFields() {
		if txt, ok := f.Text(); ok {
			res[f.Name()] = txt
		}
	}
	return ev.Name, res
}

// TestSuiteExpectsTheContractsErrorKeysAndTexts: with signup's error keys
// remapped and S1's text changed in the overlay, the suite expects the new
// keys and text: a fake answering by the model passes, one answering the
// embedded contract's keys fails on exactly those.
func TestSuiteExpectsTheContractsErrorKeysAndTexts(t *testing.T) {
	onlyUnderGoTest(t)
	t.Parallel()
	dir, c := remapped(t, true)
	signup, _ := c.Operation("signup")
	if signup.ErrorKey("confirm_password") != "confirm_password" || signup.ErrorKey("login") != "mail" || signup.ErrorKey("country") != "country_id" {
		t.Fatalf("the overlay edit did not take: %+v", signup.Arguments)
	}

	byModel := &fake{c: c, answer: map[string]func(schemas.Operation, map[string]any) (string, any){
		"signup": signupByModel(c), "signin": signinFailureByModel,
	}}
	srv := httptest.NewServer(byModel)
	defer srv.Close()
	res, r := report(t, srv.URL, dir, "--label-filter", "readonly")
	expectSpec(t, r, "reports a confirm_password that differs under confirm_password", types.SpecStatePassed)
	expectSpec(t, r, "reports a country that is not an active one under country_id", types.SpecStatePassed)
	expectSpec(t, r, "with login missing (and name missing) reports name and mail together", types.SpecStatePassed)
	expectSpec(t, r, "S1 signin failure text is the same for an unknown login", types.SpecStatePassed)
	expectSpec(t, r, "S5 signup with empty params reports every required field", types.SpecStatePassed)
	if t.Failed() {
		t.Logf("%s", tail(res.out, 60))
	}

	// The embedded contract's keys and text: the suite must see them as
	// violations of this contract.
	embedded := schemas.MustDefault()
	old := &fake{c: c, answer: map[string]func(schemas.Operation, map[string]any) (string, any){
		"signup": func(op schemas.Operation, params map[string]any) (string, any) {
			eop, _ := embedded.Operation("signup")
			return signupByModel(embedded)(eop, params)
		},
		"signin": func(op schemas.Operation, params map[string]any) (string, any) {
			eop, _ := embedded.Operation("signin")
			return signinFailureByModel(eop, params)
		},
	}}
	srv2 := httptest.NewServer(old)
	defer srv2.Close()
	res2, r2 := report(t, srv2.URL, dir, "--label-filter", "readonly")
	expectSpec(t, r2, "reports a confirm_password that differs under confirm_password", types.SpecStateFailed)
	expectSpec(t, r2, "reports a country that is not an active one under country_id", types.SpecStateFailed)
	expectSpec(t, r2, "S1 signin failure text is the same for an unknown login", types.SpecStateFailed)
	for _, want := range []string{`an error under "confirm_password"`, `an error under "country_id"`, `Wrong login or password`, "[S5] violation signup, Registration of accounts at"} {
		if !strings.Contains(res2.out, want) {
			t.Errorf("the report does not expect %s:\n%s", want, tail(res2.out, 60))
		}
	}
}

// TestSuiteFollowsTheMockOnARemappedContract: the mock and the suite read
// the same model, so the suite, every spec (mutating too), passes the mock
// built on the remapped contract (confirm_password keeps its key: the
// fixtures' demo accounts are checked against signup's rules).
func TestSuiteFollowsTheMockOnARemappedContract(t *testing.T) {
	onlyUnderGoTest(t)
	t.Parallel()
	dir, c := remapped(t, false)
	srv := httptest.NewServer(newMock(t, mockserver.Config{Contract: c}))
	defer srv.Close()
	res, r := report(t, srv.URL, dir)
	if res.code != 0 {
		t.Errorf("exit status %d, want 0\n%s", res.code, tail(res.out, 80))
	}
	expectSpec(t, r, "S5 signup again with the login in other letter case reports mail", types.SpecStatePassed)
}

// --- (c) every operation gets generic specs ---

// ticketSection is a new JSON-RPC operation, documented like the others,
// with no business rules in the suite.
const ticketSection = "\n# Open a ticket\n> `POST https://domain.com/open_ticket/1.0/json`\n\n" +
	"```\nSuccessful response\n```\n\n```json\n[\n  {\n    \"id\": null,\n    \"jsonrpc\": \"2.0\",\n    \"result\": {\n      \"status\": \"success\",\n      \"ticket\": 17\n    }\n  }\n]\n```\n\n" +
	"### HTTP Request\n`POST https://domain.com/open_ticket/1.0/json`\n\n### Arguments\n\n" +
	"Parameter | Type | Required | Description\n--------- | ----------- | ----------- | -----------\n" +
	"subject | string | Required | What it is about\npriority | number | Optional | How urgent\ntopic | string | Required | Which department\n"

// ticketOverlay gives the new operation limits and an enum, and, with
// safe, marks it safe to call.
func ticketOverlay(safe bool) func(string) string {
	return func(s string) string {
		s += "\n  - target: $.operations.open_ticket.params\n    x-decision: T2\n    update:\n      properties:\n" +
			"        subject: {minLength: 5, maxLength: 40}\n        priority: {type: integer, minimum: 2, maximum: 4}\n" +
			"        topic: {enum: [billing, cards]}\n"
		if safe {
			s += "  - target: $.operations.open_ticket\n    x-decision: T2\n    update: {x-safe: true}\n"
		}
		return s
	}
}

// ticketContract is the contract with the new operation; with safe, the
// overlay marks it safe. A binary plain-HTTP operation is added to its
// model and schemas as the generator writes them: avatar (image/png,
// answered right) and banner (answered with the wrong media type).
func ticketContract(t *testing.T, safe bool) (string, *schemas.Contract) {
	dir, _ := genContract(t, func(s string) string { return s + ticketSection }, ticketOverlay(safe))
	var idx map[string]any
	b, err := os.ReadFile(filepath.Join(dir, "index.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &idx); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"avatar", "banner"} {
		op := map[string]any{
			"id": id, "title": id, "method": "GET", "path": "/" + id + "/{user}/1.0/png", "protocol": "http",
			"pathParams":     []any{map[string]any{"name": "user", "example": "u42"}},
			"paramsOptional": true, "safe": safe, "request": id + ".request", "response": id + ".response",
			"arguments": []any{map[string]any{"name": "size", "type": "integer", "required": false, "minimum": 16, "maximum": 512, "in": "query"}},
			"variants":  []any{map[string]any{"name": "success", "schema": id + ".response.success", "shape": "binary", "mediaType": "image/png", "decision": "T4", "label": "Image"}},
		}
		idx["operations"] = append(idx["operations"].([]any), op)
		files := map[string]string{
			id + ".request.json":          `{"type": "object", "properties": {"size": {"type": "integer", "minimum": 16, "maximum": 512}}}`,
			id + ".response.success.json": `{}`,
			id + ".response.json":         `{"oneOf": [{"$ref": "` + id + `.response.success.json"}]}`,
		}
		for n, body := range files {
			if err := os.WriteFile(filepath.Join(dir, n), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	b, _ = json.Marshal(idx)
	if err := os.WriteFile(filepath.Join(dir, "index.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := schemas.Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	return dir, c
}

// ticketFake answers the new operations: open_ticket only a valid call
// (by the contract), avatar an image/png, banner a text/plain.
func ticketFake(c *schemas.Contract) *fake {
	return &fake{c: c, binary: map[string]string{"banner": "text/plain"}, answer: map[string]func(schemas.Operation, map[string]any) (string, any){
		"open_ticket": func(op schemas.Operation, params map[string]any) (string, any) {
			vs, _ := c.ValidateRequest(op.ID, map[string]any{"jsonrpc": "2.0", "params": params})
			if len(schemas.Failures(vs)) > 0 {
				return "", nil // a clean rejection (T5)
			}
			return successVariant(op), nil
		},
	}}
}

func calls(reqs []recorded, prefix string) []recorded {
	var out []recorded
	for _, r := range reqs {
		if strings.HasPrefix(r.Path, prefix) {
			out = append(out, r)
		}
	}
	return out
}

// TestNewOperationsGetGenericSpecs: an operation the suite has no business
// rules for is called with valid arguments built from the model and must
// answer a documented variant; a wrong-typed required argument must be
// rejected. Under readonly it is not called unless the contract marks it
// safe.
func TestNewOperationsGetGenericSpecs(t *testing.T) {
	onlyUnderGoTest(t)
	t.Parallel()

	t.Run("not safe, readonly", func(t *testing.T) {
		t.Parallel()
		dir, c := ticketContract(t, false)
		f := ticketFake(c)
		srv := httptest.NewServer(f)
		defer srv.Close()
		_, r := report(t, srv.URL, dir, "--label-filter", "readonly")
		expectSpec(t, r, "open_ticket called with valid arguments", types.SpecStateSkipped)
		expectSpec(t, r, "T5 open_ticket rejects a body that is not JSON", types.SpecStateSkipped)
		expectSpec(t, r, "avatar called with valid arguments", types.SpecStateSkipped)
		for _, p := range []string{"/open_ticket/", "/avatar/", "/banner/"} {
			if got := calls(f.requests(), p); len(got) > 0 {
				t.Errorf("an operation not marked safe was called under readonly: %s %s", got[0].Method, got[0].Path)
			}
		}
	})

	t.Run("not safe, mutating allowed", func(t *testing.T) {
		t.Parallel()
		dir, c := ticketContract(t, false)
		f := ticketFake(c)
		srv := httptest.NewServer(f)
		defer srv.Close()
		res, r := report(t, srv.URL, dir)
		checkGeneric(t, c, f, r, res)
	})

	t.Run("safe, readonly", func(t *testing.T) {
		t.Parallel()
		dir, c := ticketContract(t, true)
		f := ticketFake(c)
		srv := httptest.NewServer(f)
		defer srv.Close()
		res, r := report(t, srv.URL, dir, "--label-filter", "readonly")
		checkGeneric(t, c, f, r, res)
	})
}

// checkGeneric checks a run that called the new operations.
func checkGeneric(t *testing.T, c *schemas.Contract, f *fake, r types.Report, res runResult) {
	t.Helper()
	expectSpec(t, r, "open_ticket called with valid arguments answers a documented variant", types.SpecStatePassed)
	expectSpec(t, r, "T5 open_ticket with subject of the wrong type", types.SpecStatePassed)
	expectSpec(t, r, "T5 open_ticket with topic of the wrong type", types.SpecStatePassed)
	expectSpec(t, r, "T5 open_ticket rejects a body that is not JSON", types.SpecStatePassed)
	expectSpec(t, r, "avatar called with valid arguments answers a documented variant", types.SpecStatePassed)
	expectSpec(t, r, "banner called with valid arguments answers a documented variant", types.SpecStateFailed)
	if !strings.Contains(res.out, "Content-Type image/png") {
		t.Errorf("the banner's wrong media type is not reported:\n%s", tail(res.out, 60))
	}
	// The valid call was valid by the contract: limits and enum obeyed,
	// every argument sent.
	valid := 0
	for _, rq := range calls(f.requests(), "/open_ticket/") {
		m, _ := decodeJSON(rq.Body).(map[string]any)
		vs, _ := c.ValidateRequest("open_ticket", m)
		if p, _ := m["params"].(map[string]any); len(schemas.Failures(vs)) == 0 && len(p) == 3 {
			valid++
		}
	}
	if valid == 0 {
		t.Error("open_ticket was never called with every argument valid")
	}
	avatar := calls(f.requests(), "/avatar/")
	if !slices.ContainsFunc(avatar, func(a recorded) bool {
		return a.Method == http.MethodGet && a.Path == "/avatar/u42/1.0/png" && a.Query == "size=16"
	}) {
		t.Errorf("avatar never called as GET /avatar/u42/1.0/png?size=16 (the path example, the query's minimum): %v", avatar)
	}
	if t.Failed() {
		t.Logf("%s", tail(res.out, 80))
	}
}
