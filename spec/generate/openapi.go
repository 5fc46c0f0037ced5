package generate

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/nebeus/nebeus-contract/spec/model"
	"github.com/nebeus/nebeus-contract/spec/slate"
)

// description is the document's description: T1 and T2 when every
// operation is a JSON-RPC POST, else what the operations have in common.
func description(m Model) string {
	ops, _ := m["operations"].(map[string]any)
	rules := " Arguments carry their JSON types; every other rule on them (required, lengths, ranges, patterns, formats) is a business rule, answered with HTTP 200 and the operation's documented error variant (S1, S4, S5), so it is shown in each argument's description and x-rules, not enforced by the request schemas; schemas/ enforces it. Responses may carry fields beyond those documented (T6)."
	for _, o := range ops {
		op, _ := o.(map[string]any)
		if op["method"] != "POST" || op["protocol"] == model.ProtocolHTTP {
			return "Operations with a JSON-RPC 2.0 call object (T2) are POSTs; the others are plain HTTP requests whose arguments travel in the path and the query. Decisions T1-T6 and S1-S6 are in spec/DECISIONS.md." + rules
		}
	}
	return "Every operation is a POST of a JSON-RPC 2.0 call object to its path under the base URL (T1, T2). Decisions T1-T6 and S1-S6 are in spec/DECISIONS.md." + rules
}

// Security scheme names of S2's carriers.
const (
	schemeCookie = "sessionCookie"
	schemeHeader = "sessionHeader"
)

// Operation x-session values (the overlay's): the operation starts a
// session and sets the cookie, or ends one and clears it (S2, S3).
const (
	sessionStart = model.SessionStart
	sessionEnd   = model.SessionEnd
)

// protocolError is one protocol error (T5) a server answers instead of a
// business outcome, with the JSON-RPC error objects it carries.
type protocolError struct {
	Status      int
	Protocol    string // model.ProtocolJSONRPC or model.ProtocolHTTP
	Description string
	Examples    []rpcExample
}

type rpcExample struct {
	Name    string
	Code    int
	Message string // JSON-RPC 2.0's name of the code
}

// protocolErrors are the statuses T5 gives protocol errors, by protocol,
// each with an example of the JSON-RPC error object (codes and messages are
// JSON-RPC 2.0's). spec/openapitest drives the mock into each of them.
var protocolErrors = []protocolError{
	{http.StatusBadRequest, model.ProtocolJSONRPC, "Protocol error (T5): the body is not JSON (-32700), not a call object (-32600), or its params are not an object (-32602).", []rpcExample{
		{"parse-error", -32700, "Parse error"}, {"invalid-request", -32600, "Invalid Request"}, {"invalid-params", -32602, "Invalid params"}}},
	{http.StatusMethodNotAllowed, model.ProtocolJSONRPC, "A method other than the operation's (T1, T5); Allow names the one it takes.", []rpcExample{
		{"method-not-allowed", -32600, "Invalid Request"}}},
	{http.StatusRequestEntityTooLarge, model.ProtocolJSONRPC, "A body over the server's limit (T5).", []rpcExample{
		{"body-too-large", -32600, "Invalid Request"}}},
	{http.StatusUnsupportedMediaType, model.ProtocolJSONRPC, "A Content-Type other than application/json (T2; a charset parameter is fine).", []rpcExample{
		{"unsupported-media-type", -32600, "Invalid Request"}}},
	{http.StatusBadRequest, model.ProtocolHTTP, "Path or query arguments that break the operation's rules (T5).", []rpcExample{
		{"invalid-params", -32602, "Invalid params"}}},
	{http.StatusMethodNotAllowed, model.ProtocolHTTP, "A method other than the path's operations take (T1, T5); Allow names them.", []rpcExample{
		{"method-not-allowed", -32600, "Invalid Request"}}},
}

// oasBuilder builds the document.
type oasBuilder struct {
	m         Model
	defs      map[string]any
	doc       *openapi3.T
	d         *dialect
	decisions []model.Decision
	// order: the keys of each examples map, by its JSON pointer in the
	// document, in the order they are written (success first).
	order map[string][]string
	// unions: each operation's 200 JSON schema component with more than
	// one variant, and the examples of its variants.
	unions []union
	// rpc: the operations several JSON-RPC methods share, by pointer, and
	// the model of each one's first method (openapi_rpc.go).
	rpc      map[string]*rpcShared
	firstRPC map[string]map[string]any
}

type union struct {
	name     string
	examples []any
}

// openAPIDoc is the document and the order of its examples maps.
type openAPIDoc struct {
	*openapi3.T
	order map[string][]string
	// Warnings are the examples dropped because they do not fit their
	// schema (dropBadExamples).
	Warnings []slate.Diagnostic
}

