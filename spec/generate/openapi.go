package generate

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v3"
)

// OpenAPI builds the OpenAPI 3.0.3 document of the contract from the schema
// files (so it says exactly what they say) and checks it with kin-openapi.
func OpenAPI(m Model, files map[string]map[string]any, src Sources) (*openapi3.T, error) {
	doc := &openapi3.T{
		OpenAPI: "3.0.3",
		Info: &openapi3.Info{
			Title:       fmt.Sprint(m["title"]),
			Version:     "1.0",
			Description: "Every operation is POST {base}/{operation}/1.0/json with a JSON-RPC 2.0 call object (T1, T2). Decisions T1-T6 and S1-S6 are in spec/DECISIONS.md.",
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
	ops := m["operations"].(map[string]any)
	for _, name := range operationNames(m) {
		op := ops[name].(map[string]any)
		ok := openapi3.NewResponse().WithDescription("Every business outcome, success or documented error (T3), in its documented shape (T4).")
		mt := &openapi3.MediaType{Schema: &openapi3.SchemaRef{Ref: "#/components/schemas/" + name + ".response"}, Examples: openapi3.Examples{}}
		vs, _ := op["variants"].(map[string]any)
		for _, vn := range variantNames(op) {
			v := vs[vn].(map[string]any)
			ex := openapi3.NewExample(v["example"])
			ex.Summary = fmt.Sprint(v["label"])
			mt.Examples[vn] = &openapi3.ExampleRef{Value: ex}
		}
		ok.Content = openapi3.Content{"application/json": mt}
		responses := openapi3.NewResponses(
			openapi3.WithStatus(200, &openapi3.ResponseRef{Value: ok}),
			openapi3.WithStatus(400, errorContent("Protocol error (T5): body not JSON (-32700), not a call object (-32600) or params not an object (-32602).")),
			openapi3.WithStatus(405, errorContent("Method other than POST (T5).")),
			openapi3.WithStatus(413, errorContent("Body over the server's limit (T5).")),
		)
		responses.Delete("default")
		o := &openapi3.Operation{
			OperationID: name,
			Summary:     fmt.Sprint(op["title"]),
			Description: fmt.Sprint(op["description"]),
			RequestBody: &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(true).
				WithContent(openapi3.NewContentWithJSONSchemaRef(&openapi3.SchemaRef{Ref: "#/components/schemas/" + name + ".request"}))},
			Responses: responses,
		}
		method, _ := op["method"].(string)
		item := &openapi3.PathItem{}
		item.SetOperation(method, o)
		doc.Paths.Set(fmt.Sprint(op["path"]), item)
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
