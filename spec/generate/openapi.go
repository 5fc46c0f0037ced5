package generate

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/santhosh-tekuri/jsonschema/v5"
	"go.yaml.in/yaml/v3"

	"github.com/nebeus/nebeus-contract/spec/model"
)

// description is the document's description: T1 and T2 when every
// operation is a JSON-RPC POST, else what the operations have in common.
func description(m Model) string {
	ops, _ := m["operations"].(map[string]any)
	for _, o := range ops {
		op, _ := o.(map[string]any)
		if op["method"] != "POST" || op["protocol"] == model.ProtocolHTTP {
			return "Operations with a JSON-RPC 2.0 call object (T2) are POSTs; the others are plain HTTP requests whose arguments travel in the path and the query. Decisions T1-T6 and S1-S6 are in spec/DECISIONS.md."
		}
	}
	return "Every operation is a POST of a JSON-RPC 2.0 call object to its path under the base URL (T1, T2). Decisions T1-T6 and S1-S6 are in spec/DECISIONS.md."
}

// OpenAPI builds the OpenAPI 3.0.3 document of the contract from the schema
// files (so it says exactly what they say) and checks it with kin-openapi.
func OpenAPI(m Model, files map[string]map[string]any, src Sources) (*openapi3.T, error) {
	doc := &openapi3.T{
		OpenAPI: "3.0.3",
		Info: &openapi3.Info{
			Title:       fmt.Sprint(m["title"]),
			Version:     "1.0",
			Description: description(m),
			Extensions:  map[string]any{"x-generated": src.comment()},
		},
		Servers:    openapi3.Servers{{URL: "http://127.0.0.1:8080", Description: "the mock (make run); the base URL is configurable everywhere (T1)"}},
		Paths:      openapi3.NewPaths(),
		Components: &openapi3.Components{Schemas: openapi3.Schemas{}},
	}
	for name, f := range files {
		if name == "index" {
			continue
		}
		doc.Components.Schemas[name] = toOAS(f)
	}
	errorContent := func(desc string) *openapi3.ResponseRef {
		return &openapi3.ResponseRef{Value: openapi3.NewResponse().WithDescription(desc).
			WithContent(openapi3.NewContentWithJSONSchemaRef(&openapi3.SchemaRef{Ref: "#/components/schemas/jsonrpc-error"}))}
	}
	schemas, err := compiler(files)
	if err != nil {
		return nil, err
	}
	ops := m["operations"].(map[string]any)
	for _, name := range operationNames(m) {
		op := ops[name].(map[string]any)
		method, _ := op["method"].(string)
		path := fmt.Sprint(op["path"])
		http := op["protocol"] == model.ProtocolHTTP
		o := &openapi3.Operation{
			OperationID: name,
			Summary:     fmt.Sprint(op["title"]),
			Description: fmt.Sprint(op["description"]),
			Parameters:  parameters(op),
			Responses:   responses(name, op, schemas, errorContent),
		}
		if !http {
			o.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(true).
				WithContent(openapi3.NewContentWithJSONSchemaRef(&openapi3.SchemaRef{Ref: "#/components/schemas/" + name + ".request"}))}
		}
		item := doc.Paths.Value(path)
		if item == nil {
			item = &openapi3.PathItem{}
			doc.Paths.Set(path, item)
		}
		item.SetOperation(method, o)
	}
	// Refs are resolved by loading the document back, as any consumer will.
	raw, err := doc.MarshalJSON()
	if err != nil {
		return nil, err
	}
	loaded, err := openapi3.NewLoader().LoadFromData(raw)
	if err != nil {
		return nil, fmt.Errorf("generated OpenAPI document does not load: %w", err)
	}
	if err := loaded.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("generated OpenAPI document does not validate: %w", err)
	}
	return doc, nil
}