// OpenAPI builds the OpenAPI 3.0.3 document of the contract from the model
// (after the overlay) and checks it with kin-openapi. See buildOpenAPI.
func OpenAPI(m Model, decisions []model.Decision, src Sources) (*openapi3.T, error) {
	d, err := buildOpenAPI(m, decisions, src)
	if err != nil {
		return nil, err
	}
	return d.T, nil
}

// buildOpenAPI builds the document so that the ecosystem's tools accept and
// use it (README, "Typed clients from the OpenAPI document"):
//
//   - components are named for generated code (componentName): OpRequest,
//     OpArguments, OpVariant, OpVariantEnvelope, OpVariantResult,
//     OpResponseBody, JsonrpcId, JsonrpcVersion, JsonrpcError and the
//     shared definitions;
//   - a call object and an envelope are whole objects, not an allOf over a
//     base, so generated types keep their required members;
//   - arguments keep their JSON types and show every business rule in
//     x-rules and in words (dialect, inArguments);
//   - responses keep every constraint (S1's text, the statuses, the shapes
//     of T4, jsonrpc "2.0"), so a validating proxy catches a deployment that
//     breaks them;
//   - the success example first, a request example per operation, an
//     example of each protocol error;
//   - S2's carriers as security schemes, Set-Cookie where a session starts
//     or ends, every status T5 gives a protocol error.
func buildOpenAPI(m Model, decisions []model.Decision, src Sources) (*openAPIDoc, error) {
	defs, _ := m["definitions"].(map[string]any)
	b := &oasBuilder{
		m: m, defs: defs, decisions: decisions, order: map[string][]string{},
		d: &dialect{defs: defs, shared: map[string]string{}, used: map[string]bool{}},
		doc: &openapi3.T{
			OpenAPI: "3.0.3",
			Info: &openapi3.Info{
				Title:       fmt.Sprint(m["title"]),
				Version:     "1.0",
				Description: description(m),
				Extensions:  map[string]any{"x-generated": src.comment()},
			},
			Servers:    openapi3.Servers{{URL: "http://localhost:8080", Description: "the mock (make run); the base URL is configurable everywhere (T1)"}},
			Paths:      openapi3.NewPaths(),
			Components: &openapi3.Components{Schemas: openapi3.Schemas{}},
		},
	}
	b.sharedComponents()
	b.securitySchemes()
	ops := m["operations"].(map[string]any)
	for _, name := range operationNames(m) {
		if err := b.operation(name, ops[name].(map[string]any)); err != nil {
			return nil, err
		}
	}
	// The shared definitions the operations refer to (signup-field-error),
	// and those they refer to in turn.
	for done := map[string]bool{}; ; {
		var next []string
		for _, n := range sortedNames(b.d.used) {
			if !done[n] {
				next = append(next, n)
			}
		}
		if len(next) == 0 {
			break
		}
		for _, n := range next {
			done[n] = true
			def, ok := defs[n].(map[string]any)
			if !ok {
				return nil, fmt.Errorf("openapi: a schema refers to %s.json, which is no shared definition", n)
			}
			if err := b.component(componentName(n), def, inResponse); err != nil {
				return nil, err
			}
		}
	}
	loaded, err := b.reload()
	if err != nil {
		return nil, err
	}
	// A union whose variants an example matches more than once is anyOf:
	// "exactly one" would make the page's own examples invalid.
	changed := false
	for _, u := range b.unions {
		sc := loaded.Components.Schemas[u.name].Value
		for _, ex := range u.examples {
			n := 0
			for _, br := range sc.OneOf {
				if br.Value.VisitJSON(ex) == nil {
					n++
				}
			}
			if n > 1 {
				own := b.doc.Components.Schemas[u.name].Value
				own.AnyOf, own.OneOf = own.OneOf, nil
				own.Title = strings.Replace(own.Title, "exactly one", "at least one", 1) + " (its examples overlap)"
				changed = true
				break
			}
		}
	}
	if changed {
		if loaded, err = b.reload(); err != nil {
			return nil, err
		}
	}
	warns := b.dropBadExamples(loaded)
	if err := loaded.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("generated OpenAPI document does not validate: %w", err)
	}
	return &openAPIDoc{T: b.doc, order: b.order, Warnings: warns}, nil
}

