package schemas

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strings"
	"sync"

	"github.com/nebeus/nebeus-contract/spec/model"
	"github.com/santhosh-tekuri/jsonschema/v5"
)

//go:embed *.json
var files embed.FS

// Base is the base URL of every schema's $id.
const Base = model.SchemaBase

// The typed contract model (spec/model), as schemas/index.json holds it.
type (
	Index     = model.Contract
	Operation = model.Operation
	Argument  = model.Argument
	Variant   = model.Variant
	Field     = model.Field
)

// Shapes of a variant (T4).
const (
	ShapeArray    = model.ShapeArray
	ShapeEnvelope = model.ShapeEnvelope
	ShapeBare     = model.ShapeBare
	ShapeBinary   = model.ShapeBinary
)

// Contract is the compiled contract. It is safe for concurrent use.
type Contract struct {
	index    Index
	raw      map[string][]byte
	tree     map[string]any
	compiled map[string]*jsonschema.Schema
	quick    map[string]*check // see check.go
}

var (
	once     sync.Once
	embedded *Contract
	loadErr  error
)

// Default returns the embedded contract, compiled on first use.
func Default() (*Contract, error) {
	once.Do(func() { embedded, loadErr = Load(files) })
	return embedded, loadErr
}

// MustDefault is Default for package init and tests: the embedded schemas
// are checked by this package's tests, so failure is a build defect.
func MustDefault() *Contract {
	c, err := Default()
	if err != nil {
		panic(err)
	}
	return c
}

// Load compiles the schema files (NAME.json, with index.json) of fsys.
func Load(fsys fs.FS) (*Contract, error) {
	c := &Contract{raw: map[string][]byte{}, tree: map[string]any{}, compiled: map[string]*jsonschema.Schema{}}
	idx, err := fs.ReadFile(fsys, "index.json")
	if err != nil {
		return nil, fmt.Errorf("schemas: %w", err)
	}
	if err := json.Unmarshal(idx, &c.index); err != nil {
		return nil, fmt.Errorf("schemas: index.json: %w", err)
	}
	names, err := fs.Glob(fsys, "*.json")
	if err != nil {
		return nil, err
	}
	comp := jsonschema.NewCompiler()
	comp.Draft = jsonschema.Draft2020
	comp.AssertFormat = true
	for _, n := range names {
		name := strings.TrimSuffix(n, ".json")
		if name == "index" {
			continue
		}
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		var t any
		if err := json.Unmarshal(b, &t); err != nil {
			return nil, fmt.Errorf("schemas: %s: %w", n, err)
		}
		c.raw[name], c.tree[name] = b, t
		if err := comp.AddResource(Base+n, bytes.NewReader(b)); err != nil {
			return nil, fmt.Errorf("schemas: %s: %w", n, err)
		}
	}
	for name := range c.raw {
		s, err := comp.Compile(Base + name + ".json")
		if err != nil {
			return nil, fmt.Errorf("schemas: %s: %w", name, err)
		}
		c.compiled[name] = s
	}
	c.quick = compileQuick(c.raw)
	return c, nil
}

// Index returns the contract's index.
func (c *Contract) Index() Index { return c.index }

// Model returns the typed contract model. Callers must not modify it.
func (c *Contract) Model() *model.Contract { return &c.index }

// Operations returns the operations in page order.
func (c *Contract) Operations() []Operation { return c.index.Operations }

// Operation returns an operation by name.
func (c *Contract) Operation(name string) (Operation, bool) {
	if o, ok := c.operation(name); ok {
		return *o, true
	}
	return Operation{}, false
}

// operation is Operation without the copy.
func (c *Contract) operation(name string) (*Operation, bool) {
	for i := range c.index.Operations {
		if c.index.Operations[i].ID == name {
			return &c.index.Operations[i], true
		}
	}
	return nil, false
}

// OperationByPath returns the operation served at path (templates not
// matched: see the mock's router).
func (c *Contract) OperationByPath(path string) (Operation, bool) {
	for _, o := range c.index.Operations {
		if o.Path == path {
			return o, true
		}
	}
	return Operation{}, false
}

// Names returns every schema name, sorted.
func (c *Contract) Names() []string {
	ns := make([]string, 0, len(c.raw))
	for n := range c.raw {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}

// Raw returns a schema file as generated.
func (c *Contract) Raw(name string) ([]byte, bool) {
	b, ok := c.raw[name]
	return b, ok
}

// Schema returns a schema's decoded JSON tree (for reading keywords such as
// x-error-key). Callers must not modify it.
func (c *Contract) Schema(name string) (map[string]any, bool) {
	t, ok := c.tree[name].(map[string]any)
	return t, ok
}

// Decode decodes one JSON value with UseNumber, rejecting trailing data.
// The common case (see quickDecode) takes a fast path; any other input is
// decoded by encoding/json, so values and errors are encoding/json's.
func Decode(b []byte) (any, error) {
	if v, ok := quickDecode(b); ok {
		return v, nil
	}
	return decodeJSON(b)
}

func decodeJSON(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if rest := bytes.TrimSpace(b[dec.InputOffset():]); len(rest) > 0 {
		return nil, fmt.Errorf("invalid character %q after the JSON value at offset %d", rest[0], dec.InputOffset())
	}
	return v, nil
}
