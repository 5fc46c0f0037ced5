package generate

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// yamlScalars are the values whose YAML text is not the obvious one:
// strings that read as other types, that need quotes or a block, keys
// yaml.v3 quotes, numbers in their float64 forms.
var yamlScalars = []any{
	"", " ", "plain", "two words", "yes", "No", "on", "~", "null", "true", "False",
	"2024-01-01", "2024-01-01T10:00:00Z", "1:20", "0x407d73d8a49eeb85d32cf465507dd71d507100c1",
	"0o17", "0b101", "1_000", "1e3", ".5", "+7", "-1", "007", ".inf", "-.Inf", ".NaN",
	"#comment", "a #b", "a: b", "a:b", "- x", "-x", "? x", ": x", "[x]", "{x}", "*x", "&x", "!x", "|x", ">x",
	"'quoted'", "\"dq\"", "%x", "@x", "`x", "x,y", "trailing ", " leading", "tab\there", "bell\a",
	"line1\nline2", "line1\nline2\n", "line1\n\nline3\n\n", "\nleading newline", "  indented\nblock",
	"trailing spaces  \nx", "crlf\r\nx", "unicode é ü 中文", "emoji 😀", "\u00a0nbsp", "\u2028sep",
	"$ref", "#/components/schemas/X", "https://example.com/a?b=c#d", "^\\+[0-9]+$", "^[A-Z]{2}$",
	strings.Repeat("long words ", 40), strings.Repeat("x", 300),
	nil, true, false, 0.0, 1.0, -1.0, 17.0, 0.1, 1e6, 1e21, 1.5e-7, -0.0, 123456789012.0,
	json.Number("12"), json.Number("1.50"),
}

// yamlTree builds a random ordered tree of depth at most d from the
// scalars above and keys made of them.
func yamlTree(r *rand.Rand, d int) any {
	switch k := r.IntN(6); {
	case d == 0 || k < 2:
		return yamlScalars[r.IntN(len(yamlScalars))]
	case k < 4:
		o := omap{vals: map[string]any{}}
		for range r.IntN(4) {
			key, _ := yamlScalars[r.IntN(len(yamlScalars))].(string)
			if key == "" || len(key) > 100 {
				key = "k"
			}
			if _, dup := o.vals[key]; dup {
				continue
			}
			o.keys = append(o.keys, key)
			o.vals[key] = yamlTree(r, d-1)
		}
		return o
	default:
		var xs []any
		for range r.IntN(4) {
			xs = append(xs, yamlTree(r, d-1))
		}
		if xs == nil {
			xs = []any{}
		}
		return xs
	}
}

// TestYAMLWriterWritesAsYAMLv3: the YAML written by yamlWriter is byte for
// byte what yaml.v3 writes of the same tree (the OpenAPI document's YAML
// did not change when yamlWriter replaced it, issue 17), for every scalar
// above as a key and as a value, in mappings and sequences nested every
// way, and for the OpenAPI documents of the testdata pages.
func TestYAMLWriterWritesAsYAMLv3(t *testing.T) {
	t.Parallel() // seconds of CPU each under -race: beside the rest
	var docs []any
	for _, s := range yamlScalars {
		docs = append(docs, omap{keys: []string{"v"}, vals: map[string]any{"v": s}})
		if k, ok := s.(string); ok && k != "" {
			docs = append(docs, omap{keys: []string{k}, vals: map[string]any{k: []any{s, omap{keys: []string{"a", k}, vals: map[string]any{"a": s, k: []any{[]any{s}}}}}}})
		}
	}
	r := rand.New(rand.NewPCG(17, 2026))
	for range 1000 {
		if o, ok := yamlTree(r, 5).(omap); ok && len(o.keys) > 0 {
			docs = append(docs, o)
		}
	}
	random := len(docs)
	pages, _ := filepath.Glob("testdata/pages/*.md")
	styles, _ := filepath.Glob("testdata/styles/*/index.html.md")
	for _, page := range append(append(pages, styles...), "testdata/messy/index.html.md") {
		res, err := Build(Options{Page: page, Root: filepath.Dir(page)})
		if err != nil {
			t.Fatalf("%s: %v", page, err)
		}
		var tree any
		if err := json.Unmarshal(res.Files["spec/openapi.json"], &tree); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, orderTree(tree, "", nil))
	}
	if dir := os.Getenv("NEBEUS_YAML_PAGES"); dir != "" {
		// Pages kept outside the repository (real pages: not committed).
		more, _ := filepath.Glob(filepath.Join(dir, "*", "source", "index.html.md"))
		for _, page := range more {
			res, err := Build(Options{Page: page, Root: filepath.Dir(page)})
			if err != nil {
				continue
			}
			var tree any
			if err := json.Unmarshal(res.Files["spec/openapi.json"], &tree); err != nil {
				t.Fatal(err)
			}
			docs = append(docs, orderTree(tree, "", nil))
		}
	}
	handled := 0
	for i, d := range docs {
		pageDoc := i >= random
		want, err := yamlOf(d)
		if err != nil {
			t.Fatal(err)
		}
		w := newYAMLWriter()
		if err := w.document(d); err != nil {
			if err != errYAMLLayout || pageDoc {
				t.Fatalf("doc %d: %v", i, err)
			}
			continue // left to yaml.v3 (a line separator in a scalar, a long key)
		}
		handled++
		if got := w.b.String(); got != want {
			t.Fatalf("doc %d differs\ngot:\n%s\nwant:\n%s", i, got, want)
		}
	}
	if handled < len(docs)/2 {
		t.Errorf("yamlWriter wrote %d of %d documents itself", handled, len(docs))
	}
}

// asMaps turns a tree's omaps into maps, as the schema files are.
func asMaps(v any) any {
	switch x := v.(type) {
	case omap:
		m := map[string]any{}
		for _, k := range x.keys {
			m[k] = asMaps(x.vals[k])
		}
		return m
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = asMaps(e)
		}
		return out
	}
	return v
}

// TestEncodeJSONWritesAsEncodingJSON: encodeJSON writes what encoding/json's
// Encoder writes with two-space indent and no HTML escaping, byte for byte,
// for maps (keys sorted), ordered objects, arrays and every scalar above
// (strings with quotes, controls, HTML characters, line separators, non-ASCII).
func TestEncodeJSONWritesAsEncodingJSON(t *testing.T) {
	var docs []any
	for _, s := range append(yamlScalars, "<a href=\"x\">&amp;</a>", "back\\slash", "\x7f", "\x00", "bad utf8 \xff") {
		docs = append(docs, s, []any{s, map[string]any{"k": s}}, map[string]any{"": s, "<&>": []any{}})
	}
	r := rand.New(rand.NewPCG(26, 17))
	for range 500 {
		d := yamlTree(r, 5)
		docs = append(docs, d, asMaps(d))
	}
	for i, d := range docs {
		var want bytes.Buffer
		enc := json.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(d); err != nil {
			t.Fatal(err)
		}
		got, err := encodeJSON(d)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Fatalf("doc %d differs\ngot:\n%s\nwant:\n%s", i, got, want.Bytes())
		}
	}
}