// dropBadExamples removes every example that does not fit its schema (a
// page's example that contradicts its own table, a null where the table
// says string) from the document and from loaded, the document as loaded,
// and says so with the example's line: the document written is valid
// whatever the page shows (issue 17, item 2).
func (b *oasBuilder) dropBadExamples(loaded *openapi3.T) []slate.Diagnostic {
	var warns []slate.Diagnostic
	ops, _ := b.m["operations"].(map[string]any)
	// The operation a component belongs to: the longest operation
	// component prefix of its name.
	owner := func(component string) map[string]any {
		var best map[string]any
		bestLen := 0
		for id, op := range ops {
			if c := componentName(id); strings.HasPrefix(component, c) && len(c) > bestLen {
				best, bestLen = op.(map[string]any), len(c)
			}
		}
		return best
	}
	warn := func(op map[string]any, where string, err error) {
		msg := err.Error()
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		d := slate.Diagnostic{Message: fmt.Sprintf("the example of %s does not fit its schema (%s); it is left out of the OpenAPI document", where, msg)}
		if op != nil {
			d.File, d.Line = str(op["file"]), toInt(op["line"])
			if id := str(op["id"]); id != "" {
				d.Message = fmt.Sprintf("operation %q: %s", id, d.Message)
			}
		}
		warns = append(warns, d)
	}
	for _, name := range sortedSchemaNames(loaded.Components.Schemas) {
		sc := loaded.Components.Schemas[name]
		if sc.Value == nil || sc.Value.Example == nil {
			continue
		}
		if err := sc.Value.VisitJSON(sc.Value.Example); err != nil {
			if own := b.doc.Components.Schemas[name]; own != nil && own.Value != nil {
				own.Value.Example = nil
			}
			sc.Value.Example = nil
			warn(owner(name), "schema "+name, err)
		}
	}
	for path, item := range loaded.Paths.Map() {
		for method, o := range item.Operations() {
			own := b.doc.Paths.Value(path).GetOperation(method)
			op, _ := ops[o.OperationID].(map[string]any)
			for i, p := range o.Parameters {
				if p.Value == nil || p.Value.Example == nil || p.Value.Schema == nil || p.Value.Schema.Value == nil {
					continue
				}
				if err := p.Value.Schema.Value.VisitJSON(p.Value.Example); err != nil {
					own.Parameters[i].Value.Example = nil
					p.Value.Example = nil
					warn(op, "parameter "+p.Value.Name, err)
				}
			}
			var contents []struct{ loaded, own openapi3.Content }
			if o.RequestBody != nil && o.RequestBody.Value != nil {
				contents = append(contents, struct{ loaded, own openapi3.Content }{o.RequestBody.Value.Content, own.RequestBody.Value.Content})
			}
			for code, r := range o.Responses.Map() {
				if r.Value != nil && r.Ref == "" {
					if or := own.Responses.Value(code); or != nil && or.Value != nil {
						contents = append(contents, struct{ loaded, own openapi3.Content }{r.Value.Content, or.Value.Content})
					}
				}
			}
			for _, c := range contents {
				for mt, m := range c.loaded {
					if m.Schema == nil || m.Schema.Value == nil {
						continue
					}
					for exName, ex := range m.Examples {
						if ex.Value == nil {
							continue
						}
						if ex.Value.Value == nil && ex.Value.ExternalValue == "" {
							// A page's "null" example: OpenAPI 3.0 cannot
							// tell it from no value.
							delete(c.own[mt].Examples, exName)
							delete(m.Examples, exName)
							warn(op, fmt.Sprintf("%s %s (%s)", method, path, exName), fmt.Errorf("it is null, which an OpenAPI 3.0 example cannot be"))
							continue
						}
						if err := m.Schema.Value.VisitJSON(ex.Value.Value); err != nil {
							delete(c.own[mt].Examples, exName)
							delete(m.Examples, exName)
							warn(op, fmt.Sprintf("%s %s (%s)", method, path, exName), err)
						}
					}
				}
			}
		}
	}
	sort.SliceStable(warns, func(i, j int) bool {
		if warns[i].Line != warns[j].Line {
			return warns[i].Line < warns[j].Line
		}
		return warns[i].Message < warns[j].Message
	})
	return warns
}

