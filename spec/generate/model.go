package generate

import (
	"fmt"
	"strings"

	"github.com/nebeus/nebeus-contract/spec/slate"
)

// Model is the contract as a JSON tree, the document the overlay edits:
//
//	{"title": ..., "definitions": {NAME: schema},
//	 "operations": {OP: {"title", "method", "path", "order", "line",
//	     "params": schema, "arguments": [{"name","type","required","description"}],
//	     "variants": {NAME: {"label", "error", "shape", "schema", "example", "line"}}}}}
//
// A variant's shape is "array" (a JSON array holding one JSON-RPC envelope),
// "envelope" (a bare envelope) or "bare" (any other JSON); for the first two
// its schema describes the envelope's result, for "bare" the whole body.
type Model = map[string]any

// Shapes of a documented response variant (T4).
const (
	ShapeArray    = "array"
	ShapeEnvelope = "envelope"
	ShapeBare     = "bare"
)

// BuildModel derives the model from a page: every section with an endpoint is
// an operation named by the first segment of its path (T1: /NAME/1.0/json).
func BuildModel(p *slate.Page) (Model, []slate.Diagnostic, error) {
	var warns []slate.Diagnostic
	var errs slate.Errors
	ops := map[string]any{}
	order := 0
	for _, s := range p.Sections {
		ep := s.Endpoint
		if ep == nil {
			ep = s.HTTPRequest
		}
		if ep == nil {
			continue
		}
		name := opName(ep.Path)
		if name == "" {
			errs = append(errs, slate.Diagnostic{File: s.File, Line: ep.Line, Message: fmt.Sprintf("endpoint path %q names no operation", ep.Path)})
			continue
		}
		if prev, dup := ops[name]; dup {
			errs = append(errs, slate.Diagnostic{File: s.File, Line: ep.Line, Message: fmt.Sprintf("operation %q is documented twice (first at line %v)", name, prev.(map[string]any)["line"])})
			continue
		}
		params, args, w := paramsSchema(s)
		warns = append(warns, w...)
		variants := map[string]any{}
		counts := map[string]int{}
		for _, ex := range s.Examples {
			kind := "success"
			if ex.Error {
				kind = "error"
			}
			counts[kind]++
			vname := kind
			if counts[kind] > 1 {
				vname = fmt.Sprintf("%s-%d", kind, counts[kind])
			}
			shape, schema := variantSchema(ex.Value)
			variants[vname] = map[string]any{
				"label": ex.Label, "error": ex.Error, "shape": shape,
				"schema": schema, "example": ex.Value, "line": ex.Line,
			}
		}
		if len(variants) == 0 {
			warns = append(warns, slate.Diagnostic{File: s.File, Line: s.Line, Message: fmt.Sprintf("operation %q has no usable response example; its responses are unconstrained", name)})
		}
		order++
		ops[name] = map[string]any{
			"title": s.Title, "method": ep.Method, "path": ep.Path, "order": order,
			"line": ep.Line, "file": s.File, "description": strings.Join(s.Notes, "\n"),
			"params": params, "arguments": args, "variants": variants,
		}
	}
	if len(errs) > 0 {
		return nil, warns, errs
	}
	if len(ops) == 0 {
		return nil, warns, slate.Errors{{File: p.File, Message: "the page documents no operation (no section has an endpoint line)"}}
	}
	return Model{"title": p.Title, "operations": ops, "definitions": protocolDefinitions()}, warns, nil
}

func opName(path string) string {
	for _, seg := range strings.Split(path, "/") {
		if seg != "" {
			return seg
		}
	}
	return ""
}

// isEnvelope reports whether v is a JSON-RPC 2.0 response object, the
// protocol the making_requests include prescribes (T2).
func isEnvelope(v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	_, hasRPC := m["jsonrpc"]
	_, hasResult := m["result"]
	for k := range m {
		if k != "id" && k != "jsonrpc" && k != "result" {
			return false
		}
	}
	return hasRPC && hasResult
}

func variantSchema(v any) (string, map[string]any) {
	if a, ok := v.([]any); ok && len(a) == 1 && isEnvelope(a[0]) {
		return ShapeArray, Infer(a[0].(map[string]any)["result"])
	}
	if isEnvelope(v) {
		return ShapeEnvelope, Infer(v.(map[string]any)["result"])
	}
	return ShapeBare, Infer(v)
}

