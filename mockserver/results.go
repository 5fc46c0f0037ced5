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
	return newLayout(vr).result(known)
}

// layout is a variant's documented fields arranged for result: the
// example decoded, the fields by pointer and under each pointer, built once
// per variant (operation.layouts), so an answer is composed without
// decoding or scanning the model again.
type layout struct {
	example  any
	fields   map[string]model.Field
	children map[string][]model.Field // the fields directly under a pointer ("*" items apart)
	branch   map[string]bool          // pointers at or above a documented field
}

func newLayout(vr model.Variant) *layout {
	l := &layout{example: vr.Result(), fields: map[string]model.Field{}, children: map[string][]model.Field{}, branch: map[string]bool{}}
	for _, f := range vr.Fields {
		l.fields[f.Pointer] = f
		parent := f.Pointer[:max(strings.LastIndexByte(f.Pointer, '/'), 0)]
		if f.Name() != "*" && strings.HasPrefix(f.Pointer, "/") {
			l.children[parent] = append(l.children[parent], f)
		}
		for p := f.Pointer; ; {
			l.branch[p] = true
			i := strings.LastIndexByte(p, '/')
			if i < 0 {
				break
			}
			p = p[:i]
		}
	}
	return l
}

func (l *layout) result(known any) any {
	return l.compose("", l.example, known)
}

func (l *layout) compose(ptr string, example, known any) any {
	if f, ok := l.fields[ptr]; ok && f.Const != nil {
		return f.Const
	}
	items := ptr + "/*"
	if ka, ok := known.([]any); ok && l.branch[items] {
		var exItem any
		if ea, ok := example.([]any); ok && len(ea) > 0 {
			exItem = ea[0]
		}
		out := make([]any, len(ka))
		for i, k := range ka {
			out[i] = l.compose(items, exItem, k)
		}
		return out
	}
	children := l.children[ptr]
	if len(children) == 0 {
		if known != nil {
			return known
		}
		if ea, ok := example.([]any); ok && l.branch[items] {
			// The example's items, each with its fixed texts.
			out := make([]any, len(ea))
			for i, e := range ea {
				out[i] = l.compose(items, e, nil)
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
		out[name] = l.compose(f.Pointer, em[name], kv)
	}
	if f, ok := l.fields[ptr]; ok && f.Open {
		// An object whose keys are data (signup's errors, S5): every key
		// the logic reports.
		for k, v := range km {
			if _, done := out[k]; !done {
				out[k] = l.compose(ptr+"/"+escapePointer(k), nil, v)
			}
		}
	}
	return out
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func unescapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}