func sortedSchemaNames(s openapi3.Schemas) []string {
	names := make([]string, 0, len(s))
	for n := range s {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// reload resolves the document's refs in place, as a consumer loading it
// does, so its examples can be checked against their schemas: no marshal
// and decode round trip (that was a third of a large page's build). A ref
// with its value still writes as the ref alone.
func (b *oasBuilder) reload() (*openapi3.T, error) {
	if err := openapi3.NewLoader().ResolveRefsIn(b.doc, nil); err != nil {
		return nil, fmt.Errorf("generated OpenAPI document does not load: %w", err)
	}
	return b.doc, nil
}

// load reloads the document and validates it (examples included).
func (b *oasBuilder) load() (*openapi3.T, error) {
	loaded, err := b.reload()
	if err != nil {
		return nil, err
	}
	if err := loaded.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("generated OpenAPI document does not validate: %w", err)
	}
	return loaded, nil
}

// component adds a schema component, refusing a name already taken.
func (b *oasBuilder) component(name string, s map[string]any, md mode) error {
	if _, taken := b.doc.Components.Schemas[name]; taken {
		return fmt.Errorf("openapi: two schemas would be named %s; rename an operation or a variant", name)
	}
	// Placeholder first, so that a shared schema equal to s does not turn
	// the component into a ref to itself.
	b.doc.Components.Schemas[name] = &openapi3.SchemaRef{Value: &openapi3.Schema{}}
	sc := *b.d.schemaNoShare(s, md)
	b.doc.Components.Schemas[name] = &sc
	return nil
}

// sharedComponents are the JSON-RPC id and version (T2, T4), written once
// and referred to wherever the call object, an envelope or an error has
// them.
func (b *oasBuilder) sharedComponents() {
	req, _ := b.defs["jsonrpc-request"].(map[string]any)
	props, _ := req["properties"].(map[string]any)
	for _, p := range []struct{ prop, name, desc string }{
		{"id", "JsonrpcId", "The call's id; the response echoes it (T3), null where the call had none."},
		{"jsonrpc", "JsonrpcVersion", "The JSON-RPC version (T2)."},
	} {
		s, ok := props[p.prop].(map[string]any)
		if !ok {
			continue
		}
		sc := b.d.schema(s, inResponse)
		sc.Value.Description = p.desc
		if len(sc.Value.Enum) == 1 {
			// A constant named for generated code (Go's JsonrpcVersion20
			// rather than N20).
			sc.Value.Extensions = map[string]any{"x-enum-varnames": []any{p.name + strings.NewReplacer(".", "", "-", "").Replace(fmt.Sprint(sc.Value.Enum[0]))}}
		}
		b.doc.Components.Schemas[p.name] = sc
		b.d.shared[canonical(s)] = p.name
	}
}

// securitySchemes are S2's carriers: the cookie and the header that may
// carry the session (the argument is in the operations' arguments).
func (b *oasBuilder) securitySchemes() {
	s, ok := b.m["x-session"].(map[string]any)
	if !ok {
		return
	}
	schemes := openapi3.SecuritySchemes{}
	if c := str(s["cookie"]); c != "" {
		schemes[schemeCookie] = &openapi3.SecuritySchemeRef{Value: &openapi3.SecurityScheme{
			Type: "apiKey", In: "cookie", Name: c,
			Description: "The session (S2): the cookie a successful signin sets; a browser sends it by itself (with credentials: 'include' across origins).",
		}}
	}
	if h := str(s["header"]); h != "" {
		schemes[schemeHeader] = &openapi3.SecuritySchemeRef{Value: &openapi3.SecurityScheme{
			Type: "apiKey", In: "header", Name: h,
			Description: "The session (S2) as a header: the session_id of a successful signin's result.",
		}}
	}
	if len(schemes) > 0 {
		b.doc.Components.SecuritySchemes = schemes
	}
}

// operation adds one operation: its path item, its request, its responses
// and the components they name.
func (b *oasBuilder) operation(name string, op map[string]any) error {
	method, _ := op["method"].(string)
	path := fmt.Sprint(op["path"])
	plain := op["protocol"] == model.ProtocolHTTP
	o := &openapi3.Operation{
		Tags:        []string{fmt.Sprint(op["title"])},
		OperationID: name,
		Summary:     fmt.Sprint(op["title"]),
		Description: b.operationDescription(op),
		Responses:   openapi3.NewResponses(),
	}
	o.Responses.Delete("default")
	ptr := "/paths/" + escapePointer(path) + "/" + strings.ToLower(method)
	if plain {
		o.Parameters = b.parameters(op)
		b.formBody(op, o)
	} else {
		if err := b.request(name, op, o, ptr); err != nil {
			return err
		}
		// The path's templates are parameters whatever the body is:
		// OpenAPI requires each to be declared.
		for _, p := range b.parameters(op) {
			if p.Value.In == openapi3.ParameterInPath {
				o.Parameters = append(o.Parameters, p)
			}
		}
	}
	ok, err := b.success(name, op, ptr+"/responses/200")
	if err != nil {
		return err
	}
	o.Responses.Set("200", &openapi3.ResponseRef{Value: ok})
	protocol := model.ProtocolJSONRPC
	if plain {
		protocol = model.ProtocolHTTP
	}
	for _, pe := range protocolErrors {
		if pe.Protocol != protocol {
			continue
		}
		o.Responses.Set(strconv.Itoa(pe.Status), &openapi3.ResponseRef{Value: b.protocolError(pe, ptr+"/responses/"+strconv.Itoa(pe.Status))})
	}
	b.security(op, o)
	b.tag(op)
	item := b.doc.Paths.Value(path)
	if item == nil {
		item = &openapi3.PathItem{}
		b.doc.Paths.Set(path, item)
	}
	if prev := item.GetOperation(method); prev != nil && !plain && prev.RequestBody != nil &&
		(str(op["rpcMethod"]) != "" || str(b.firstRPC[ptr]["rpcMethod"]) != "") {
		return b.mergeRPC(path, ptr, prev, o, op) // openapi_rpc.go
	}
	if b.firstRPC == nil {
		b.firstRPC = map[string]map[string]any{}
	}
	b.firstRPC[ptr] = op
	item.SetOperation(method, o)
	return nil
}

// tag: one per section of the page (its title), as Slate's navigation
// has them, with where the page documents it.
func (b *oasBuilder) tag(op map[string]any) {
	name := fmt.Sprint(op["title"])
	if b.doc.Tags.Get(name) != nil {
		return
	}
	t := &openapi3.Tag{Name: name, Description: "The page's section " + strconv.Quote(name) + "."}
	if f := str(op["file"]); f != "" {
		t.Description = fmt.Sprintf("The page's section %q (%s:%d).", name, f, toInt(op["line"]))
	}
	b.doc.Tags = append(b.doc.Tags, t)
}

// operationDescription is the page's text for the operation, how it is
// called, and where the page and the decisions document it.
func (b *oasBuilder) operationDescription(op map[string]any) string {
	var parts []string
	if d := strings.TrimSpace(str(op["description"])); d != "" {
		parts = append(parts, d)
	}
	if op["protocol"] == model.ProtocolHTTP {
		parts = append(parts, "A plain HTTP request: its arguments travel in the path and the query.")
	} else {
		if op["paramsByPosition"] == true {
			parts = append(parts, "A JSON-RPC 2.0 call: the arguments in params, by position (an array).")
		} else {
			parts = append(parts, "A JSON-RPC 2.0 call (T2): the arguments in params, by name. Every business outcome, success or documented error, is HTTP 200 (T3) in its documented shape (T4); a protocol error is a JSON-RPC error object (T5).")
		}
	}
	switch str(op["x-session"]) {
	case sessionStart:
		parts = append(parts, "A successful call starts a session and sets its cookie (S2).")
	case sessionEnd:
		parts = append(parts, "Ends the session the request carries, if any, and clears its cookie (S3).")
	}
	var ds []string
	seen := map[string]bool{}
	var collect func(v any)
	collect = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if id := str(x["x-decision"]); id != "" && !seen[id] {
				seen[id] = true
				ds = append(ds, id)
			}
			for _, k := range sortedKeys(x) {
				collect(x[k])
			}
		case []any:
			for _, e := range x {
				collect(e)
			}
		}
	}
	collect(op)
	for i, id := range ds {
		for _, d := range b.decisions {
			if d.ID == id && d.Title != "" {
				ds[i] = id + " (" + d.Title + ")"
			}
		}
	}
	if len(ds) > 0 {
		parts = append(parts, "Decisions: "+strings.Join(ds, ", ")+".")
	}
	if f := str(op["file"]); f != "" {
		parts = append(parts, fmt.Sprintf("Documented at %s:%d.", f, toInt(op["line"])))
	}
	return strings.Join(parts, "\n\n")
}

