// Package model is the contract as typed Go values: the one description of
// the API that the generator writes (schemas/index.json) and that the mock,
// the conformance suite, the fixtures loader and the CLI read. Nothing
// outside this package and schemas/ restates a path, a limit, a fixed text,
// an error key, a secret field or a decision title.
//
// The package is a leaf: it imports only the standard library, so every
// other package may depend on it.
package model

import (
	"encoding/json"
	"net/url"
	"sort"
	"strings"
)

// SchemaBase is the base of every generated schema's $id. The .invalid TLD
// makes plain that nothing is fetched from it: all refs resolve among the
// generated files.
const SchemaBase = "https://schemas.nebeus-contract.invalid/"

// IndexFile is the name of the generated model file under schemas/.
const IndexFile = "index.json"

// Shapes of a documented response variant (T4).
const (
	ShapeArray    = "array"    // a JSON array holding one JSON-RPC envelope
	ShapeEnvelope = "envelope" // a bare JSON-RPC envelope
	ShapeBare     = "bare"     // any other JSON: the body itself
	ShapeBinary   = "binary"   // not JSON: an image, an SVG file (MediaType says which)
)

// Protocols of an operation.
const (
	// ProtocolJSONRPC: a JSON-RPC 2.0 call object in the body (T2).
	ProtocolJSONRPC = "jsonrpc"
	// ProtocolHTTP: a plain HTTP request (a GET of an image); its arguments
	// travel in the path or the query.
	ProtocolHTTP = "http"
)

// Request body types of a plain HTTP operation (Operation.RequestMediaType).
const (
	MediaForm      = "application/x-www-form-urlencoded"
	MediaMultipart = "multipart/form-data"
)

// Where an argument travels (Argument.In).
const (
	InPath  = "path"
	InQuery = "query"
	InForm  = "form" // a field of the request body (RequestMediaType)
)

// Variant names the generator gives: success, error, success-2, ...
const (
	VariantSuccess = "success"
	VariantError   = "error"
)

// Contract is the whole contract.
type Contract struct {
	Comment    string      `json:"$comment,omitempty"`
	Title      string      `json:"title"`
	Operations []Operation `json:"operations"`
	// Definitions are the shared schemas (jsonrpc-request, ...).
	Definitions []string `json:"definitions"`
	// Decisions are the contract decisions with their titles, in the
	// order spec/DECISIONS.md gives them.
	Decisions []Decision `json:"decisions"`
	// Session says how a session travels (S2); nil when the contract
	// has no sessions.
	Session *Session `json:"session,omitempty"`
	// MaxBody is the largest request body a client may send, in bytes
	// (T5): a call of exactly this size is served, one byte more is
	// cleanly rejected (413). 0 when the contract states none.
	MaxBody int64 `json:"maxBody,omitempty"`
}

// Session is how a session travels (S2): the cookie a successful signin
// sets, and the carriers a later request may use.
type Session struct {
	// Cookie is the cookie's name, with the attributes it is set with.
	Cookie   string `json:"cookie"`
	HttpOnly bool   `json:"httpOnly"`
	SameSite string `json:"sameSite"` // "Lax", "Strict", "None" or ""
	Path     string `json:"path"`
	// Header is the request header that may carry the session id.
	Header string `json:"header"`
	// Argument is the params key that may carry it.
	Argument string `json:"argument"`
	Decision string `json:"decision,omitempty"`
}

// Decision is one contract decision (T1..T6, S1..S6, M1..M4).
type Decision struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

// Source is where something is documented.
type Source struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
}

// Operation is one documented operation.
type Operation struct {
	// ID is stable and unique: the path's segments that are neither a
	// version, a template nor a format, joined by "_" (see README).
	ID     string `json:"id"`
	Title  string `json:"title"`
	Method string `json:"method"`
	// Path is the path as served, templates written {name}.
	Path       string      `json:"path"`
	PathParams []PathParam `json:"pathParams,omitempty"`
	Protocol   string      `json:"protocol"`
	// ParamsOptional: the call object may omit params (T2: no argument is
	// required).
	ParamsOptional bool `json:"paramsOptional"`
	// RPCMethod is the JSON-RPC method that selects this operation among
	// those sharing its method and path (issue 17: every method "POST /"):
	// a call's "method" must name it. "" where the path names the
	// operation (T2: "method" is then free).
	RPCMethod string `json:"rpcMethod,omitempty"`
	// ParamsByPosition: params is a JSON array, the arguments in their
	// order (JSON-RPC 2.0 by position), not an object by name.
	ParamsByPosition bool `json:"paramsByPosition,omitempty"`
	// RequestMediaType is a plain HTTP operation's request body type when
	// it has one: MediaForm or MediaMultipart, its "form" arguments as
	// fields. "" for none (arguments in the path and the query).
	RequestMediaType string `json:"requestMediaType,omitempty"`
	// Safe: calling it against a production deployment is known to have no
	// side effect (the overlay's x-safe). An operation the mock has no
	// business rules for may create things (a ticket, a message): the suite
	// calls it under readonly only when it is Safe.
	Safe        bool       `json:"safe"`
	Description string     `json:"description,omitempty"`
	Request     string     `json:"request"`
	Response    string     `json:"response"`
	Arguments   []Argument `json:"arguments"`
	Variants    []Variant  `json:"variants"`
	Decision    string     `json:"decision,omitempty"`
	Source      Source     `json:"source"`
	// Session is what the operation does to a session (the overlay's
	// x-session, S2, S3): SessionStart (a success starts one and sets the
	// cookie), SessionEnd (ends the one the request carries and clears the
	// cookie), or "".
	Session string `json:"session,omitempty"`
}

