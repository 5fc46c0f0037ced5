package generate

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// schemaSet is every schema file encoded once, its bytes both what is
// written and what one compiler reads: the overlap pass and the check that
// every schema compiles share the compiled schemas (a 200k-character page
// compiled each twice, and encoded each three times, issue 17).
type schemaSet struct {
	files map[string]map[string]any
	bytes map[string][]byte
	c     *jsonschema.Compiler
}

// newSchemaSet encodes each schema file and adds it to a compiler.
func newSchemaSet(files map[string]map[string]any) (*schemaSet, error) {
	s := &schemaSet{files: files, bytes: make(map[string][]byte, len(files)), c: jsonschema.NewCompiler()}
	s.c.Draft = jsonschema.Draft2020
	for name := range files {
		if err := s.encode(name); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// encode (again) the file name after a change, before it is compiled.
func (s *schemaSet) encode(name string) error {
	b, err := encodeJSON(s.files[name])
	if err != nil {
		return err
	}
	s.bytes[name] = b
	if name == "index" {
		return nil
	}
	if err := s.c.AddResource(SchemaBase+name+".json", bytes.NewReader(b)); err != nil {
		return fmt.Errorf("schema %s: %w", name, err)
	}
	return nil
}

// compileAll compiles every schema with jsonschema/v5 (each checked
// against the 2020-12 metaschema as it is) so that a generator or overlay
// bug fails here, at generation, not in the mock.
func (s *schemaSet) compileAll() error {
	for name := range s.files {
		if name == "index" {
			continue
		}
		if _, err := s.c.Compile(SchemaBase + name + ".json"); err != nil {
			return fmt.Errorf("schema %s does not compile: %w", name, err)
		}
	}
	return nil
}

// anyOfWhereExamplesOverlap turns OP.response's "exactly one variant" into
// "at least one" for an operation one of whose examples matches several of
// its variants (two success examples of one shape, say): oneOf would make
// the page's own example invalid. It compiles only the variants' schemas;
// a response schema it changes is encoded again before anything compiles
// it.
func (s *schemaSet) anyOfWhereExamplesOverlap(m Model) error {
	ops := m["operations"].(map[string]any)
	for _, name := range operationNames(m) {
		op := ops[name].(map[string]any)
		resp := s.files[name+".response"]
		refs, ok := resp["oneOf"]
		if !ok || len(asSlice(refs)) < 2 || !overlap(op, name, s.c) {
			continue
		}
		delete(resp, "oneOf")
		resp["anyOf"] = refs
		resp["title"] = name + " response: at least one documented variant (its examples overlap)"
		if err := s.encode(name + ".response"); err != nil {
			return err
		}
	}
	return nil
}

// overlap reports whether an example of op's JSON variants matches more
// than one of them.
func overlap(op map[string]any, name string, schemas *jsonschema.Compiler) bool {
	vs, _ := op["variants"].(map[string]any)
	var compiled []*jsonschema.Schema
	var examples []any
	for _, vn := range variantNames(op) {
		v := vs[vn].(map[string]any)
		if v["shape"] == ShapeBinary {
			continue
		}
		sc, err := schemas.Compile(SchemaBase + name + ".response." + vn + ".json")
		if err != nil {
			return false // compileAll reports it
		}
		compiled = append(compiled, sc)
		examples = append(examples, v["example"])
	}
	for _, ex := range examples {
		// Validate wants plain JSON values: round-trip the example.
		b, err := json.Marshal(ex)
		if err != nil {
			continue
		}
		var val any
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if dec.Decode(&val) != nil {
			continue
		}
		n := 0
		for _, sc := range compiled {
			if sc.Validate(val) == nil {
				n++
			}
		}
		if n > 1 {
			return true
		}
	}
	return false
}