// request adds the call object (OpRequest), its arguments (OpArguments) and
// a request example.
func (b *oasBuilder) request(name string, op map[string]any, o *openapi3.Operation, ptr string) error {
	base := componentName(name)
	if err := b.component(base+"Arguments", argumentsSchema(op), inArguments); err != nil {
		return err
	}
	call := deepCopy(b.defs["jsonrpc-request"]).(map[string]any)
	call["title"] = name + " call object"
	props, _ := call["properties"].(map[string]any)
	props["params"] = map[string]any{"$ref": componentRef(base + "Arguments")}
	if m := str(op["rpcMethod"]); m != "" {
		call["description"] = "A JSON-RPC 2.0 call object; its method names the operation (several share the URL)."
		// The method selects the operation (issue 17): required and
		// fixed, the discriminator of the URL's calls (openapi_rpc.go).
		props["method"] = map[string]any{"const": m, "type": "string"}
		call["required"] = append(asSlice(call["required"]), "method")
	}
	if d := str(op["x-decision"]); d != "" {
		call["x-decision"] = d
	}
	if err := b.component(base+"Request", call, asIs); err != nil {
		return err
	}
	mt := &openapi3.MediaType{Schema: &openapi3.SchemaRef{Ref: componentRef(base + "Request")}}
	ex, summary := b.requestExample(op)
	exName := "request"
	if m := str(op["rpcMethod"]); m != "" {
		exName = m // the examples of the methods that share a URL, side by side
	}
	mt.Examples = openapi3.Examples{exName: {Value: &openapi3.Example{Summary: summary, Value: ex}}}
	key := ptr + "/requestBody/content/" + escapePointer(mediaJSON) + "/examples"
	b.order[key] = append(b.order[key], exName)
	o.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(true).
		WithDescription("A JSON-RPC 2.0 call object (T2), Content-Type application/json.").
		WithContent(openapi3.Content{mediaJSON: mt})}
	return nil
}

