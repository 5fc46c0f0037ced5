package generate

import (
	"bytes"
	"fmt"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// compileAll compiles every schema with jsonschema/v5 so that a generator or
// overlay bug fails here, at generation, not in the mock.
func compileAll(files map[string]map[string]any) error {
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	for name, f := range files {
		if name == "index" {
			continue
		}
		b, err := encodeJSON(f)
		if err != nil {
			return err
		}
		if err := c.AddResource(SchemaBase+name+".json", bytes.NewReader(b)); err != nil {
			return fmt.Errorf("schema %s: %w", name, err)
		}
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