// responses are an operation's documented variants under 200 (T3), each in
// its media type: a binary variant as {type: string, format: binary}, the
// JSON ones as the operation's response schema (or, beside a binary one, as
// the oneOf of the JSON variants). A jsonrpc operation also has the T5
// protocol errors.
func responses(name string, op map[string]any, schemas *jsonschema.Compiler, errorContent func(string) *openapi3.ResponseRef) *openapi3.Responses {
	ok := openapi3.NewResponse().WithDescription("Every business outcome, success or documented error (T3), in its documented shape (T4).")
	ok.Content = openapi3.Content{}
	vs, _ := op["variants"].(map[string]any)
	var jsonRefs openapi3.SchemaRefs
	binary := false
	examples := openapi3.Examples{}
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
		jsonRefs = append(jsonRefs, &openapi3.SchemaRef{Ref: "#/components/schemas/" + name + ".response." + vn})
		ex := openapi3.NewExample(v["example"])
		ex.Summary = fmt.Sprint(v["label"])
		examples[vn] = &openapi3.ExampleRef{Value: ex}
	}
	if !binary || len(jsonRefs) > 0 {
		schema := &openapi3.SchemaRef{Ref: "#/components/schemas/" + name + ".response"}
		switch {
		case len(jsonRefs) > 1 && overlap(op, name, schemas):
			// An example matches several variants: "exactly one" would
			// make the page's own examples invalid.
			schema = &openapi3.SchemaRef{Value: &openapi3.Schema{AnyOf: jsonRefs}}
		case binary && len(jsonRefs) == 1:
			schema = jsonRefs[0]
		case binary:
			schema = &openapi3.SchemaRef{Value: &openapi3.Schema{OneOf: jsonRefs}}
		}
		ok.Content[mediaJSON] = &openapi3.MediaType{Schema: schema, Examples: examples}
	}
	if op["protocol"] == model.ProtocolHTTP {
		rs := openapi3.NewResponses(openapi3.WithStatus(200, &openapi3.ResponseRef{Value: ok}))
		rs.Delete("default")
		return rs
	}
	rs := openapi3.NewResponses(
		openapi3.WithStatus(200, &openapi3.ResponseRef{Value: ok}),
		openapi3.WithStatus(400, errorContent("Protocol error (T5): body not JSON (-32700), not a call object (-32600) or params not an object (-32602).")),
		openapi3.WithStatus(405, errorContent("Method other than POST (T5).")),
		openapi3.WithStatus(413, errorContent("Body over the server's limit (T5).")),
	)
	rs.Delete("default")
	return rs
}

// overlap reports whether an example of op's JSON variants matches more
// than one of them.
func overlap(op map[string]any, name string, schemas *jsonschema.Compiler) bool {
	vs, _ := op["variants"].(map[string]any)
	var compiled []*jsonschema.Schema
	var examples []any
	for _, vn := range variantNames(op) {
		v := vs[vn].(map[string]any)
		if v["shape"] == ShapeBinary {
			continue
		}
		sc, err := schemas.Compile(SchemaBase + name + ".response." + vn + ".json")
		if err != nil {
			return false // compileAll reports it
		}
		compiled = append(compiled, sc)
		examples = append(examples, v["example"])
	}
	for _, ex := range examples {
		// Validate wants plain JSON values: round-trip the example.
		b, err := json.Marshal(ex)
		if err != nil {
			continue
		}
		var val any
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if dec.Decode(&val) != nil {
			continue
		}
		n := 0
		for _, sc := range compiled {
			if sc.Validate(val) == nil {
				n++
			}
		}
		if n > 1 {
			return true
		}
	}
	return false
}

