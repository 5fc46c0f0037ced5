package generate

import (
	"bytes"
	"errors"
	"strings"

	"go.yaml.in/yaml/v3"
)

// yamlWriter writes an ordered tree (omap, []any, scalars) as yaml.v3's
// encoder writes the same tree as nodes with SetIndent(2), byte for byte
// (TestYAMLWriterWritesAsYAMLv3), but lays out the mappings and sequences
// itself: yaml.v3's emitter, fed a node per value, took a third of the time
// of generating a 200k-character page (issue 17). yaml.v3 still renders
// each distinct scalar, once, so quoting and block styles stay its own.
type yamlWriter struct {
	b       bytes.Buffer
	scalars map[any]yamlScalar
	keys    map[string]string
}

// yamlScalar is a scalar as yaml.v3 writes it as a mapping's value: its
// first line (after "key: "), and the lines of a block scalar after it,
// indented relative to the mapping's key.
type yamlScalar struct {
	head string
	rest []string
}

// errYAMLLayout is a tree this writer does not lay out as yaml.v3 would (a
// key yaml.v3 writes as a complex key, a scalar holding a line separator
// yaml.v3 writes as is); the caller falls back to yaml.v3.
var errYAMLLayout = errors.New("yaml layout not handled")

func newYAMLWriter() *yamlWriter {
	return &yamlWriter{scalars: map[any]yamlScalar{}, keys: map[string]string{}}
}

// document writes v, a mapping, as a YAML document.
func (w *yamlWriter) document(v any) error {
	o, ok := v.(omap)
	if !ok || len(o.keys) == 0 {
		return errYAMLLayout
	}
	w.prepare(v)
	return w.mapping(o, 0, false)
}

// prepare has yaml.v3 write every distinct scalar and key of v in two
// documents (one per scalar cost as much as the rest of the YAML): a
// sequence of one-entry mappings "- k: VALUE", "- KEY: null", read back
// line by line. What it cannot read back that way, and a string that reads
// as a number (quoteNumberLike's), is left to scalar and key, one by one.
func (w *yamlWriter) prepare(v any) {
	var vals []any
	var keys []string
	seenVal, seenKey := map[any]bool{}, map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case omap:
			for _, k := range x.keys {
				if !seenKey[k] {
					seenKey[k] = true
					keys = append(keys, k)
				}
				walk(x.vals[k])
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		default:
			if k := scalarKey(v); !seenVal[k] {
				seenVal[k] = true
				vals = append(vals, v)
			}
		}
	}
	walk(v)
	items := make([]any, len(vals))
	for i, x := range vals {
		items[i] = map[string]any{"k": x}
	}
	if lines, ok := yamlItems(items, "- k: "); ok && len(lines) == len(vals) {
		for i, l := range lines {
			str, isStr := vals[i].(string)
			if isStr && l[0] == str && numberLikeRE.MatchString(str) {
				continue // plain, but a reader may take it for a number
			}
			w.scalars[scalarKey(vals[i])] = yamlScalar{head: l[0], rest: l[1:]}
		}
	}
	items = make([]any, len(keys))
	for i, k := range keys {
		items[i] = map[string]any{k: nil}
	}
	if lines, ok := yamlItems(items, "- "); ok && len(lines) == len(keys) {
		for i, l := range lines {
			key, cut := strings.CutSuffix(l[0], ": null")
			if !cut || len(l) > 1 || strings.HasPrefix(key, "?") || strings.ContainsAny(key, "\r\u0085\u2028\u2029") ||
				(key == keys[i] && numberLikeRE.MatchString(key)) {
				continue
			}
			w.keys[keys[i]] = key
		}
	}
}

// yamlItems writes items, a sequence, with yaml.v3 and splits what it
// wrote into one group of lines per item: the first after prefix, the
// others (a block scalar's) with the two columns of the item's indentation
// taken off, as they are under a key at column 0; ok false when the
// output is not laid out so.
func yamlItems(items []any, prefix string) ([][]string, bool) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(items); err != nil || enc.Close() != nil {
		return nil, false
	}
	out := b.String()
	if strings.ContainsAny(out, "\r\u0085\u2028\u2029") {
		return nil, false
	}
	var groups [][]string
	for _, l := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		switch {
		case strings.HasPrefix(l, prefix):
			groups = append(groups, []string{l[len(prefix):]})
		case len(groups) > 0 && l == "":
			groups[len(groups)-1] = append(groups[len(groups)-1], l)
		case len(groups) > 0 && strings.HasPrefix(l, "    "):
			groups[len(groups)-1] = append(groups[len(groups)-1], l[2:])
		default:
			return nil, false
		}
	}
	return groups, true
}

