package generate

import (
	"encoding/json"
	"regexp"
	"sort"
	"strings"
)

// Elided is how an example writes "some string" (the page's "...").
const Elided = "..."

// Infer returns the JSON Schema an example value implies: its types, every
// key it shows as required, arrays by the merge of their items. Objects are
// closed (additionalProperties false) because the mock must send exactly the
// documented fields; a validator reports extra fields as T6 warnings.
//
// An object whose keys are all data (dates, numbers, UUIDs, hashes, ids
// like "ord-10001") is a map: its keys are not fields a response always
// has, so it is additionalProperties with the merge of its values (issue
// 17, item 7).
func Infer(v any) map[string]any {
	switch x := v.(type) {
	case map[string]any:
		if isMap(x) {
			var val map[string]any
			for _, k := range sortedKeys(x) {
				if val == nil {
					val = Infer(x[k])
				} else {
					val = merge(val, Infer(x[k]))
				}
			}
			return map[string]any{"type": "object", "additionalProperties": val}
		}
		props := map[string]any{}
		req := make([]any, 0, len(x))
		keys := sortedKeys(x)
		for _, k := range keys {
			props[k] = Infer(x[k])
			req = append(req, k)
		}
		return map[string]any{"type": "object", "properties": props, "required": req, "additionalProperties": false}
	case []any:
		s := map[string]any{"type": "array"}
		var items map[string]any
		for _, e := range x {
			if str, ok := e.(string); ok && str == Elided {
				continue // "[a, ...]", "[...]": the ellipsis elides items
			}
			if items == nil {
				items = Infer(e)
			} else {
				items = merge(items, Infer(e))
			}
		}
		if items != nil {
			s["items"] = items
		}
		return s
	case string:
		return map[string]any{"type": "string"}
	case json.Number:
		if strings.ContainsAny(string(x), ".eE") {
			return map[string]any{"type": "number"}
		}
		return map[string]any{"type": "integer"}
	case bool:
		return map[string]any{"type": "boolean"}
	case nil:
		return map[string]any{"type": "null"}
	}
	return map[string]any{}
}

// dataKeyRE matches an object key that is data, not a field name.
var dataKeyRE = regexp.MustCompile(`^(?:` +
	`\d{4}-\d{2}(?:-\d{2})?(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?` + // a date or time
	`|-?\d+(?:\.\d+)?` + // a number
	`|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}` + // a UUID
	`|(?:0x)?[0-9a-fA-F]{16,}` + // a hash, an address
	`|[A-Za-z]{1,5}[-_]?\d{3,}` + // an id: "ord-10001", "u_1234"
	`)$`)

// isMap reports whether every key of an object is data.
func isMap(x map[string]any) bool {
	if len(x) == 0 {
		return false
	}
	for k := range x {
		if !dataKeyRE.MatchString(k) {
			return false
		}
	}
	return true
}

// mapValue is the schema of a map's values; nil when s is no map.
func mapValue(s map[string]any) map[string]any {
	v, _ := s["additionalProperties"].(map[string]any)
	return v
}

// merge widens a to also accept what b accepts: properties are united,
// required keys intersected, differing types listed.
func merge(a, b map[string]any) map[string]any {
	ta, tb := typeList(a), typeList(b)
	if len(ta) == 1 && len(tb) == 1 && ta[0] == tb[0] && ta[0] == "object" && (mapValue(a) != nil || mapValue(b) != nil) {
		// A map beside an object: one map whose values are any of both.
		var val map[string]any
		for _, s := range []map[string]any{a, b} {
			vals := []map[string]any{mapValue(s)}
			if vals[0] == nil {
				vals = vals[:0]
				ps, _ := s["properties"].(map[string]any)
				for _, k := range sortedKeys(ps) {
					vals = append(vals, ps[k].(map[string]any))
				}
			}
			for _, v := range vals {
				if val == nil {
					val = v
				} else {
					val = merge(val, v)
				}
			}
		}
		if val == nil {
			val = map[string]any{}
		}
		return map[string]any{"type": "object", "additionalProperties": val}
	}
	if len(ta) == 1 && len(tb) == 1 && ta[0] == tb[0] {
		switch ta[0] {
		case "object":
			pa, _ := a["properties"].(map[string]any)
			pb, _ := b["properties"].(map[string]any)
			props := map[string]any{}
			for k, v := range pa {
				props[k] = v
			}
			for k, v := range pb {
				if old, ok := props[k]; ok {
					props[k] = merge(old.(map[string]any), v.(map[string]any))
				} else {
					props[k] = v
				}
			}
			inB := map[any]bool{}
			for _, k := range asSlice(b["required"]) {
				inB[k] = true
			}
			req := []any{}
			for _, k := range asSlice(a["required"]) {
				if inB[k] {
					req = append(req, k)
				}
			}
			return map[string]any{"type": "object", "properties": props, "required": req, "additionalProperties": false}
		case "array":
			ia, _ := a["items"].(map[string]any)
			ib, _ := b["items"].(map[string]any)
			out := map[string]any{"type": "array"}
			switch {
			case ia != nil && ib != nil:
				out["items"] = merge(ia, ib)
			case ia != nil:
				out["items"] = ia
			case ib != nil:
				out["items"] = ib
			}
			return out
		}
		return a
	}
	seen := map[string]bool{}
	var types []any
	for _, t := range append(ta, tb...) {
		if t == "integer" && (contains(ta, "number") || contains(tb, "number")) {
			continue
		}
		if !seen[t] {
			seen[t] = true
			types = append(types, t)
		}
	}
	sort.Slice(types, func(i, j int) bool { return types[i].(string) < types[j].(string) })
	if len(types) == 1 {
		return map[string]any{"type": types[0]}
	}
	return map[string]any{"type": types}
}

func typeList(s map[string]any) []string {
	switch t := s["type"].(type) {
	case string:
		return []string{t}
	case []any:
		out := make([]string, 0, len(t))
		for _, x := range t {
			out = append(out, x.(string))
		}
		return out
	}
	return nil
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

func asSlice(v any) []any {
	s, _ := v.([]any)
	return s
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
