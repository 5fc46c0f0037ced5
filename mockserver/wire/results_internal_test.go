package wire

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/nebeus/nebeus-contract/schemas"
	"github.com/nebeus/nebeus-contract/spec/model"
)

// TestAppendResultIsMarshalOfCompose: the answer written straight from a
// Layout (AppendResult, Wrap) is, byte for byte, the answer compose
// builds and wrapValue encodes; for every variant of the contract and of
// synthetic ones (fixed texts, open objects, documented items), with known
// values drawn from each variant's example (T4, T6, S5).
func TestAppendResultIsMarshalOfCompose(t *testing.T) {
	ct, err := schemas.Default()
	if err != nil {
		t.Fatal(err)
	}
	m := ct.Model()
	var variants []model.Variant
	for _, op := range m.Operations {
		variants = append(variants, op.Variants...)
	}
	variants = append(variants, syntheticVariants()...)
	rng := rand.New(rand.NewPCG(1, 2))
	ids := []json.RawMessage{nil, json.RawMessage(`7`), json.RawMessage(`"x"`), json.RawMessage(`{ "a" : [1, 2] }`)}
	for _, vr := range variants {
		l := NewLayout(vr)
		knowns := []any{nil, vr.Result()}
		for range 40 {
			knowns = append(knowns, perturb(rng, vr.Result(), 0))
		}
		for i, known := range knowns {
			for _, shape := range []string{vr.Shape, schemas.ShapeBare, schemas.ShapeEnvelope, schemas.ShapeArray} {
				id := ids[i%len(ids)]
				want, werr := wrapValue(shape, id, l.result(known))
				got, gerr := Wrap(shape, id, func(dst []byte) ([]byte, error) { return l.AppendResult(dst, l.Example, known) })
				if (werr != nil) != (gerr != nil) || !bytes.Equal(got, want) {
					t.Fatalf("variant %s, shape %s, known %#v:\n got %s (%v)\nwant %s (%v)", vr.Name, shape, known, got, gerr, want, werr)
				}
			}
		}
	}
}

// wrapValue is what wrap must write: result, composed, marshaled in the
// variant's shape (T4) with envelope's keys in its order.
func wrapValue(shape string, id json.RawMessage, result any) ([]byte, error) {
	if id == nil {
		id = NullID
	}
	switch shape {
	case schemas.ShapeBare:
		return Marshal(result)
	case schemas.ShapeEnvelope:
		return Marshal(envelope{ID: id, JSONRPC: "2.0", Result: result})
	default: // schemas.ShapeArray
		return Marshal([1]envelope{{ID: id, JSONRPC: "2.0", Result: result}})
	}
}

// compose is the result appendResult writes, built as a value: the
// specification appendResult is held to.
func (l *Layout) result(known any) any {
	return l.compose("", l.Example, known)
}

func (l *Layout) compose(ptr string, example, known any) any {
	if f, ok := l.fields[ptr]; ok && f.Const != nil {
		return f.Const
	}
	items := ptr + "/*"
	if ka, ok := known.([]any); ok && l.branch[items] {
		var exItem any
		if ea, ok := example.([]any); ok && len(ea) > 0 {
			exItem = ea[0]
		}
		out := make([]any, len(ka))
		for i, k := range ka {
			out[i] = l.compose(items, exItem, k)
		}
		return out
	}
	children := l.children[ptr]
	if len(children) == 0 {
		if known != nil {
			return known
		}
		if ea, ok := example.([]any); ok && l.branch[items] {
			// The example's items, each with its fixed texts.
			out := make([]any, len(ea))
			for i, e := range ea {
				out[i] = l.compose(items, e, nil)
			}
			return out
		}
		return example
	}
	km, _ := known.(map[string]any)
	em, _ := example.(map[string]any)
	out := make(map[string]any, len(children))
	for _, f := range children {
		name := unescapePointer(f.Name())
		kv, inKnown := km[name]
		if !inKnown && !f.Required {
			continue // an optional field the logic does not fill
		}
		out[name] = l.compose(f.Pointer, em[name], kv)
	}
	if f, ok := l.fields[ptr]; ok && f.Open {
		// An object whose keys are data (signup's errors, S5): every key
		// the logic reports.
		for k, v := range km {
			if _, done := out[k]; !done {
				out[k] = l.compose(ptr+"/"+escapePointer(k), nil, v)
			}
		}
	}
	return out
}

// syntheticVariants cover what the default contract's variants lack.
func syntheticVariants() []model.Variant {
	return []model.Variant{
		{Name: "open", Shape: schemas.ShapeEnvelope,
			Example: json.RawMessage(`{"jsonrpc":"2.0","id":1,"result":{"status":"error","errors":{"email":{"field":"email","message":"m"},"b~/c":{"field":"x"}}}}`),
			Fields: []model.Field{
				{Pointer: "/status", Required: true, Const: "error"},
				{Pointer: "/errors", Required: true, Open: true},
				{Pointer: "/errors/email", Required: false},
				{Pointer: "/errors/email/field"},
				{Pointer: "/errors/b~0~1c", Required: true},
				{Pointer: "/zz", Required: true},
			}},
		{Name: "items", Shape: schemas.ShapeArray,
			Example: json.RawMessage(`[{"jsonrpc":"2.0","id":1,"result":{"list":[{"id":1,"name":"a","kind":"k"},{"id":2,"name":"<b>"}],"total":2}}]`),
			Fields: []model.Field{
				{Pointer: "/list", Required: true},
				{Pointer: "/list/*/id", Required: true},
				{Pointer: "/list/*/kind", Required: true, Const: "fixed"},
				{Pointer: "/list/*/name"},
				{Pointer: "/total"},
			}},
		{Name: "bare", Shape: schemas.ShapeBare,
			Example: json.RawMessage(`[{"code":"a\u2028"},{"code":"b"}]`),
			Fields:  []model.Field{{Pointer: "/*/code", Required: true}}},
	}
}

// perturb returns a value shaped like v, changed at random: keys dropped,
// keys added, values swapped for other JSON values, arrays resized.
func perturb(rng *rand.Rand, v any, depth int) any {
	if depth > 4 {
		return v
	}
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if rng.IntN(5) == 0 {
				continue
			}
			out[k] = perturb(rng, e, depth+1)
		}
		for range rng.IntN(3) {
			out[fmt.Sprintf("k%d", rng.IntN(4))] = leaf(rng)
		}
		return out
	case []any:
		out := []any{}
		for _, e := range x {
			for range rng.IntN(3) {
				out = append(out, perturb(rng, e, depth+1))
			}
		}
		return out
	}
	if rng.IntN(3) == 0 {
		return leaf(rng)
	}
	return v
}

func leaf(rng *rand.Rand) any {
	switch rng.IntN(7) {
	case 0:
		return nil
	case 1:
		return rng.IntN(100)
	case 2:
		return "s\"<>\n"
	case 3:
		return json.Number("1.5e3")
	case 4:
		return []any{true, "x"}
	case 5:
		return struct {
			Field   string `json:"field"`
			Message string `json:"message"`
		}{Field: "f", Message: "m"} // the shape of signup's field error
	default:
		return map[string]any{"z": 1, "a": []any{}}
	}
}