// argumentsSchema is the schema of op's params with "required" moved onto
// each required argument (a rule, see dialect).
func argumentsSchema(op map[string]any) map[string]any {
	params, _ := op["params"].(map[string]any)
	s := deepCopy(params).(map[string]any)
	if s == nil {
		s = map[string]any{}
	}
	if _, ok := s["type"]; !ok {
		s["type"] = "object"
	}
	props, _ := s["properties"].(map[string]any)
	for _, r := range asSlice(s["required"]) {
		if p, ok := props[str(r)].(map[string]any); ok {
			p["required"] = true
		}
	}
	delete(s, "required")
	if s["type"] == "array" {
		return positionalSchema(op, s)
	}
	desc := "The arguments (T2: params, by name). Each keeps its JSON type; its other rules are business rules: the operation answers a value that breaks one with HTTP 200 and its documented error variant, so they are in x-rules and in words here, not enforced (schemas/ enforces them)."
	if d := str(s["description"]); d != "" {
		desc = d + " " + desc
	}
	s["description"] = desc
	s["title"] = str(op["id"]) + " arguments"
	return s
}

// requestExample is the call object of the page's request example (or the
// overlay's), or one made from the argument types.
func (b *oasBuilder) requestExample(op map[string]any) (any, string) {
	params, summary := op["requestExample"], "Request example"
	if params == nil {
		summary = "A call with each required argument (made from the argument types)"
		p := map[string]any{}
		ps, _ := op["params"].(map[string]any)
		props, _ := ps["properties"].(map[string]any)
		for _, r := range asSlice(ps["required"]) {
			s, _ := props[str(r)].(map[string]any)
			p[str(r)] = exampleValue(s)
		}
		params = p
	}
	call := map[string]any{"id": 1, "params": params}
	if m := str(op["rpcMethod"]); m != "" {
		call["method"] = m
	}
	req, _ := b.defs["jsonrpc-request"].(map[string]any)
	rp, _ := req["properties"].(map[string]any)
	if j, ok := rp["jsonrpc"].(map[string]any); ok {
		call["jsonrpc"] = j["const"]
	}
	return call, summary
}

// exampleValue is a value of s's type.
func exampleValue(s map[string]any) any {
	if ex := asSlice(s["examples"]); len(ex) > 0 {
		return ex[0]
	}
	if e := asSlice(s["enum"]); len(e) > 0 {
		return e[0]
	}
	if c, ok := s["const"]; ok {
		return c
	}
	types := typeList(s)
	t := ""
	if len(types) > 0 {
		t = types[0]
	}
	switch t {
	case "integer", "number":
		if lo, ok := s["minimum"]; ok {
			return lo
		}
		return 1
	case "boolean":
		return true
	case "array":
		return []any{}
	case "object":
		return map[string]any{}
	}
	if str(s["format"]) == "email" {
		return "user@example.com"
	}
	return "string"
}

// success is the 200 response: every documented variant (T3), the JSON ones
// as components in their shape (T4), the success examples first.
func (b *oasBuilder) success(name string, op map[string]any, ptr string) (*openapi3.Response, error) {
	ok := openapi3.NewResponse().WithDescription("Every business outcome, success or documented error (T3), in its documented shape (T4).")
	ok.Content = openapi3.Content{}
	vs, _ := op["variants"].(map[string]any)
	var refs openapi3.SchemaRefs
	var examples []any
	var exNames []string
	exs := openapi3.Examples{}
	binary := false
	for _, vn := range variantNames(op) {
		v := vs[vn].(map[string]any)
		if v["shape"] == ShapeBinary {
			binary = true
			mt := fmt.Sprint(v["mediaType"])
			if _, dup := ok.Content[mt]; !dup {
				ok.Content[mt] = &openapi3.MediaType{Schema: &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}, Format: "binary"}}}
			}
			continue
		}
		comp, err := b.variant(name, vn, v)
		if err != nil {
			return nil, err
		}
		refs = append(refs, &openapi3.SchemaRef{Ref: componentRef(comp)})
		if ex, has := v["example"]; has {
			e := openapi3.NewExample(ex)
			e.Summary = fmt.Sprint(v["label"])
			exName := vn
			if m := str(op["rpcMethod"]); m != "" {
				exName = m + "-" + vn // beside the other methods' at the URL
			}
			exs[exName] = &openapi3.ExampleRef{Value: e}
			exNames = append(exNames, exName)
			examples = append(examples, ex)
		}
	}
	if len(refs) > 0 {
		schema := refs[0]
		if len(refs) > 1 {
			u := componentName(name) + "ResponseBody"
			b.doc.Components.Schemas[u] = &openapi3.SchemaRef{Value: &openapi3.Schema{
				Title:       name + " response: exactly one documented variant",
				Description: "Narrow by shape (T4: an array, an envelope) and by result.status.",
				OneOf:       refs,
			}}
			b.unions = append(b.unions, union{name: u, examples: plainJSON(examples)})
			schema = &openapi3.SchemaRef{Ref: componentRef(u)}
		}
		mt := &openapi3.MediaType{Schema: schema}
		if len(exs) > 0 {
			mt.Examples = exs
			key := ptr + "/content/" + escapePointer(mediaJSON) + "/examples"
			b.order[key] = append(b.order[key], exNames...)
		}
		ok.Content[mediaJSON] = mt
	} else if !binary {
		ok.Content[mediaJSON] = &openapi3.MediaType{Schema: &openapi3.SchemaRef{Value: &openapi3.Schema{}}}
	}
	if h := b.setCookie(op); h != nil {
		ok.Headers = openapi3.Headers{"Set-Cookie": h}
	}
	return ok, nil
}

