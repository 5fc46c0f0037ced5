package schemas_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/nebeus/nebeus-contract/schemas"
)

// referenceDecode is encoding/json with UseNumber and the trailing-data
// rule: what Decode must answer, value and error alike.
func referenceDecode(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if rest := bytes.TrimSpace(b[dec.InputOffset():]); len(rest) > 0 {
		return nil, errTrailing
	}
	return v, nil
}

var errTrailing = errors.New("data after the value")

// FuzzDecodeAgreesWithEncodingJSON: Decode's fast path never answers
// otherwise than encoding/json: the same value, or an error where it errs.
func FuzzDecodeAgreesWithEncodingJSON(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc":"2.0","method":"call","id":1,"params":{"login":"demo@example.com","password":"demo-password-1"}}`,
		`[1,-0,0.5,1e3,-1E-2,2.0e+10,true,false,null,"",{}]`, ` {"a" : [ ] } `, `{"a":1,"a":2}`,
		`01`, `1.`, `.1`, `-`, `1e`, `"\u0041"`, `"é"`, "\"\x01\"", `{"a":1,}`, `[1,]`, `{} {}`, `{}x`, ``, `  `,
		`tru`, `nul`, `{"a"}`, `{"a":}`, `{1:2}`, `[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`,
		"{}\u00a0", "{}\n\t\r ",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		got, gerr := schemas.Decode(b)
		want, werr := referenceDecode(b)
		if (gerr == nil) != (werr == nil) {
			t.Fatalf("%q: Decode err %v, encoding/json err %v", b, gerr, werr)
		}
		if gerr == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: Decode %#v, encoding/json %#v", b, got, want)
		}
	})
}
