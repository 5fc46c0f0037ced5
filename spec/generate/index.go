package generate

import (
	"encoding/json"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/nebeus/nebeus-contract/spec/model"
)

// indexOf is the typed contract model (schemas/index.json) of m after the
// overlay: everything the mock, the suite, the fixtures loader and the CLI
// read, so none of them restates a path, limit, text, key or title.
func indexOf(m Model, defNames []string, decisions []model.Decision, src Sources) model.Contract {
	c := model.Contract{Comment: src.comment(), Title: str(m["title"]), Definitions: defNames, Decisions: decisions}
	if c.Definitions == nil {
		c.Definitions = []string{}
	}
	if c.Decisions == nil {
		c.Decisions = []model.Decision{}
	}
	if sm, ok := m["x-session"].(map[string]any); ok {
		ses := &model.Session{
			Cookie: str(sm["cookie"]), SameSite: str(sm["sameSite"]), Path: str(sm["path"]),
			Header: str(sm["header"]), Argument: str(sm["argument"]), Decision: str(sm["x-decision"]),
		}
		ses.HttpOnly, _ = sm["httpOnly"].(bool)
		if ses.Decision == "" {
			ses.Decision = str(m["x-decision"])
		}
		c.Session = ses
	}
	c.MaxBody = int64(toInt(m["x-max-body"])) // T5
	defs, _ := m["definitions"].(map[string]any)
	ops := m["operations"].(map[string]any)
	for _, id := range operationNames(m) {
		op := ops[id].(map[string]any)
		params, _ := op["params"].(map[string]any)
		o := model.Operation{
			ID: id, Title: str(op["title"]), Method: str(op["method"]), Path: str(op["path"]),
			Protocol:         str(op["protocol"]),
			ParamsOptional:   len(asSlice(params["required"])) == 0 && toInt(params["minItems"]) == 0,
			RPCMethod:        str(op["rpcMethod"]),
			RequestMediaType: str(op["requestMediaType"]),
			Description:      str(op["description"]),
			Request:          id + ".request", Response: id + ".response",
			Decision:  str(op["x-decision"]),
			Source:    model.Source{File: str(op["file"]), Line: toInt(op["line"])},
			Arguments: []model.Argument{}, Variants: []model.Variant{},
		}
		if o.Protocol == "" {
			o.Protocol = model.ProtocolJSONRPC
		}
		o.Safe, _ = op["x-safe"].(bool)
		o.Session = str(op["x-session"])
		for _, pp := range asSlice(op["pathParams"]) {
			p, _ := pp.(map[string]any)
			o.PathParams = append(o.PathParams, model.PathParam{Name: str(p["name"]), Example: str(p["example"])})
		}
		o.ParamsByPosition, _ = op["paramsByPosition"].(bool)
		props, _ := params["properties"].(map[string]any)
		required := map[string]bool{}
		for _, r := range asSlice(params["required"]) {
			required[str(r)] = true
		}
		if o.ParamsByPosition {
			// Arguments by position: each its item of the params array.
			props = map[string]any{}
			items := asSlice(params["prefixItems"])
			for _, a := range asSlice(op["arguments"]) {
				am, _ := a.(map[string]any)
				pos, has := am["position"]
				if !has || toInt(pos) >= len(items) {
					continue
				}
				props[str(am["name"])] = items[toInt(pos)]
				required[str(am["name"])] = toInt(pos) < toInt(params["minItems"])
			}
		}
		documented := map[string]map[string]any{}
		var names []string
		for _, a := range asSlice(op["arguments"]) {
			am, _ := a.(map[string]any)
			documented[str(am["name"])] = am
			names = append(names, str(am["name"]))
		}
		// Arguments the overlay adds (logout's session_id, S2) follow the
		// page's, by name.
		for _, n := range sortedKeys(props) {
			if _, ok := documented[n]; !ok {
				names = append(names, n)
			}
		}
		for _, n := range names {
			s, _ := props[n].(map[string]any)
			am := documented[n]
			a := model.Argument{
				Name: n, Type: schemaType(s), DocType: str(am["type"]), Required: required[n],
				Description: str(s["description"]), MinLength: intPtr(s["minLength"]), MaxLength: intPtr(s["maxLength"]),
				Minimum: floatPtr(s["minimum"]), Maximum: floatPtr(s["maximum"]),
				Pattern: str(s["pattern"]), Format: str(s["format"]), Enum: asSlice(s["enum"]),
				ErrorKey: str(s["x-error-key"]), Decision: str(s["x-decision"]), In: str(am["in"]),
				Source: model.Source{File: o.Source.File, Line: toInt(am["line"])},
			}
			a.Secret, _ = s["x-secret"].(bool)
			o.Arguments = append(o.Arguments, a)
		}
		vs, _ := op["variants"].(map[string]any)
		for _, vn := range variantNames(op) {
			v := vs[vn].(map[string]any)
			schema, _ := v["schema"].(map[string]any)
			mv := model.Variant{
				Name: vn, Schema: id + ".response." + vn, Shape: str(v["shape"]), Label: str(v["label"]),
				MediaType: str(v["mediaType"]), Decision: str(v["x-decision"]),
				Source: model.Source{File: o.Source.File, Line: toInt(v["line"])},
			}
			mv.Error, _ = v["error"].(bool)
			if mv.MediaType == "" {
				mv.MediaType = "application/json"
			}
			if ex, ok := v["example"]; ok && mv.Shape != model.ShapeBinary {
				mv.Example, _ = json.Marshal(ex)
			}
			if d := str(schema["x-decision"]); d != "" {
				mv.Decision = d
			}
			mv.Fields = fieldsOf(schema, "", true, mv.Decision, defs)
			o.Variants = append(o.Variants, mv)
		}
		c.Operations = append(c.Operations, o)
	}
	return c
}

