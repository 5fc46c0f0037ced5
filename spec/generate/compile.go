package generate

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// compileAll compiles every schema with jsonschema/v5 so that a generator or
// overlay bug fails here, at generation, not in the mock.
func compileAll(files map[string]map[string]any) error {
	c, err := compiler(files)
	if err != nil {
		return err
	}
	for name := range files {
		if name == "index" {
			continue
		}
		if _, err := c.Compile(SchemaBase + name + ".json"); err != nil {
			return fmt.Errorf("schema %s does not compile: %w", name, err)
		}
	}
	return nil
}

// compiler holds every schema file as a resource, ready to compile.
func compiler(files map[string]map[string]any) (*jsonschema.Compiler, error) {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	for name, f := range files {
		if name == "index" {
			continue
		}
		b, err := encodeJSON(f)
		if err != nil {
			return nil, err
		}
		if err := c.AddResource(SchemaBase+name+".json", bytes.NewReader(b)); err != nil {
			return nil, fmt.Errorf("schema %s: %w", name, err)
		}
	}
	return c, nil
}

// anyOfWhereExamplesOverlap turns OP.response's "exactly one variant" into
// "at least one" for an operation one of whose examples matches several of
// its variants (two success examples of one shape, say): oneOf would make
// the page's own example invalid.
func anyOfWhereExamplesOverlap(m Model, files map[string]map[string]any) error {
	c, err := compiler(files)
	if err != nil {
		return err
	}
	ops := m["operations"].(map[string]any)
	for _, name := range operationNames(m) {
		op := ops[name].(map[string]any)
		resp := files[name+".response"]
		refs, ok := resp["oneOf"]
		if !ok || len(asSlice(refs)) < 2 || !overlap(op, name, c) {
			continue
		}
		delete(resp, "oneOf")
		resp["anyOf"] = refs
		resp["title"] = name + " response: at least one documented variant (its examples overlap)"
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