// parameters are an operation's path arguments (in: path, required) and,
// for an http operation, its query arguments (in: query), in the order of
// its arguments, with their schemas from its params.
func parameters(op map[string]any) openapi3.Parameters {
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
		p.Schema = toOAS(s)
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

// toOAS converts a draft 2020-12 schema into OpenAPI 3.0.3's dialect: const
// becomes a one-value enum, a type list becomes nullable/oneOf, prefixItems
// becomes items, and a $ref with siblings becomes allOf.
func toOAS(s map[string]any) *openapi3.SchemaRef {
	if ref, ok := s["$ref"].(string); ok {
		r := &openapi3.SchemaRef{Ref: "#/components/schemas/" + strings.TrimSuffix(ref, ".json")}
		rest := map[string]any{}
		for k, v := range s {
			if k != "$ref" && k != "$schema" && k != "$id" && k != "$comment" {
				rest[k] = v
			}
		}
		if len(rest) == 0 {
			return r
		}
		sr := toOAS(rest)
		sr.Value.AllOf = append(openapi3.SchemaRefs{r}, sr.Value.AllOf...)
		return sr
	}
	sc := &openapi3.Schema{Extensions: map[string]any{}}
	for k, v := range s {
		switch k {
		case "type":
			var types []string
			switch t := v.(type) {
			case string:
				types = []string{t}
			case []any:
				for _, x := range t {
					types = append(types, x.(string))
				}
			}
			var nonNull []string
			for _, t := range types {
				if t == "null" {
					sc.Nullable = true
				} else {
					nonNull = append(nonNull, t)
				}
			}
			if len(nonNull) == 1 {
				sc.Type = &openapi3.Types{nonNull[0]}
			} else {
				for _, t := range nonNull {
					sc.OneOf = append(sc.OneOf, &openapi3.SchemaRef{Value: &openapi3.Schema{Type: &openapi3.Types{t}}})
				}
			}
		case "title":
			sc.Title, _ = v.(string)
		case "description":
			sc.Description, _ = v.(string)
		case "format":
			sc.Format, _ = v.(string)
		case "pattern":
			sc.Pattern, _ = v.(string)
		case "const":
			sc.Enum = []any{v}
		case "enum":
			sc.Enum, _ = v.([]any)
		case "minimum":
			f := num(v)
			sc.Min = &f
		case "maximum":
			f := num(v)
			sc.Max = &f
		case "minLength":
			sc.MinLength = uint64(num(v))
		case "maxLength":
			n := uint64(num(v))
			sc.MaxLength = &n
		case "minItems":
			sc.MinItems = uint64(num(v))
		case "maxItems":
			n := uint64(num(v))
			sc.MaxItems = &n
		case "minProperties":
			sc.MinProps = uint64(num(v))
		case "required":
			for _, r := range asSlice(v) {
				sc.Required = append(sc.Required, r.(string))
			}
		case "properties":
			sc.Properties = openapi3.Schemas{}
			for pk, pv := range v.(map[string]any) {
				sc.Properties[pk] = toOAS(pv.(map[string]any))
			}
		case "additionalProperties":
			switch a := v.(type) {
			case bool:
				sc.AdditionalProperties.Has = &a
			case map[string]any:
				sc.AdditionalProperties.Schema = toOAS(a)
			}
		case "items":
			if is, ok := v.(map[string]any); ok {
				sc.Items = toOAS(is)
			}
		case "prefixItems":
			if ps := asSlice(v); len(ps) == 1 {
				sc.Items = toOAS(ps[0].(map[string]any))
			}
		case "oneOf", "anyOf", "allOf":
			var refs openapi3.SchemaRefs
			for _, x := range asSlice(v) {
				refs = append(refs, toOAS(x.(map[string]any)))
			}
			switch k {
			case "oneOf":
				sc.OneOf = append(sc.OneOf, refs...)
			case "anyOf":
				sc.AnyOf = refs
			default:
				sc.AllOf = append(sc.AllOf, refs...)
			}
		case "examples":
			if ex := asSlice(v); len(ex) > 0 {
				sc.Example = ex[0]
			}
		default:
			if strings.HasPrefix(k, "x-") {
				sc.Extensions[k] = v
			}
		}
	}
	if len(sc.Extensions) == 0 {
		sc.Extensions = nil
	}
	if sc.Type != nil && sc.Type.Is("array") && sc.Items == nil {
		// An example's empty array says nothing of its items; OpenAPI 3.0
		// wants items all the same.
		sc.Items = &openapi3.SchemaRef{Value: &openapi3.Schema{}}
	}
	return &openapi3.SchemaRef{Value: sc}
}

func num(v any) float64 {
	switch n := v.(type) {
	case json.Number:
		f, _ := n.Float64()
		return f
	case float64:
		return n
	case int:
		return float64(n)
	}
	return 0
}

// openAPIFiles renders the document as JSON and YAML, both deterministic.
func openAPIFiles(doc *openapi3.T, src Sources) (jsonOut, yamlOut []byte, err error) {
	raw, err := doc.MarshalJSON()
	if err != nil {
		return nil, nil, err
	}
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		return nil, nil, err
	}
	if jsonOut, err = encodeJSON(tree); err != nil {
		return nil, nil, err
	}
	var y bytes.Buffer
	y.WriteString("# " + src.comment() + "\n")
	enc := yaml.NewEncoder(&y)
	enc.SetIndent(2)
	if err := enc.Encode(tree); err != nil {
		return nil, nil, err
	}
	return jsonOut, y.Bytes(), nil
}
