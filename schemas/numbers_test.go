package schemas_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/nebeus/nebeus-contract/schemas"
)

// TestCheckableBoundsDigitsAndExponent: the number guard's rule, on its
// edges.
func TestCheckableBoundsDigitsAndExponent(t *testing.T) {
	for n, want := range map[string]bool{
		"0": true, "-1": true, "2.5": true, "1e308": true, "1E+999": true, "-1e-999": true,
		strings.Repeat("9", schemas.MaxNumberLength):   true,
		strings.Repeat("9", schemas.MaxNumberLength+1): false,
		"1e1000": false, "1e1000001": false, "1E-99999999": false, "-1e+0001": false,
	} {
		if got := schemas.Checkable(json.Number(n)); got != want {
			t.Errorf("Checkable(%.20s) = %v, want %v", n, got, want)
		}
	}
}

// TestHugeExponentIsRefusedBeforeValidationNotAPanic: 1e1000001 made
// jsonschema/v5 panic in big.Rat; Validate now refuses it first, in every
// place, with the JSON-RPC code the place calls for (T5): none under a
// documented argument (the argument's business error, under its S5 key),
// -32602 elsewhere under params, -32600 in the call object itself.
func TestHugeExponentIsRefusedBeforeValidationNotAPanic(t *testing.T) {
	c := contract(t)
	signup, _ := c.Operation("signup")
	for _, tc := range []struct {
		op, body, pointer, field string
		code                     int
	}{
		{"signup", `{"jsonrpc":"2.0","params":{"country":1e1000001}}`, "/params/country", signup.ErrorKey("country"), 0},
		{"signup", `{"jsonrpc":"2.0","params":{"timezone":-1E-1000001}}`, "/params/timezone", signup.ErrorKey("timezone"), 0},
		{"signup", `{"jsonrpc":"2.0","params":{"device_type":1e1000001}}`, "/params/device_type", signup.ErrorKey("device_type"), 0},
		{"logout", `{"jsonrpc":"2.0","params":{"x":{"y":[1e1000001]}}}`, "/params/x/y/0", "x", -32602},
		{"get_countries", `{"jsonrpc":"2.0","id":1e1000001}`, "/id", "", -32600},
	} {
		v, err := schemas.Decode([]byte(tc.body))
		if err != nil {
			t.Fatal(err)
		}
		vs, err := c.ValidateRequest(tc.op, v)
		if err != nil || len(vs) != 1 {
			t.Fatalf("%s: %v %v", tc.body, vs, err)
		}
		got := vs[0]
		if got.Pointer != tc.pointer || got.Code != tc.code || (tc.code == 0 && got.Field != tc.field) || strings.Contains(got.Message, "1000001") {
			t.Errorf("%s: %+v", tc.body, got)
		}
	}
	v, _ := schemas.Decode([]byte(`[{"id":1e1000001,"jsonrpc":"2.0","result":{"uid":1e1000001}}]`))
	if _, vs, err := c.ValidateResponse("signin", v); err != nil || len(schemas.Failures(vs)) == 0 {
		t.Errorf("a response with uncheckable numbers: %v %v", vs, err)
	}
}

// TestHugeDigitCountIsRefusedWithoutEchoingIt: 330,000 digits cost
// jsonschema a second in big.Rat and came back in the message; now the
// guard refuses them by length, and the message names the bound only.
func TestHugeDigitCountIsRefusedWithoutEchoingIt(t *testing.T) {
	c := contract(t)
	digits := strings.Repeat("7", 330_000)
	v, err := schemas.Decode([]byte(`{"jsonrpc":"2.0","params":{"country":` + digits + `,"timezone":` + digits + `,"device_type":-` + digits + `}}`))
	if err != nil {
		t.Fatal(err)
	}
	vs, err := c.ValidateRequest("signup", v)
	if err != nil || len(vs) != 3 {
		t.Fatalf("%d violations, %v", len(vs), err)
	}
	for _, x := range vs {
		if len(x.Message) > 200 || strings.Contains(x.Message, "7777") || x.Keyword != "" {
			t.Errorf("%+v", x)
		}
	}
}

// TestViolationMessagesAreBounded: a message quoting the payload (a format
// failure quotes the string) and a pointer naming a huge key are clipped.
func TestViolationMessagesAreBounded(t *testing.T) {
	c := contract(t)
	long := strings.Repeat("x", 100_000)
	v, _ := schemas.Decode([]byte(`{"jsonrpc":"2.0","params":{"login":"` + long + `"}}`))
	vs, err := c.ValidateRequest("reset_password", v)
	if err != nil || len(vs) == 0 {
		t.Fatalf("%v %v", vs, err)
	}
	v, _ = schemas.Decode([]byte(`{"id":1,"jsonrpc":"2.0","result":{"status":"error","message":"m","` + long + `":1}}`))
	_, more, _ := c.ValidateResponse("signin", v)
	for _, x := range append(vs, more...) {
		if len(x.Message) > 300 || len(x.Pointer) > 300 {
			t.Errorf("violation of %d/%d bytes: %.100s", len(x.Message), len(x.Pointer), x.Message)
		}
	}
}