// scalarKey tells scalars apart as values: 1.0 and the string "1" differ.
func scalarKey(v any) any {
	if f, ok := v.(float64); ok {
		return struct{ f float64 }{f}
	}
	return v
}

// mapping writes o's entries at column col; the first on the current line
// when inline (after a sequence's "- ").
func (w *yamlWriter) mapping(o omap, col int, inline bool) error {
	for i, k := range o.keys {
		if i > 0 || !inline {
			w.indent(col)
		}
		key, err := w.key(k)
		if err != nil {
			return err
		}
		w.b.WriteString(key)
		w.b.WriteByte(':')
		if err := w.value(o.vals[k], col, false); err != nil {
			return err
		}
	}
	return nil
}

// value writes v after "key:" (item false: its key at column col) or after
// "-" (item true: the dash at column col), up to and with its last newline.
func (w *yamlWriter) value(v any, col int, item bool) error {
	switch x := v.(type) {
	case omap:
		if len(x.keys) == 0 {
			w.b.WriteString(" {}\n")
			return nil
		}
		if item {
			w.b.WriteByte(' ')
			return w.mapping(x, col+2, true)
		}
		w.b.WriteByte('\n')
		return w.mapping(x, col+2, false)
	case []any:
		if len(x) == 0 {
			w.b.WriteString(" []\n")
			return nil
		}
		if item {
			w.b.WriteByte(' ')
			return w.sequence(x, col+2, true)
		}
		w.b.WriteByte('\n')
		return w.sequence(x, col+2, false)
	}
	s, err := w.scalar(v)
	if err != nil {
		return err
	}
	w.b.WriteByte(' ')
	w.b.WriteString(s.head)
	w.b.WriteByte('\n')
	for _, l := range s.rest {
		if l != "" {
			w.indent(col)
			w.b.WriteString(l)
		}
		w.b.WriteByte('\n')
	}
	return nil
}

// sequence writes xs's items with their dashes at column col; the first on
// the current line when inline.
func (w *yamlWriter) sequence(xs []any, col int, inline bool) error {
	for i, e := range xs {
		if i > 0 || !inline {
			w.indent(col)
		}
		w.b.WriteByte('-')
		if err := w.value(e, col, true); err != nil {
			return err
		}
	}
	return nil
}

func (w *yamlWriter) indent(col int) {
	for range col {
		w.b.WriteByte(' ')
	}
}

// key is k as yaml.v3 writes a mapping key.
func (w *yamlWriter) key(k string) (string, error) {
	if s, ok := w.keys[k]; ok {
		return s, nil
	}
	out, err := yamlOf(omap{keys: []string{k}, vals: map[string]any{k: nil}})
	if err != nil {
		return "", err
	}
	s, ok := strings.CutSuffix(out, ": null\n")
	if !ok || strings.ContainsAny(s, "\n\r\u0085\u2028\u2029") || strings.HasPrefix(s, "?") {
		return "", errYAMLLayout
	}
	w.keys[k] = s
	return s, nil
}

// scalar is v as yaml.v3 writes it as the value of a key at column 0.
func (w *yamlWriter) scalar(v any) (yamlScalar, error) {
	key := scalarKey(v)
	if s, ok := w.scalars[key]; ok {
		return s, nil
	}
	out, err := yamlOf(omap{keys: []string{"k"}, vals: map[string]any{"k": v}})
	if err != nil {
		return yamlScalar{}, err
	}
	body, ok := strings.CutPrefix(out, "k: ")
	if !ok || strings.ContainsAny(body, "\r\u0085\u2028\u2029") {
		// A break yaml.v3 writes as is inside quotes, then indents
		// after: the text depends on the column.
		return yamlScalar{}, errYAMLLayout
	}
	lines := strings.Split(strings.TrimSuffix(body, "\n"), "\n")
	s := yamlScalar{head: lines[0], rest: lines[1:]}
	w.scalars[key] = s
	return s, nil
}

// yamlOf is v written by yaml.v3 as nodes, as openAPIFiles did before
// yamlWriter: scalars that read as numbers double-quoted.
func yamlOf(v any) (string, error) {
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	root, err := (&yamlNodes{scalars: map[any]yaml.Node{}}).node(v)
	if err != nil {
		return "", err
	}
	quoteNumberLike(root)
	if err := enc.Encode(root); err != nil {
		return "", err
	}
	return b.String(), nil
}
