package generate

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"sort"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// openAPIFiles renders the document as JSON and YAML, both deterministic:
// keys sorted, except in the examples maps the builder orders (the success
// example first: Prism and Dredd answer with the first one).
func openAPIFiles(doc *openAPIDoc, src Sources) (jsonOut, yamlOut []byte, err error) {
	// doc is not used past its encoding, nor raw past its decoding: each
	// can be collected while the next form is built (issue 17: a huge
	// page's peak memory).
	order := doc.order
	raw, err := doc.MarshalJSON()
	if err != nil {
		return nil, nil, err
	}
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		return nil, nil, err
	}
	ordered := orderTree(tree, "", order)
	if jsonOut, err = encodeJSON(ordered); err != nil {
		return nil, nil, err
	}
	yw := newYAMLWriter()
	yw.b.WriteString("# " + src.comment() + "\n")
	if err := yw.document(ordered); err == nil {
		return jsonOut, yw.b.Bytes(), nil
	} else if !errors.Is(err, errYAMLLayout) {
		return nil, nil, err
	}
	// A layout yamlWriter leaves to yaml.v3 (a complex key).
	body, err := yamlOf(ordered)
	if err != nil {
		return nil, nil, err
	}
	return jsonOut, []byte("# " + src.comment() + "\n" + body), nil
}

// numberLikeRE matches the texts a YAML reader may take for a number (an
// Ethereum address "0x407d...", too big for yaml.v3 to see as one).
var numberLikeRE = regexp.MustCompile(`^[-+]?(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?|\.[0-9]+)$`)

// quoteNumberLike double-quotes every plain string scalar under n that a
// reader could read as a number, so the YAML says what the JSON says.
func quoteNumberLike(n *yaml.Node) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" && n.Style == 0 && numberLikeRE.MatchString(n.Value) {
		n.Style = yaml.DoubleQuotedStyle
	}
	for _, c := range n.Content {
		quoteNumberLike(c)
	}
}

// omap is a JSON object written in the order of its keys.
type omap struct {
	keys []string
	vals map[string]any
}

// orderTree turns every object of v into an omap: sorted keys, or, at a
// pointer order names, its keys in that order (then any others, sorted).
func orderTree(v any, ptr string, order map[string][]string) any {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if want, ok := order[ptr]; ok {
			rank := map[string]int{}
			for i, k := range want {
				rank[k] = i - len(want) // ahead of the others
			}
			sort.SliceStable(keys, func(i, j int) bool { return rank[keys[i]] < rank[keys[j]] })
		}
		o := omap{keys: keys, vals: map[string]any{}}
		for _, k := range keys {
			o.vals[k] = orderTree(x[k], ptr+"/"+escapePointer(k), order)
		}
		return o
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = orderTree(e, ptr+"/"+strconv.Itoa(i), order)
		}
		return out
	}
	return v
}

func (o omap) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	if err := appendJSON(&b, o); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// appendJSON writes v compactly, objects and arrays by itself: were each
// nested omap its own MarshalJSON, encoding/json would check and compact
// every level's output again (the depth times the size).
func appendJSON(b *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case omap:
		b.WriteByte('{')
		for i, k := range x.keys {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := appendJSON(b, k); err != nil {
				return err
			}
			b.WriteByte(':')
			if err := appendJSON(b, x.vals[k]); err != nil {
				return err
			}
		}
		b.WriteByte('}')
		return nil
	case []any:
		b.WriteByte('[')
		for i, e := range x {
			if i > 0 {
				b.WriteByte(',')
			}
			if err := appendJSON(b, e); err != nil {
				return err
			}
		}
		b.WriteByte(']')
		return nil
	}
	vb, err := compactJSON(v)
	if err != nil {
		return err
	}
	b.Write(vb)
	return nil
}

func compactJSON(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// yamlNodes builds the node of a value itself, down to its scalars: a
// node's Encode writes and re-reads its value as text, so calling it on
// every level would cost the depth times the size (a 200k-character page's
// document took seconds), and on each distinct scalar once is linear.
type yamlNodes struct {
	scalars map[any]yaml.Node
}

func (y *yamlNodes) node(v any) (*yaml.Node, error) {
	switch x := v.(type) {
	case omap:
		n := &yaml.Node{Kind: yaml.MappingNode}
		for _, k := range x.keys {
			kn, err := y.node(k)
			if err != nil {
				return nil, err
			}
			vn, err := y.node(x.vals[k])
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, kn, vn)
		}
		return n, nil
	case []any:
		n := &yaml.Node{Kind: yaml.SequenceNode}
		for _, e := range x {
			en, err := y.node(e)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, en)
		}
		return n, nil
	}
	key := v
	if f, ok := v.(float64); ok {
		key = struct{ f float64 }{f} // 1.0 and the string "1" stay apart
	}
	if n, ok := y.scalars[key]; ok {
		return &n, nil
	}
	n := yaml.Node{}
	if err := n.Encode(v); err != nil {
		return nil, err
	}
	y.scalars[key] = n
	return &n, nil
}
