package wire

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/nebeus/nebeus-contract/schemas"
)

// reference is what marshal must write: encoding/json without HTML
// escaping.
func reference(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func sameAsReference(t *testing.T, v any) {
	t.Helper()
	got, gerr := Marshal(v)
	want, werr := reference(v)
	if (gerr == nil) != (werr == nil) || !bytes.Equal(got, want) {
		t.Fatalf("marshal(%#v) = %s, %v; encoding/json: %s, %v", v, got, gerr, want, werr)
	}
}

// TestMarshalWritesWhatEncodingJSONWrites: the mock's answers are byte for
// byte what encoding/json would write, for every value kind it builds.
func TestMarshalWritesWhatEncodingJSONWrites(t *testing.T) {
	for _, v := range []any{
		nil, true, false, "", "plain", "<&>", "quote\" back\\ \b\f\n\r\t \x00\x1f \x7f", "\u2028\u2029", "é😀", "\xff\xfe bad utf8 \xc3",
		json.Number("12"), json.Number("-0.5e+3"), json.Number(""), json.Number("x1"), 0, -7, int64(1) << 60,
		0.0, 1.5, -2.25, 1e20, 1e21, 1e-6, 1e-7, 123456789.125,
		map[string]any{"b": 1, "a": []any{"x", nil, map[string]any{}}, "é": "<"}, []any{}, []any(nil), map[string]any(nil),
		envelope{ID: json.RawMessage("1"), JSONRPC: "2.0", Result: map[string]any{"status": "success"}},
		[1]envelope{{ID: json.RawMessage(`"a<b"`), JSONRPC: "2.0", Result: []any{1}}},
		[1]envelope{{ID: NullID, JSONRPC: "2.0", Result: nil}},
		errorBody{JSONRPC: "2.0", ID: NullID, Error: &Error{Code: -32600, Message: "m <"}},
		struct{ A string }{"x"},
	} {
		sameAsReference(t, v)
	}
}

// FuzzMarshal: for any JSON value (decoded as the mock decodes) and any
// string, marshal writes what encoding/json writes.
func FuzzMarshal(f *testing.F) {
	for _, s := range []string{`{"a":[1,"<",{"b":null}],"c":true}`, `"\u2028\ud800"`, `[-0,1e400,0.1]`, "\xff"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		sameAsReference(t, string(b))
		if v, err := schemas.Decode(b); err == nil {
			sameAsReference(t, v)
			sameAsReference(t, [1]envelope{{ID: json.RawMessage("7"), JSONRPC: "2.0", Result: v}})
		}
	})
}
