package mockserver

import (
	"strings"

	"github.com/nebeus/nebeus-contract/spec/model"
)

// result is a documented variant's result as the mock sends it: exactly the
// documented fields (T6), each with its fixed text where the contract fixes
// one (S1's failure text, the statuses), else the value the business logic
// knows, else the page's example. So a field the page adds to a response is
// sent, filled from the example, with no change here.
func result(vr model.Variant, known any) any {
	return compose(vr, "", vr.Result(), known)
}

func compose(vr model.Variant, ptr string, example, known any) any {
	if f, ok := vr.Field(ptr); ok && f.Const != nil {
		return f.Const
	}
	if ka, ok := known.([]any); ok && hasChildren(vr, ptr+"/*") {
		var exItem any
		if ea, ok := example.([]any); ok && len(ea) > 0 {
			exItem = ea[0]
		}
		out := make([]any, len(ka))
		for i, k := range ka {
			out[i] = compose(vr, ptr+"/*", exItem, k)
		}
		return out
	}
	children := childFields(vr, ptr)
	if len(children) == 0 {
		if known != nil {
			return known
		}
		if ea, ok := example.([]any); ok && hasChildren(vr, ptr+"/*") {
			// The example's items, each with its fixed texts.
			out := make([]any, len(ea))
			for i, e := range ea {
				out[i] = compose(vr, ptr+"/*", e, nil)
			}
			return out
		}
		return example
	}
	km, _ := known.(map[string]any)
	em, _ := example.(map[string]any)
	out := make(map[string]any, len(children))
	for _, f := range children {
		name := unescapePointer(f.Name())
		kv, inKnown := km[name]
		if !inKnown && !f.Required {
			continue // an optional field the logic does not fill
		}
		out[name] = compose(vr, f.Pointer, em[name], kv)
	}
	if f, ok := vr.Field(ptr); ok && f.Open {
		// An object whose keys are data (signup's errors, S5): every key
		// the logic reports.
		for k, v := range km {
			if _, done := out[k]; !done {
				out[k] = compose(vr, ptr+"/"+escapePointer(k), nil, v)
			}
		}
	}
	return out
}

// childFields are the documented fields directly under ptr.
func childFields(vr model.Variant, ptr string) []model.Field {
	var out []model.Field
	for _, f := range vr.Fields {
		rest, ok := strings.CutPrefix(f.Pointer, ptr+"/")
		if ok && rest != "*" && !strings.Contains(rest, "/") {
			out = append(out, f)
		}
	}
	return out
}

func hasChildren(vr model.Variant, ptr string) bool {
	for _, f := range vr.Fields {
		if strings.HasPrefix(f.Pointer, ptr+"/") || f.Pointer == ptr {
			return true
		}
	}
	return false
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func unescapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}
