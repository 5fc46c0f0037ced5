package generate

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
)

// componentName is the OpenAPI component name of a generated schema:
// the parts in PascalCase, every character other than a letter or a digit
// dropped (signin + success + result is SigninSuccessResult, jsonrpc-error
// is JsonrpcError). Names read well in generated code (a Go type, a
// TypeScript key) and never end in what oapi-codegen derives from an
// operation id (OpResponse, OpParams, OpJSONRequestBody, OpJSONBody).
func componentName(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		up := true
		for _, r := range p {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) || r > unicode.MaxASCII {
				up = true
				continue
			}
			if up {
				r = unicode.ToUpper(r)
				up = false
			}
			b.WriteRune(r)
		}
	}
	s := b.String()
	if s == "" || unicode.IsDigit(rune(s[0])) {
		s = "Op" + s
	}
	return s
}

func componentRef(name string) string { return "#/components/schemas/" + name }

// ruleKeywords are the JSON Schema keywords that state a business rule when
// they constrain an argument: a value that breaks one is answered with HTTP
// 200 and the operation's documented error (S1, S4, S5), not rejected by the
// protocol. The OpenAPI document shows them in x-rules and in words, and
// schemas/ enforces them.
var ruleKeywords = []string{
	"required", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
	"multipleOf", "pattern", "format", "enum", "const", "minItems", "maxItems", "uniqueItems",
	"minProperties", "maxProperties",
}

// dialect converts the model's draft 2020-12 schemas into OpenAPI 3.0.3's.
type dialect struct {
	// defs are the model's shared definitions, for "$ref": "NAME.json".
	defs map[string]any
	// shared maps the canonical JSON of a schema to the component that
	// holds it (the JSON-RPC id and version), so each is written once.
	shared map[string]string
	// used collects the definitions a converted schema refers to.
	used map[string]bool
}

// mode says how a schema is used.
type mode int

const (
	// inResponse: what a server sends. Every constraint stays, so a
	// validating proxy catches a deployment that breaks a fixed text or a
	// shape; additionalProperties: false goes, since a response may carry
	// more fields (T6).
	inResponse mode = iota
	// inArguments: a JSON-RPC call's arguments. The JSON types stay (they
	// are what a generated client is typed with); every business rule
	// moves to x-rules.
	inArguments
	// asIs: every constraint stays (a plain HTTP operation's path and
	// query arguments, which the protocol checks: 400, T5).
	asIs
)