// What an operation does to a session (Operation.Session).
const (
	SessionStart = "start"
	SessionEnd   = "end"
)

// PathParam is a templated path segment.
type PathParam struct {
	Name string `json:"name"`
	// Example is a value the page shows or documents for it, if any.
	Example string `json:"example,omitempty"`
}

// Argument is one argument of an operation, with the constraints the page
// and the overlay put on it.
type Argument struct {
	Name string `json:"name"`
	// Type is the JSON Schema type ("string", "integer", ...; "" any).
	Type string `json:"type"`
	// DocType is the Type cell as the page writes it.
	DocType     string   `json:"docType,omitempty"`
	Required    bool     `json:"required"`
	Description string   `json:"description,omitempty"`
	MinLength   *int     `json:"minLength,omitempty"`
	MaxLength   *int     `json:"maxLength,omitempty"`
	Minimum     *float64 `json:"minimum,omitempty"`
	Maximum     *float64 `json:"maximum,omitempty"`
	Pattern     string   `json:"pattern,omitempty"`
	Format      string   `json:"format,omitempty"`
	Enum        []any    `json:"enum,omitempty"`
	// ErrorKey is the key an error about this argument is reported under
	// (S5's x-error-key); "" means the argument's own name.
	ErrorKey string `json:"errorKey,omitempty"`
	// Secret values are never logged or echoed (M4, S2).
	Secret   bool   `json:"secret,omitempty"`
	Decision string `json:"decision,omitempty"`
	// In is where a plain-HTTP operation takes it: "path", "query" or
	// "form"; "" for a JSON-RPC argument (in params).
	In     string `json:"in,omitempty"`
	Source Source `json:"source"`
}

// Key is the key an error about the argument is reported under (S5).
func (a Argument) Key() string {
	if a.ErrorKey != "" {
		return a.ErrorKey
	}
	return a.Name
}

// Variant is one documented response of an operation.
type Variant struct {
	Name   string `json:"name"`
	Schema string `json:"schema"`
	Shape  string `json:"shape"`
	Error  bool   `json:"error"`
	Label  string `json:"label"`
	// MediaType of the body: application/json, or image/png, ... for a
	// ShapeBinary variant.
	MediaType string `json:"mediaType"`
	// Example is the page's example, as documented (the whole body);
	// null for a binary variant.
	Example json.RawMessage `json:"example,omitempty"`
	// Fields are the result's documented fields (the envelope's result for
	// ShapeArray and ShapeEnvelope, the body for ShapeBare), depth first.
	Fields   []Field `json:"fields,omitempty"`
	Decision string  `json:"decision,omitempty"`
	Source   Source  `json:"source"`
}

// Field is one documented field of a response, with its constraints.
type Field struct {
	// Pointer is the field's JSON pointer within the result; "*" stands
	// for any item of an array ("/*/id").
	Pointer     string   `json:"pointer"`
	Type        string   `json:"type,omitempty"`
	Required    bool     `json:"required"`
	Const       any      `json:"const,omitempty"`
	Enum        []any    `json:"enum,omitempty"`
	Pattern     string   `json:"pattern,omitempty"`
	Minimum     *float64 `json:"minimum,omitempty"`
	MinLength   *int     `json:"minLength,omitempty"`
	Description string   `json:"description,omitempty"`
	Secret      bool     `json:"secret,omitempty"`
	// Open: an object whose keys are data, not names (signup's errors,
	// keyed by field, S5): keys beyond the documented ones are allowed.
	Open     bool   `json:"open,omitempty"`
	Decision string `json:"decision,omitempty"`
}

// Name is the field's last key.
func (f Field) Name() string {
	return f.Pointer[strings.LastIndexByte(f.Pointer, '/')+1:]
}

// Text is the field's fixed text, if the contract fixes one.
func (f Field) Text() (string, bool) {
	s, ok := f.Const.(string)
	return s, ok
}

// Operation returns an operation by id.
func (c *Contract) Operation(id string) (*Operation, bool) {
	for i := range c.Operations {
		if c.Operations[i].ID == id {
			return &c.Operations[i], true
		}
	}
	return nil, false
}

