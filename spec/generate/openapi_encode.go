package generate

import (
	"bytes"
	"encoding/json"
	"regexp"
	"sort"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// openAPIFiles renders the document as JSON and YAML, both deterministic:
// keys sorted, except in the examples maps the builder orders (the success
// example first: Prism and Dredd answer with the first one).
func openAPIFiles(doc *openAPIDoc, src Sources) (jsonOut, yamlOut []byte, err error) {
	raw, err := doc.MarshalJSON()
	if err != nil {
		return nil, nil, err
	}
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		return nil, nil, err
	}
	ordered := orderTree(tree, "", doc.order)
	if jsonOut, err = encodeJSON(ordered); err != nil {
		return nil, nil, err
	}
	var y bytes.Buffer
	y.WriteString("# " + src.comment() + "\n")
	enc := yaml.NewEncoder(&y)
	enc.SetIndent(2)
	var root yaml.Node
	if err := root.Encode(ordered); err != nil {
		return nil, nil, err
	}
	quoteNumberLike(&root)
	if err := enc.Encode(&root); err != nil {
		return nil, nil, err
	}
	return jsonOut, y.Bytes(), nil
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
	b.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, err := compactJSON(k)
		if err != nil {
			return nil, err
		}
		b.Write(kb)
		b.WriteByte(':')
		vb, err := compactJSON(o.vals[k])
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
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

func (o omap) MarshalYAML() (any, error) {
	n := &yaml.Node{Kind: yaml.MappingNode}
	for _, k := range o.keys {
		kn, vn := &yaml.Node{}, &yaml.Node{}
		if err := kn.Encode(k); err != nil {
			return nil, err
		}
		if err := vn.Encode(o.vals[k]); err != nil {
			return nil, err
		}
		n.Content = append(n.Content, kn, vn)
	}
	return n, nil
}
