package generate

import (
	"encoding/json"
	"sort"
	"strings"
)

// Elided is how an example writes "some string" (the page's "...").
const Elided = "..."

// Infer returns the JSON Schema an example value implies: its types, every
// key it shows as required, arrays by the merge of their items. Objects are
// closed (additionalProperties false) because the mock must send exactly the
// documented fields; a validator reports extra fields as T6 warnings.
func Infer(v any) map[string]any {
	switch x := v.(type) {
	case map[string]any:
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

// merge widens a to also accept what b accepts: properties are united,
// required keys intersected, differing types listed.
func merge(a, b map[string]any) map[string]any {
	ta, tb := typeList(a), typeList(b)
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
