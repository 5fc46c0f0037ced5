package wire

import (
	"slices"
	"strings"

	"github.com/nebeus/nebeus-contract/spec/model"
)

// Layout is a variant's documented fields arranged for result: the
// example decoded, the fields by pointer and under each pointer, built once
// per variant (operation.layouts), so an answer is composed without
// decoding or scanning the model again.
type Layout struct {
	Example  any
	fields   map[string]model.Field
	children map[string][]model.Field // the fields directly under a pointer ("*" items apart)
	branch   map[string]bool          // pointers at or above a documented field

	// root is the result's node, for appendResult; nodes are all of them
	// by pointer (the keys of branch).
	root  *node
	nodes map[string]*node
}

// node is one pointer of a variant's documented tree, linked so that
// encoding an answer walks it without building pointer strings or
// looking them up.
type node struct {
	ptr      string       // its pointer
	field    *model.Field // documented at this pointer; nil when only below it
	items    *node        // the node of ptr+"/*" where items are documented
	children []child      // the documented fields directly under it, by name
}

// child is a documented field under an object: its name unescaped, the
// name as a JSON object key with its colon, and its node.
type child struct {
	required bool
	name     string
	key      []byte
	node     *node
}

func NewLayout(vr model.Variant) *Layout {
	l := &Layout{Example: vr.Result(), fields: map[string]model.Field{}, children: map[string][]model.Field{}, branch: map[string]bool{"": true},
		nodes: map[string]*node{}}
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
		l.nodes[p] = &node{ptr: p}
	}
	for p, n := range l.nodes {
		if f, ok := l.fields[p]; ok {
			n.field = &f
		}
		n.items = l.nodes[p+"/*"]
		for _, f := range l.children[p] {
			name := unescapePointer(f.Name())
			n.children = append(n.children, child{required: f.Required, name: name, key: append(AppendString(nil, name), ':'), node: l.nodes[f.Pointer]})
		}
		slices.SortFunc(n.children, func(a, b child) int { return strings.Compare(a.name, b.name) })
	}
	l.root = l.nodes[""]
	return l
}

// AppendResult appends a documented variant's result under ptr as the
// mock sends it: exactly the documented fields (T6), each with its fixed
// text where the contract fixes one (S1's failure text, the statuses), else
// the value the business logic knows, else the page's example. So a field
// the page adds to a response is sent, filled from the example, with no
// change here. It writes JSON as marshal would write the composed value
// (compose, in the tests: TestAppendResultIsMarshalOfCompose) without
// building it.
func (l *Layout) AppendResult(dst []byte, example, known any) ([]byte, error) {
	return l.appendNode(dst, l.root, example, known)
}

// appendNode writes the part of the result at n.
func (l *Layout) appendNode(dst []byte, n *node, example, known any) ([]byte, error) {
	if n.field != nil && n.field.Const != nil {
		return appendJSON(dst, n.field.Const)
	}
	if ka, ok := known.([]any); ok && n.items != nil {
		var exItem any
		if ea, ok := example.([]any); ok && len(ea) > 0 {
			exItem = ea[0]
		}
		return l.appendItems(dst, n.items, ka, func(any) any { return exItem }, true)
	}
	if len(n.children) == 0 {
		if known != nil {
			return appendJSON(dst, known)
		}
		if ea, ok := example.([]any); ok && n.items != nil {
			return l.appendItems(dst, n.items, ea, func(e any) any { return e }, false)
		}
		return appendJSON(dst, example)
	}
	km, _ := known.(map[string]any)
	em, _ := example.(map[string]any)
	if n.field != nil && n.field.Open && len(km) > 0 {
		return l.appendOpen(dst, n, em, km)
	}
	dst = append(dst, '{')
	first := true
	for _, c := range n.children {
		kv, inKnown := km[c.name]
		if !inKnown && !c.required {
			continue // an optional field the logic does not fill
		}
		if !first {
			dst = append(dst, ',')
		}
		first = false
		dst = append(dst, c.key...)
		var err error
		if dst, err = l.appendNode(dst, c.node, em[c.name], kv); err != nil {
			return nil, err
		}
	}
	return append(dst, '}'), nil
}

// appendItems writes an array whose items are documented at items: each
// value of vals, with example(v) as its example (or as its known value,
// when asKnown is false: the example's own items).
func (l *Layout) appendItems(dst []byte, items *node, vals []any, example func(any) any, asKnown bool) ([]byte, error) {
	dst = append(dst, '[')
	for i, v := range vals {
		if i > 0 {
			dst = append(dst, ',')
		}
		var err error
		if asKnown {
			dst, err = l.appendNode(dst, items, example(v), v)
		} else {
			dst, err = l.appendNode(dst, items, example(v), nil)
		}
		if err != nil {
			return nil, err
		}
	}
	return append(dst, ']'), nil
}

// appendOpen writes an object whose keys are data (S5's errors): the
// documented children and every key the logic reports, sorted together.
func (l *Layout) appendOpen(dst []byte, n *node, em, km map[string]any) ([]byte, error) {
	children := n.children
	type entry struct {
		name string
		node *node // nil: a key the page does not document
	}
	entries := make([]entry, 0, len(children)+len(km))
	for _, c := range children {
		if _, inKnown := km[c.name]; inKnown || c.required {
			entries = append(entries, entry{c.name, c.node})
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
		dst = AppendString(dst, e.name)
		dst = append(dst, ':')
		c := e.node
		if c == nil {
			p := n.ptr + "/" + escapePointer(e.name)
			if c = l.nodes[p]; c == nil {
				c = &node{ptr: p}
			}
		}
		var err error
		if dst, err = l.appendNode(dst, c, em[e.name], km[e.name]); err != nil {
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
