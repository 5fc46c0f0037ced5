package generate

import (
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Several JSON-RPC methods on one URL (issue 17: an Ethereum-style API,
// every method "POST /"). OpenAPI has one operation per path and method,
// and a fragment ("/#eth_getBalance") is no path, so the methods of one URL
// are one OpenAPI operation there:
//
//   - its request body is a oneOf of each method's call object (OpRequest,
//     whose "method" is required and fixed), discriminated by "method",
//     with a mapping from each method to its call object: linters and
//     client generators (Redocly, Spectral, oapi-codegen) accept it, and a
//     client generator makes one type per method;
//   - its 200 response is an anyOf of each method's responses (two methods
//     may answer alike: a string, an object), with each method's examples
//     named after it;
//   - x-rpc-methods maps each method to the contract's operation id, which
//     is the method's name.
//
// The first method's operation becomes the shared one, renamed after the
// URL; each further one is merged into it.

// rpcShared is the OpenAPI operation several JSON-RPC methods share.
type rpcShared struct {
	op       *openapi3.Operation
	call     *openapi3.Schema // the request body's oneOf
	response *openapi3.Schema // the 200 response's anyOf
	methods  map[string]any   // x-rpc-methods
}

// rpcOperationID is the shared operation's id: "jsonrpc" and the path's
// segments ("/" is jsonrpc, "/api/v1" jsonrpc_api_v1).
func rpcOperationID(path string) string {
	if id := sanitizeID(strings.ReplaceAll(strings.Trim(path, "/"), "/", "_")); id != "" {
		return "jsonrpc_" + id
	}
	return "jsonrpc"
}

// mergeRPC merges o, the operation of JSON-RPC method op at path, into the
// operation prev the URL's first method made (ptr is their pointer).
func (b *oasBuilder) mergeRPC(path, ptr string, prev, o *openapi3.Operation, op map[string]any) error {
	if b.rpc == nil {
		b.rpc = map[string]*rpcShared{}
	}
	sh := b.rpc[ptr]
	if sh == nil {
		// prev becomes the shared operation.
		sh = &rpcShared{op: prev, methods: map[string]any{}}
		first := prev.OperationID
		base := componentName(rpcOperationID(path))
		sh.call = &openapi3.Schema{
			Title:       "A call of one of the JSON-RPC methods at " + path,
			Description: "Several JSON-RPC methods share this URL: the call's method selects one (its call object).",
			Discriminator: &openapi3.Discriminator{
				PropertyName: "method",
				Mapping:      map[string]openapi3.MappingRef{},
			},
		}
		sh.response = &openapi3.Schema{Title: "The answer of one of the JSON-RPC methods at " + path}
		b.addRPC(sh, prev, b.firstRPC[ptr], first)
		b.doc.Components.Schemas[base+"Call"] = &openapi3.SchemaRef{Value: sh.call}
		b.doc.Components.Schemas[base+"Answer"] = &openapi3.SchemaRef{Value: sh.response}
		prev.RequestBody.Value.Content[mediaJSON] = &openapi3.MediaType{
			Schema:   &openapi3.SchemaRef{Ref: componentRef(base + "Call")},
			Examples: prev.RequestBody.Value.Content[mediaJSON].Examples,
		}
		ok := prev.Responses.Value("200").Value
		ok.Content[mediaJSON] = &openapi3.MediaType{
			Schema:   &openapi3.SchemaRef{Ref: componentRef(base + "Answer")},
			Examples: ok.Content[mediaJSON].Examples,
		}
		prev.OperationID = rpcOperationID(path)
		prev.Extensions = map[string]any{"x-rpc-methods": sh.methods}
		b.rpc[ptr] = sh
	}
	b.addRPC(sh, o, op, o.OperationID)
	for _, t := range o.Tags {
		sh.op.Tags = append(sh.op.Tags, t)
	}
	var names []string
	for k := range sh.methods {
		names = append(names, k)
	}
	sh.op.Summary = fmt.Sprintf("JSON-RPC methods at %s (%d)", path, len(names))
	return nil
}

// addRPC adds one method's call object, answers and examples to sh.
func (b *oasBuilder) addRPC(sh *rpcShared, o *openapi3.Operation, op map[string]any, id string) {
	method := str(op["rpcMethod"])
	reqMT := o.RequestBody.Value.Content[mediaJSON]
	ref := reqMT.Schema.Ref
	sh.call.OneOf = append(sh.call.OneOf, &openapi3.SchemaRef{Ref: ref})
	if method == "" {
		// An operation of the URL no method selects (it takes the calls
		// that name none of the others): its call object does not fix
		// method, so nothing can be discriminated by it.
		sh.call.Discriminator = nil
		sh.call.OneOf, sh.call.AnyOf = nil, append(sh.call.OneOf, sh.call.AnyOf...)
		method = "(any other method)"
	} else if sh.call.Discriminator != nil {
		sh.call.Discriminator.Mapping[method] = openapi3.MappingRef{Ref: ref}
	} else {
		sh.call.AnyOf = append(sh.call.AnyOf, sh.call.OneOf...)
		sh.call.OneOf = nil
	}
	sh.methods[method] = id
	if sh.op != o {
		mt := sh.op.RequestBody.Value.Content[mediaJSON]
		for k, v := range reqMT.Examples {
			mt.Examples[k] = v
		}
		sh.op.Description += "\n\n" + method + ": " + o.Description
	} else {
		sh.op.Description = "Several JSON-RPC methods share this URL; the call's method selects one (issue 17).\n\n" + method + ": " + o.Description
	}
	if r := o.Responses.Value("200"); r != nil {
		if mt := r.Value.Content[mediaJSON]; mt != nil {
			schema := mt.Schema
			if schema.Ref == "" && schema.Value != nil && schema.Value.IsEmpty() {
				// No documented answer: the mock's, an envelope with any
				// result (an empty branch would make the anyOf say nothing).
				schema = &openapi3.SchemaRef{Value: &openapi3.Schema{
					Title:    method + " answer (undocumented: any result)",
					Type:     &openapi3.Types{"object"},
					Required: []string{"id", "jsonrpc", "result"},
					Properties: openapi3.Schemas{
						"id":      &openapi3.SchemaRef{Ref: componentRef("JsonrpcId")},
						"jsonrpc": &openapi3.SchemaRef{Ref: componentRef("JsonrpcVersion")},
						"result":  &openapi3.SchemaRef{Value: &openapi3.Schema{Description: "Any JSON."}},
					},
				}}
			}
			sh.response.AnyOf = append(sh.response.AnyOf, schema)
			if sh.op != o {
				dst := sh.op.Responses.Value("200").Value.Content[mediaJSON]
				if dst.Examples == nil {
					dst.Examples = openapi3.Examples{}
				}
				for k, v := range mt.Examples {
					dst.Examples[k] = v
				}
			}
		}
	}
}

// formBody is a plain HTTP operation's form body (issue 17): its "form"
// arguments as the fields of its requestMediaType.
func (b *oasBuilder) formBody(op map[string]any, o *openapi3.Operation) {
	media := str(op["requestMediaType"])
	if media == "" {
		return
	}
	params, _ := op["params"].(map[string]any)
	props, _ := params["properties"].(map[string]any)
	required := map[string]bool{}
	for _, r := range asSlice(params["required"]) {
		required[str(r)] = true
	}
	body := &openapi3.Schema{Type: &openapi3.Types{"object"}, Properties: openapi3.Schemas{}}
	for _, a := range asSlice(op["arguments"]) {
		am, _ := a.(map[string]any)
		if str(am["in"]) != "form" {
			continue
		}
		name := str(am["name"])
		s, _ := props[name].(map[string]any)
		if s == nil {
			s = map[string]any{"type": "string"}
		}
		body.Properties[name] = b.d.schema(deepCopy(s).(map[string]any), asIs)
		if required[name] {
			body.Required = append(body.Required, name)
		}
	}
	o.RequestBody = &openapi3.RequestBodyRef{Value: openapi3.NewRequestBody().WithRequired(len(body.Required) > 0).
		WithDescription("The arguments as form fields (" + media + "), as the page's calls send them.").
		WithContent(openapi3.Content{media: &openapi3.MediaType{Schema: &openapi3.SchemaRef{Value: body}}})}
}

// positionalSchema is the params array of a JSON-RPC method whose
// arguments travel by position: OpenAPI 3.0 has no prefixItems, so its
// items are any of the arguments' schemas, and the description says which
// goes where.
func positionalSchema(op map[string]any, s map[string]any) map[string]any {
	items := asSlice(s["prefixItems"])
	delete(s, "prefixItems")
	switch len(items) {
	case 0:
		s["items"] = map[string]any{}
	case 1:
		s["items"] = items[0]
	default:
		s["items"] = map[string]any{"anyOf": items}
	}
	var names []string
	for i, it := range items {
		m, _ := it.(map[string]any)
		names = append(names, fmt.Sprintf("%d. %s", i+1, str(m["title"])))
	}
	desc := "The arguments by position (JSON-RPC 2.0's params array)"
	if len(names) > 0 {
		desc += ": " + strings.Join(names, ", ")
	}
	s["description"] = desc + "."
	s["title"] = str(op["id"]) + " arguments"
	return s
}