// Decision returns a decision by id.
func (c *Contract) Decision(id string) (Decision, bool) {
	for _, d := range c.Decisions {
		if d.ID == id {
			return d, true
		}
	}
	return Decision{}, false
}

// DecisionTitle is the decision's title, "" when unknown.
func (c *Contract) DecisionTitle(id string) string {
	d, _ := c.Decision(id)
	return d.Title
}

// Secrets returns every argument and field name whose value is secret, in
// any operation, sorted: what a journal or a log must never show.
func (c *Contract) Secrets() []string {
	seen := map[string]bool{}
	for _, o := range c.Operations {
		for _, a := range o.Arguments {
			if a.Secret {
				seen[a.Name] = true
			}
		}
		for _, v := range o.Variants {
			for _, f := range v.Fields {
				if f.Secret {
					seen[f.Name()] = true
				}
			}
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Argument returns an argument by name.
func (o Operation) Argument(name string) (Argument, bool) {
	for _, a := range o.Arguments {
		if a.Name == name {
			return a, true
		}
	}
	return Argument{}, false
}

// Variant returns a variant by name.
func (o Operation) Variant(name string) (Variant, bool) {
	for _, v := range o.Variants {
		if v.Name == name {
			return v, true
		}
	}
	return Variant{}, false
}

// ErrorKey is the key an error about argument name is reported under (S5).
func (o Operation) ErrorKey(name string) string {
	if a, ok := o.Argument(name); ok {
		return a.Key()
	}
	return name
}

// CallMethod is the HTTP method the operation is called with: its Method,
// POST when the model names none (T1).
func (o Operation) CallMethod() string {
	if o.Method == "" {
		return "POST"
	}
	return o.Method
}

// JSONRPC reports whether the operation takes a JSON-RPC call object.
func (o Operation) JSONRPC() bool { return o.Protocol != ProtocolHTTP }

// Positional returns params (by name) as the JSON-RPC params array of an
// operation whose arguments travel by position (ParamsByPosition): each
// argument at its place, up to the last one params has; a gap is null.
func (o Operation) Positional(params map[string]any) []any {
	out := []any{}
	last := -1
	var args []Argument
	for _, a := range o.Arguments {
		if a.In == InPath {
			continue
		}
		args = append(args, a)
	}
	for i, a := range args {
		if _, ok := params[a.Name]; ok {
			last = i
		}
	}
	for i := 0; i <= last; i++ {
		out = append(out, params[args[i].Name])
	}
	return out
}

// Named is the inverse of Positional: a params array as arguments by name
// (items beyond the documented ones are left out).
func (o Operation) Named(params []any) map[string]any {
	out := map[string]any{}
	i := 0
	for _, a := range o.Arguments {
		if a.In == InPath {
			continue
		}
		if i >= len(params) {
			break
		}
		out[a.Name] = params[i]
		i++
	}
	return out
}

// URL is the operation's URL under base (no trailing slash), with each path
// template filled from values (escaped), or from its example.
func (o Operation) URL(base string, values map[string]string) string {
	p := o.Path
	for _, pp := range o.PathParams {
		v, ok := values[pp.Name]
		if !ok {
			v = pp.Example
		}
		p = strings.ReplaceAll(p, "{"+pp.Name+"}", url.PathEscape(v))
	}
	return strings.TrimSuffix(base, "/") + p
}

// Field returns a documented field by pointer.
func (v Variant) Field(pointer string) (Field, bool) {
	for _, f := range v.Fields {
		if f.Pointer == pointer {
			return f, true
		}
	}
	return Field{}, false
}

// Text is the fixed text of the field at pointer, if the contract fixes one.
func (v Variant) Text(pointer string) (string, bool) {
	f, ok := v.Field(pointer)
	if !ok {
		return "", false
	}
	return f.Text()
}

// TopFields are the fields directly under the result, in pointer order.
func (v Variant) TopFields() []Field {
	var out []Field
	for _, f := range v.Fields {
		if strings.Count(f.Pointer, "/") == 1 {
			out = append(out, f)
		}
	}
	return out
}

// Result is the example's result: the envelope's result for ShapeArray and
// ShapeEnvelope, the whole example for ShapeBare; nil when there is none.
func (v Variant) Result() any {
	if len(v.Example) == 0 {
		return nil
	}
	var x any
	dec := json.NewDecoder(strings.NewReader(string(v.Example)))
	dec.UseNumber()
	if dec.Decode(&x) != nil {
		return nil
	}
	switch v.Shape {
	case ShapeArray:
		if a, ok := x.([]any); ok && len(a) == 1 {
			if m, ok := a[0].(map[string]any); ok {
				return m["result"]
			}
		}
		return nil
	case ShapeEnvelope:
		if m, ok := x.(map[string]any); ok {
			return m["result"]
		}
		return nil
	}
	return x
}