// fieldsOf lists the documented fields under s, depth first in key order.
func fieldsOf(s map[string]any, ptr string, required bool, decision string, defs map[string]any) []model.Field {
	var out []model.Field
	s = resolveRef(s, defs)
	if d := str(s["x-decision"]); d != "" {
		decision = d
	}
	switch schemaType(s) {
	case "array":
		if items, ok := s["items"].(map[string]any); ok {
			out = append(out, fieldsOf(items, ptr+"/*", true, decision, defs)...)
		}
		return out
	}
	props, _ := s["properties"].(map[string]any)
	req := map[string]bool{}
	for _, r := range asSlice(s["required"]) {
		req[str(r)] = true
	}
	for _, k := range sortedKeys(props) {
		p, _ := props[k].(map[string]any)
		p = resolveRef(p, defs)
		d := decision
		if pd := str(p["x-decision"]); pd != "" {
			d = pd
		}
		f := model.Field{
			Pointer: ptr + "/" + escapePointer(k), Type: schemaType(p), Required: req[k],
			Const: p["const"], Enum: asSlice(p["enum"]), Pattern: str(p["pattern"]),
			Minimum: floatPtr(p["minimum"]), MinLength: intPtr(p["minLength"]),
			Description: str(p["description"]), Decision: d,
		}
		f.Secret, _ = p["x-secret"].(bool)
		if ap, ok := p["additionalProperties"]; ok && ap != false && schemaType(p) == "object" {
			f.Open = true
		}
		out = append(out, f)
		out = append(out, fieldsOf(p, f.Pointer, req[k], d, defs)...)
	}
	return out
}

// resolveRef is s with the shared definition its $ref names ("NAME.json")
// merged under it, so a field's documented members include the
// definition's (signup's errors, S5).
func resolveRef(s map[string]any, defs map[string]any) map[string]any {
	ref, ok := s["$ref"].(string)
	if !ok {
		return s
	}
	d, ok := defs[strings.TrimSuffix(ref, ".json")].(map[string]any)
	if !ok {
		return s
	}
	out := deepCopy(d).(map[string]any)
	own := deepCopy(s).(map[string]any)
	delete(own, "$ref")
	mergeInto(out, own)
	return out
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func schemaType(s map[string]any) string {
	switch t := s["type"].(type) {
	case string:
		return t
	case []any:
		var ts []string
		for _, x := range t {
			ts = append(ts, str(x))
		}
		sort.Strings(ts)
		return strings.Join(ts, ",")
	}
	if _, ok := s["properties"]; ok {
		return "object"
	}
	return ""
}

func str(v any) string {
	s, _ := v.(string)
	return s
}

func toInt(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case float64:
		return int(n)
	case json.Number:
		i, _ := n.Int64()
		return int(i)
	}
	return 0
}

func floatPtr(v any) *float64 {
	switch n := v.(type) {
	case int:
		f := float64(n)
		return &f
	case float64:
		return &n
	case json.Number:
		if f, err := strconv.ParseFloat(string(n), 64); err == nil {
			return &f
		}
	}
	return nil
}

func intPtr(v any) *int {
	if f := floatPtr(v); f != nil {
		i := int(*f)
		return &i
	}
	return nil
}

// decisionHeading matches a decision's heading in DECISIONS.md
// ("### T1 Paths") and its list form ("- **M1** `username` is ...").
var (
	decisionHeading = regexp.MustCompile(`^#{2,6}\s+([TSM][0-9]+)\b[\s.:—-]*(.*)$`)
	decisionItem    = regexp.MustCompile(`^[-*]\s+\*\*([TSM][0-9]+)\*\*[\s.:—-]*(.*)$`)
)

// LoadDecisions reads the decisions' ids and titles from the project's
// record of them (spec/DECISIONS.md): the title of a heading is its text; of
// a list item, its first clause.
func LoadDecisions(path string) ([]model.Decision, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseDecisions(b), nil
}

// ParseDecisions is LoadDecisions on the file's content.
func ParseDecisions(src []byte) []model.Decision {
	var out []model.Decision
	seen := map[string]bool{}
	for _, line := range strings.Split(string(src), "\n") {
		line = strings.TrimSpace(line)
		m := decisionHeading.FindStringSubmatch(line)
		if m == nil {
			m = decisionItem.FindStringSubmatch(line)
			if m != nil {
				m[2] = firstClause(m[2])
			}
		}
		if m == nil || seen[m[1]] {
			continue
		}
		seen[m[1]] = true
		out = append(out, model.Decision{ID: m[1], Title: strings.TrimSpace(m[2])})
	}
	return out
}

func firstClause(s string) string {
	s = strings.ReplaceAll(s, "`", "")
	if i := strings.IndexAny(s, ";:"); i > 0 {
		s = s[:i]
	}
	if i := strings.Index(s, ". "); i > 0 {
		s = s[:i]
	}
	return strings.TrimSuffix(strings.TrimSpace(s), ".")
}
