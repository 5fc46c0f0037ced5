package contractcheck

import (
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"

	"github.com/nebeus/nebeus-contract/schemas"
)

// ShapeOf classifies a decoded body by the shapes of T4: one of the
// model's shape names, or a description of what it is instead.
func ShapeOf(v any) string {
	switch x := v.(type) {
	case []any:
		envs := 0
		for _, e := range x {
			if IsEnvelope(e) {
				envs++
			}
		}
		switch {
		case len(x) == 1 && envs == 1:
			return schemas.ShapeArray
		case envs > 0:
			return fmt.Sprintf("an array of %d elements, %d of them envelopes", len(x), envs)
		}
		return schemas.ShapeBare
	case map[string]any:
		if IsErrorObject(x) {
			return ShapeErrorObject
		}
		if IsEnvelope(x) {
			return schemas.ShapeEnvelope
		}
		return ShapeObject
	}
	return fmt.Sprintf("a JSON %T", v)
}

// ShapeObject is ShapeOf's name for an object that is no envelope, and
// ShapeErrorObject its name for a JSON-RPC error object (T5).
const (
	ShapeObject      = "an object that is no envelope"
	ShapeErrorObject = "a JSON-RPC error object"
)

// IsBare reports whether a shape ShapeOf names is bare JSON: no envelope,
// no array of envelopes, no JSON-RPC error object (T4's "bare").
func IsBare(got string) bool {
	return got == schemas.ShapeBare || got == ShapeObject || strings.HasPrefix(got, "a JSON ")
}

// IsErrorObject reports whether m is a JSON-RPC error object (T5): an
// "error" member that is an object, or one beside "jsonrpc". A bare answer
// whose own field is named error ({"error": "invalid_grant"}, an OAuth or
// exchange API's page, issue 17) is not one.
func IsErrorObject(m map[string]any) bool {
	e, ok := m["error"]
	if !ok {
		return false
	}
	_, isObject := e.(map[string]any)
	_, versioned := m["jsonrpc"]
	return isObject || versioned
}

// IsEnvelope reports whether v is a JSON-RPC envelope (an object with
// result or jsonrpc).
func IsEnvelope(v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	_, r := m["result"]
	_, j := m["jsonrpc"]
	return r || j
}

var shapeText = map[string]string{
	schemas.ShapeArray:    "an array holding one envelope",
	schemas.ShapeEnvelope: "a bare envelope (no array)",
	schemas.ShapeBare:     "bare JSON, no envelope",
}

// DescribeShape is a shape's name as a report says it.
func DescribeShape(s string) string {
	if t, ok := shapeText[s]; ok {
		return t
	}
	return s
}

// EnvelopeOf returns the envelope of a value in the documented shape.
func EnvelopeOf(v any, shape string) map[string]any {
	switch shape {
	case schemas.ShapeArray:
		if a, ok := v.([]any); ok && len(a) == 1 {
			m, _ := a[0].(map[string]any)
			return m
		}
	case schemas.ShapeEnvelope:
		m, _ := v.(map[string]any)
		return m
	}
	return nil
}

// SameJSON compares two JSON values as JSON: numbers by value, strings
// and other types exactly.
func SameJSON(a, b any) bool {
	na, aNum := number(a)
	nb, bNum := number(b)
	if aNum || bNum {
		return aNum && bNum && na.Cmp(nb) == 0
	}
	return Text(a) == Text(b)
}

func number(v any) (*big.Float, bool) {
	var s string
	switch x := v.(type) {
	case json.Number:
		s = x.String()
	case int:
		s = strconv.Itoa(x)
	case int64:
		s = strconv.FormatInt(x, 10)
	case float64:
		s = strconv.FormatFloat(x, 'g', -1, 64)
	default:
		return nil, false
	}
	f, _, err := big.ParseFloat(s, 10, 200, big.ToNearestEven)
	return f, err == nil
}

// Missing is what Lookup returns where a pointer leads nowhere.
type Missing struct{}

// Lookup returns the value at a JSON pointer, or Missing{}.
func Lookup(v any, ptr string) any {
	if ptr == "" {
		return v
	}
	for _, seg := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		seg = strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
		switch x := v.(type) {
		case map[string]any:
			e, ok := x[seg]
			if !ok {
				return Missing{}
			}
			v = e
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(x) {
				return Missing{}
			}
			v = x[i]
		default:
			return Missing{}
		}
	}
	return v
}

// Text renders a value for a report, cut to a few hundred bytes.
func Text(v any) string {
	if _, ok := v.(Missing); ok {
		return "(missing)"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	const max = 300
	if len(b) > max {
		return string(b[:max]) + fmt.Sprintf("... (%d bytes)", len(b))
	}
	return string(b)
}