func canonical(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// schemaNoShare is schema for a component's own schema, which is never a
// ref to a shared one.
func (d *dialect) schemaNoShare(s map[string]any, md mode) *openapi3.SchemaRef {
	c := canonical(s)
	if name, ok := d.shared[c]; ok {
		delete(d.shared, c)
		defer func() { d.shared[c] = name }()
	}
	return d.schema(s, md)
}

// schema converts s: const becomes a one-value enum and an enum without a
// type gets the type of its values; a type list becomes one type with
// nullable, or a oneOf whose first branch is nullable; prefixItems of one
// item becomes items; a $ref to a definition becomes a component ref, and a
// $ref with siblings an allOf whose second part keeps the definition's
// required keys (so generated types keep them required). A $ref already
// starting with "#/" is kept.
func (d *dialect) schema(s map[string]any, md mode) *openapi3.SchemaRef {
	if name, ok := d.shared[canonical(s)]; ok {
		return &openapi3.SchemaRef{Ref: componentRef(name)}
	}
	if ref, ok := s["$ref"].(string); ok {
		var r *openapi3.SchemaRef
		var def map[string]any
		if strings.HasPrefix(ref, "#/") {
			r = &openapi3.SchemaRef{Ref: ref}
		} else {
			name := strings.TrimSuffix(ref, ".json")
			d.used[name] = true
			def, _ = d.defs[name].(map[string]any)
			r = &openapi3.SchemaRef{Ref: componentRef(componentName(name))}
		}
		rest := map[string]any{}
		for k, v := range s {
			if k != "$ref" && k != "$schema" && k != "$id" && k != "$comment" {
				rest[k] = v
			}
		}
		if len(rest) == 0 {
			return r
		}
		if props, ok := rest["properties"].(map[string]any); ok {
			if _, typed := rest["type"]; !typed {
				rest["type"] = "object"
			}
			if _, has := rest["required"]; !has {
				var req []any
				for _, k := range asSlice(def["required"]) {
					if _, ok := props[str(k)]; ok {
						req = append(req, k)
					}
				}
				if len(req) > 0 {
					rest["required"] = req
				}
			}
		}
		sr := d.schema(rest, md)
		sr.Value.AllOf = append(openapi3.SchemaRefs{r}, sr.Value.AllOf...)
		return sr
	}
	sc := &openapi3.Schema{Extensions: map[string]any{}}
	rules := map[string]any{}
	for k, v := range s {
		if md == inArguments && contains(ruleKeywords, k) {
			rules[k] = v
			continue
		}
		switch k {
		case "type":
			var nonNull []string
			for _, t := range typeList(s) {
				if t == "null" {
					sc.Nullable = true
				} else {
					nonNull = append(nonNull, t)
				}
			}
			switch len(nonNull) {
			case 0:
				// Only null (an example's null): OpenAPI 3.0 types null
				// only as a nullable something.
				sc.Type, sc.Enum = &openapi3.Types{"string"}, []any{nil}
			case 1:
				sc.Type = &openapi3.Types{nonNull[0]}
			default:
				for i, t := range nonNull {
					b := &openapi3.Schema{Type: &openapi3.Types{t}, Nullable: i == 0 && sc.Nullable}
					sc.OneOf = append(sc.OneOf, &openapi3.SchemaRef{Value: b})
				}
				sc.Nullable = false
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
				sc.Properties[pk] = d.schema(pv.(map[string]any), md)
			}
		case "additionalProperties":
			switch a := v.(type) {
			case bool:
				if a || md == asIs {
					sc.AdditionalProperties.Has = &a
				}
			case map[string]any:
				sc.AdditionalProperties.Schema = d.schema(a, md)
			}
		case "items":
			if is, ok := v.(map[string]any); ok {
				sc.Items = d.schema(is, md)
			}
		case "prefixItems":
			if ps := asSlice(v); len(ps) == 1 {
				sc.Items = d.schema(ps[0].(map[string]any), md)
			}
		case "oneOf", "anyOf", "allOf":
			var refs openapi3.SchemaRefs
			for _, x := range asSlice(v) {
				refs = append(refs, d.schema(x.(map[string]any), md))
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
			if ex := asSlice(v); len(ex) > 0 && md != inArguments {
				sc.Example = ex[0]
			}
		default:
			if strings.HasPrefix(k, "x-") {
				sc.Extensions[k] = v
			}
		}
	}
	if sc.Type == nil && len(sc.Enum) > 0 {
		sc.Type = enumType(sc.Enum)
	}
	if len(rules) > 0 {
		sc.Extensions["x-rules"] = rules
		sc.Description = sentence(sc.Description, ruleSentence(rules, s))
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

// enumType is the one JSON type of an enum's values, nil when they mix.
func enumType(vals []any) *openapi3.Types {
	t := ""
	for _, v := range vals {
		var vt string
		switch x := v.(type) {
		case string:
			vt = "string"
		case bool:
			vt = "boolean"
		case json.Number:
			vt = "number"
			if _, err := x.Int64(); err == nil {
				vt = "integer"
			}
		case float64:
			vt = "number"
			if x == float64(int64(x)) {
				vt = "integer"
			}
		case int:
			vt = "integer"
		default:
			return nil
		}
		if t != "" && t != vt {
			if (t == "integer" && vt == "number") || (t == "number" && vt == "integer") {
				t = "number"
				continue
			}
			return nil
		}
		t = vt
	}
	if t == "" {
		return nil
	}
	return &openapi3.Types{t}
}

// ruleSentence says in words what rules an argument's value must keep,
// and what the operation answers when it does not.
func ruleSentence(rules, s map[string]any) string {
	var parts []string
	switch r := rules["required"].(type) {
	case bool: // an argument of params (see argumentsSchema)
		if r {
			parts = append(parts, "required")
		}
	case []any:
		parts = append(parts, "has "+strings.Join(strs(r), ", "))
	}
	lo, hasLo := rules["minLength"]
	hi, hasHi := rules["maxLength"]
	switch {
	case hasLo && hasHi:
		parts = append(parts, fmt.Sprintf("%v to %v characters", lo, hi))
	case hasLo && num(lo) == 1:
		parts = append(parts, "not empty")
	case hasLo:
		parts = append(parts, fmt.Sprintf("at least %v characters", lo))
	case hasHi:
		parts = append(parts, fmt.Sprintf("at most %v characters", hi))
	}
	lo, hasLo = rules["minimum"]
	hi, hasHi = rules["maximum"]
	switch {
	case hasLo && hasHi:
		parts = append(parts, fmt.Sprintf("from %v to %v", lo, hi))
	case hasLo:
		parts = append(parts, fmt.Sprintf("at least %v", lo))
	case hasHi:
		parts = append(parts, fmt.Sprintf("at most %v", hi))
	}
	if p, ok := rules["pattern"]; ok {
		parts = append(parts, fmt.Sprintf("matches the pattern %v", p))
	}
	if f, ok := rules["format"]; ok {
		parts = append(parts, fmt.Sprintf("a valid %v", f))
	}
	if e, ok := rules["enum"]; ok {
		parts = append(parts, "one of "+strings.Join(strs(asSlice(e)), ", "))
	}
	if c, ok := rules["const"]; ok {
		parts = append(parts, fmt.Sprintf("exactly %v", c))
	}
	for _, k := range []string{"minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties", "multipleOf", "exclusiveMinimum", "exclusiveMaximum"} {
		if v, ok := rules[k]; ok {
			parts = append(parts, fmt.Sprintf("%s %v", k, v))
		}
	}
	out := "Rule: " + strings.Join(parts, "; ") + "."
	if key := str(s["x-error-key"]); key != "" {
		out += " Reported under errors." + key + "."
	}
	return out
}

// sentence appends b to a, a ending as a sentence.
func sentence(a, b string) string {
	a = strings.TrimSpace(a)
	if a == "" {
		return b
	}
	if !strings.HasSuffix(a, ".") && !strings.HasSuffix(a, ")") {
		a += "."
	}
	return a + " " + b
}

func strs(vs []any) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = fmt.Sprint(v)
	}
	return out
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

// sortedNames are m's keys, sorted.
func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