// argType maps an argument table's Type cell to a schema.
func argType(t string) (map[string]any, bool) {
	t = strings.TrimSpace(strings.ToLower(t))
	if strings.HasSuffix(t, "[]") || strings.HasPrefix(t, "array of ") || strings.HasPrefix(t, "list of ") || (strings.HasPrefix(t, "array<") && strings.HasSuffix(t, ">")) {
		inner := strings.TrimSuffix(t, "[]")
		for _, p := range []string{"array of ", "list of ", "array<"} {
			inner = strings.TrimPrefix(inner, p)
		}
		inner = strings.TrimSuffix(inner, ">")
		if it, ok := argType(strings.TrimSuffix(inner, "s")); ok {
			return map[string]any{"type": "array", "items": it}, true
		}
		if it, ok := argType(inner); ok {
			return map[string]any{"type": "array", "items": it}, true
		}
		return nil, false
	}
	switch t {
	case "string", "str", "text":
		return map[string]any{"type": "string"}, true
	case "number", "float", "double", "decimal":
		return map[string]any{"type": "number"}, true
	case "integer", "int", "int32", "int64", "long":
		return map[string]any{"type": "integer"}, true
	case "boolean", "bool":
		return map[string]any{"type": "boolean"}, true
	case "object", "json", "map", "dict", "dictionary":
		return map[string]any{"type": "object"}, true
	case "array", "list":
		return map[string]any{"type": "array"}, true
	case "email":
		return map[string]any{"type": "string", "format": "email"}, true
	case "date":
		return map[string]any{"type": "string", "format": "date"}, true
	case "datetime", "date-time", "timestamp":
		return map[string]any{"type": "string", "format": "date-time"}, true
	}
	return nil, false
}

func paramsSchema(s slate.Section) (map[string]any, []any, []slate.Diagnostic) {
	var warns []slate.Diagnostic
	props := map[string]any{}
	req := []any{}
	args := []any{}
	for _, a := range s.Arguments {
		sch, ok := argType(a.Type)
		if !ok {
			warns = append(warns, slate.Diagnostic{File: s.File, Line: a.Line, Message: fmt.Sprintf("argument %q has unknown type %q; any value is accepted", a.Name, a.Type)})
			sch = map[string]any{}
		}
		if a.Description != "" {
			sch["description"] = a.Description
		}
		props[a.Name] = sch
		if a.Required {
			req = append(req, a.Name)
		}
		args = append(args, map[string]any{"name": a.Name, "type": a.Type, "required": a.Required, "description": a.Description})
	}
	// Arguments are matched by name; others are tolerated (T2 names only
	// the documented ones, and a session may travel in params, S2).
	return map[string]any{"type": "object", "properties": props, "required": req}, args, warns
}

// protocolDefinitions are the JSON-RPC 2.0 objects of the making_requests
// include (T2) and of JSON-RPC's own error object (T5). The overlay tags them
// with their decisions and tightens them.
func protocolDefinitions() map[string]any {
	id := map[string]any{"type": []any{"string", "number", "null"}}
	return map[string]any{
		"jsonrpc-request": map[string]any{
			"description": "A JSON-RPC 2.0 call object; the path names the operation.",
			"type":        "object",
			"required":    []any{"jsonrpc"},
			"properties": map[string]any{
				"jsonrpc": map[string]any{"const": "2.0"},
				"method":  map[string]any{"type": "string"},
				"params":  map[string]any{"type": "object"},
				"id":      id,
			},
		},
		"jsonrpc-envelope": map[string]any{
			"description":          "A JSON-RPC 2.0 response object carrying a result.",
			"type":                 "object",
			"required":             []any{"id", "jsonrpc", "result"},
			"properties":           map[string]any{"id": id, "jsonrpc": map[string]any{"const": "2.0"}, "result": map[string]any{}},
			"additionalProperties": false,
		},
		"jsonrpc-error": map[string]any{
			"description": "A JSON-RPC 2.0 error response.",
			"type":        "object",
			"required":    []any{"jsonrpc", "id", "error"},
			"properties": map[string]any{
				"jsonrpc": map[string]any{"const": "2.0"},
				"id":      id,
				"error": map[string]any{
					"type":     "object",
					"required": []any{"code", "message"},
					"properties": map[string]any{
						"code":    map[string]any{"type": "integer"},
						"message": map[string]any{"type": "string"},
						"data":    map[string]any{},
					},
				},
			},
			"additionalProperties": false,
		},
	}
}