// plainJSON round-trips values through JSON, so kin-openapi sees float64s.
func plainJSON(vs []any) []any {
	out := make([]any, len(vs))
	for i, v := range vs {
		raw, _ := json.Marshal(v)
		_ = json.Unmarshal(raw, &out[i])
	}
	return out
}

// variant adds the components of one JSON variant and returns the name of
// the one the response refers to: OpVariant (the body), with
// OpVariantEnvelope and OpVariantResult for the array and envelope shapes
// and OpVariantItem for a bare array of objects.
func (b *oasBuilder) variant(op, vn string, v map[string]any) (string, error) {
	base := componentName(op, vn)
	schema, _ := v["schema"].(map[string]any)
	schema = deepCopy(schema).(map[string]any)
	title := fmt.Sprintf("%s response, %s variant (%s)", op, vn, v["label"])
	shape, _ := v["shape"].(string)
	var body map[string]any
	switch shape {
	case ShapeArray, ShapeEnvelope:
		schema["title"] = fmt.Sprintf("%s result, %s variant", op, vn)
		if err := b.component(base+"Result", schema, inResponse); err != nil {
			return "", err
		}
		env := deepCopy(b.defs["jsonrpc-envelope"]).(map[string]any)
		props, _ := env["properties"].(map[string]any)
		props["result"] = map[string]any{"$ref": componentRef(base + "Result")}
		if shape == ShapeEnvelope {
			env["description"] = fmt.Sprintf("The %s variant of %s: a bare JSON-RPC envelope (T4).", vn, op)
			body = env
			break
		}
		env["title"] = fmt.Sprintf("%s envelope, %s variant", op, vn)
		env["description"] = fmt.Sprintf("The JSON-RPC envelope of %s's %s variant (T4).", op, vn)
		if err := b.component(base+"Envelope", env, inResponse); err != nil {
			return "", err
		}
		body = map[string]any{
			"type": "array", "minItems": 1, "maxItems": 1,
			"items":       map[string]any{"$ref": componentRef(base + "Envelope")},
			"description": fmt.Sprintf("The %s variant of %s: an array holding one JSON-RPC envelope (T4).", vn, op),
		}
	case ShapeBare:
		body = schema
		if items, ok := schema["items"].(map[string]any); ok && schemaType(schema) == "array" && schemaType(items) == "object" {
			items["title"] = fmt.Sprintf("%s item, %s variant", op, vn)
			if err := b.component(base+"Item", items, inResponse); err != nil {
				return "", err
			}
			schema["items"] = map[string]any{"$ref": componentRef(base + "Item")}
		}
	default:
		return "", fmt.Errorf("operation %s variant %s: unknown shape %q", op, vn, shape)
	}
	body["title"] = title
	if _, own := body["x-decision"]; !own {
		if d, ok := v["x-decision"]; ok {
			body["x-decision"] = d
		}
	}
	if ex, ok := v["example"]; ok {
		body["examples"] = []any{ex}
	}
	return base, b.component(base, body, inResponse)
}

// setCookie is the Set-Cookie header of an operation that starts or ends a
// session (S2, S3), rendered from the model's cookie as a server sets it.
func (b *oasBuilder) setCookie(op map[string]any) *openapi3.HeaderRef {
	s, _ := b.m["x-session"].(map[string]any)
	name := str(s["cookie"])
	if name == "" {
		return nil
	}
	c := &http.Cookie{Name: name, Path: str(s["path"])}
	c.HttpOnly, _ = s["httpOnly"].(bool)
	switch str(s["sameSite"]) {
	case "Lax":
		c.SameSite = http.SameSiteLaxMode
	case "Strict":
		c.SameSite = http.SameSiteStrictMode
	case "None":
		c.SameSite = http.SameSiteNoneMode
	}
	var desc string
	switch str(op["x-session"]) {
	case sessionStart:
		c.Value = sessionExample(op, str(s["argument"]))
		desc = fmt.Sprintf("On success, the new session (S2): cookie %s holds the result's session id.", name)
	case sessionEnd:
		c.MaxAge = -1
		desc = fmt.Sprintf("Clears cookie %s (S3), also when the request carried no session.", name)
	default:
		return nil
	}
	h := &openapi3.Header{Parameter: openapi3.Parameter{
		Description: desc + " Attributes: " + strings.TrimPrefix(c.String(), c.Name+"="+c.Value+"; ") + ".",
		Schema:      &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{"string"}}},
		Example:     c.String(),
	}}
	return &openapi3.HeaderRef{Value: h}
}

