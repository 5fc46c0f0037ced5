package mockserver

import (
	"slices"
	"strings"

	"github.com/nebeus/nebeus-contract/spec/model"
)

// layout is a variant's documented fields arranged for result: the
// example decoded, the fields by pointer and under each pointer, built once
// per variant (operation.layouts), so an answer is composed without
// decoding or scanning the model again.
type layout struct {
	example  any
	fields   map[string]model.Field
	children map[string][]model.Field // the fields directly under a pointer ("*" items apart)
	branch   map[string]bool          // pointers at or above a documented field

	// For appendResult: the children of each pointer in the order marshal
	// writes object keys (by name), and each pointer's items pointer
	// (ptr+"/*") where items are documented, so that encoding an answer
	// builds no pointer strings.
	sorted map[string][]child
	items  map[string]string
}

// child is a documented field under an object: its name unescaped, and the
// name as a JSON object key with its colon.
type child struct {
	f    model.Field
	name string
	key  []byte
}

func newLayout(vr model.Variant) *layout {
	l := &layout{example: vr.Result(), fields: map[string]model.Field{}, children: map[string][]model.Field{}, branch: map[string]bool{},
		sorted: map[string][]child{}, items: map[string]string{}}
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
	for p := range l.branch {
		if strings.HasSuffix(p, "/*") {
			l.items[strings.TrimSuffix(p, "/*")] = p
		}
	}
	for p, fs := range l.children {
		cs := make([]child, len(fs))
		for i, f := range fs {
			name := unescapePointer(f.Name())
			cs[i] = child{f: f, name: name, key: append(appendString(nil, name), ':')}
		}
		slices.SortFunc(cs, func(a, b child) int { return strings.Compare(a.name, b.name) })
		l.sorted[p] = cs
	}
	return l
}

// appendResult appends a documented variant's result under ptr as the
// mock sends it: exactly the documented fields (T6), each with its fixed
// text where the contract fixes one (S1's failure text, the statuses), else
// the value the business logic knows, else the page's example. So a field
// the page adds to a response is sent, filled from the example, with no
// change here. It writes JSON as marshal would write the composed value
// (compose, in the tests: TestAppendResultIsMarshalOfCompose) without
// building it.
func (l *layout) appendResult(dst []byte, ptr string, example, known any) ([]byte, error) {
	if f, ok := l.fields[ptr]; ok && f.Const != nil {
		return appendJSON(dst, f.Const)
	}
	items, hasItems := l.items[ptr]
	if ka, ok := known.([]any); ok && hasItems {
		var exItem any
		if ea, ok := example.([]any); ok && len(ea) > 0 {
			exItem = ea[0]
		}
		return l.appendItems(dst, items, ka, func(any) any { return exItem }, true)
	}
	children := l.sorted[ptr]
	if len(children) == 0 {
		if known != nil {
			return appendJSON(dst, known)
		}
		if ea, ok := example.([]any); ok && hasItems {
			return l.appendItems(dst, items, ea, func(e any) any { return e }, false)
		}
		return appendJSON(dst, example)
	}
	km, _ := known.(map[string]any)
	em, _ := example.(map[string]any)
	if f, ok := l.fields[ptr]; ok && f.Open && len(km) > 0 {
		return l.appendOpen(dst, ptr, children, em, km)
	}
	dst = append(dst, '{')
	first := true
	for _, c := range children {
		kv, inKnown := km[c.name]
		if !inKnown && !c.f.Required {
			continue // an optional field the logic does not fill
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, c.key...)
		var err error
		if dst, err = l.appendResult(dst, c.f.Pointer, em[c.name], kv); err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}

// appendItems writes an array whose items are documented under items:
// each value of vals, with example(v) as its example (or as its known
// value, when asKnown is false: the example's own items).
func (l *layout) appendItems(dst []byte, items string, vals []any, example func(any) any, asKnown bool) ([]byte, error) {
	dst = append(dst, '[')
	for i, v := range vals {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if asKnown {
			dst, err = l.appendResult(dst, items, example(v), v)
		} else {
			dst, err = l.appendResult(dst, items, example(v), nil)
		}
		if err != nil {
			return nil, err
		}
	}
	return append(dst, ']'), nil
}

// appendOpen writes an object whose keys are data (S5's errors): the
// documented children and every key the logic reports, sorted together.
func (l *layout) appendOpen(dst []byte, ptr string, children []child, em, km map[string]any) ([]byte, error) {
	type entry struct {
		name  string
		field *model.Field
	}
	entries := make([]entry, 0, len(children)+len(km))
	for i := range children {
		c := &children[i]
		if _, inKnown := km[c.name]; inKnown || c.f.Required {
			entries = append(entries, entry{c.name, &c.f})
		}
	}
	for k := range km {
		if !slices.ContainsFunc(children, func(c child) bool { return c.name == k }) {
			entries = append(entries, entry{name: k})
		}
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	dst = append(dst, '{')
	for i, e := range entries {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = appendString(dst, e.name)
		dst = append(dst, ':')
		var err error
		if e.field != nil {
			dst, err = l.appendResult(dst, e.field.Pointer, em[e.name], km[e.name])
		} else {
			dst, err = l.appendResult(dst, ptr+"/"+escapePointer(e.name), nil, km[e.name])
		}
		if err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func unescapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}