// sessionExample is the session id the operation's success example shows
// under the session argument's name, or a placeholder.
func sessionExample(op map[string]any, arg string) string {
	vs, _ := op["variants"].(map[string]any)
	for _, vn := range variantNames(op) {
		v, _ := vs[vn].(map[string]any)
		var found string
		var walk func(x any)
		walk = func(x any) {
			switch y := x.(type) {
			case map[string]any:
				if s, ok := y[arg].(string); ok && found == "" {
					found = s
				}
				for _, k := range sortedKeys(y) {
					walk(y[k])
				}
			case []any:
				for _, e := range y {
					walk(e)
				}
			}
		}
		walk(v["example"])
		if found != "" {
			return found
		}
	}
	return "SESSION_ID"
}

// security: an operation that uses the session (it ends one) may carry it
// by S2's cookie or header, or not at all; the others carry none.
func (b *oasBuilder) security(op map[string]any, o *openapi3.Operation) {
	reqs := openapi3.SecurityRequirements{}
	if str(op["x-session"]) == sessionEnd && b.doc.Components.SecuritySchemes != nil {
		for _, n := range sortedNames(b.doc.Components.SecuritySchemes) {
			reqs = append(reqs, openapi3.SecurityRequirement{n: []string{}})
		}
		reqs = append(reqs, openapi3.SecurityRequirement{})
	}
	o.Security = &reqs
}

// protocolError is the response of one protocol error, with its examples.
func (b *oasBuilder) protocolError(pe protocolError, ptr string) *openapi3.Response {
	b.d.used["jsonrpc-error"] = true
	mt := &openapi3.MediaType{Schema: &openapi3.SchemaRef{Ref: componentRef(componentName("jsonrpc-error"))}, Examples: openapi3.Examples{}}
	var names []string
	for _, e := range pe.Examples {
		ex := openapi3.NewExample(map[string]any{
			"jsonrpc": "2.0", "id": nil,
			"error": map[string]any{"code": e.Code, "message": e.Message},
		})
		ex.Summary = fmt.Sprintf("%d %s", e.Code, e.Message)
		mt.Examples[e.Name] = &openapi3.ExampleRef{Value: ex}
		names = append(names, e.Name)
	}
	b.order[ptr+"/content/"+escapePointer(mediaJSON)+"/examples"] = names
	return openapi3.NewResponse().WithDescription(pe.Description).WithContent(openapi3.Content{mediaJSON: mt})
}

// parameters are a plain HTTP operation's path arguments (in: path,
// required) and query arguments (in: query), in the order of its
// arguments, with their schemas from its params.
func (b *oasBuilder) parameters(op map[string]any) openapi3.Parameters {
	params, _ := op["params"].(map[string]any)
	props, _ := params["properties"].(map[string]any)
	examples := map[string]string{}
	for _, pp := range asSlice(op["pathParams"]) {
		if p, ok := pp.(map[string]any); ok {
			examples[fmt.Sprint(p["name"])], _ = p["example"].(string)
		}
	}
	var out openapi3.Parameters
	for _, a := range asSlice(op["arguments"]) {
		am, _ := a.(map[string]any)
		in, _ := am["in"].(string)
		name := fmt.Sprint(am["name"])
		var p *openapi3.Parameter
		switch in {
		case "path":
			p = openapi3.NewPathParameter(name)
		case "query":
			p = openapi3.NewQueryParameter(name)
			p.Required, _ = am["required"].(bool)
		default:
			continue
		}
		p.Description, _ = am["description"].(string)
		s, _ := props[name].(map[string]any)
		if s == nil {
			s = map[string]any{"type": "string"}
		}
		s = deepCopy(s).(map[string]any)
		delete(s, "description") // the parameter's own
		p.Schema = b.d.schema(s, asIs)
		if ex := examples[name]; ex != "" && in == "path" {
			// The value as the page's URL shows it, typed as the
			// argument is (a URL carries text only).
			var v any = ex
			if f := fitValues([]any{ex}, s); f != nil {
				v = f[0]
			}
			if fitsType(v, typeList(s)) || len(typeList(s)) == 0 {
				p.Example = v
			}
		}
		out = append(out, &openapi3.ParameterRef{Value: p})
	}
	return out
}
