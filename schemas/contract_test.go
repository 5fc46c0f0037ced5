package schemas_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nebeus/nebeus-contract/schemas"
	"github.com/nebeus/nebeus-contract/spec/slate"
)

func contract(t testing.TB) *schemas.Contract {
	t.Helper()
	c, err := schemas.Default()
	if err != nil {
		t.Fatalf("schemas.Default: %v", err)
	}
	return c
}

// Every schema file compiles (Default compiles all of them) and the index
// names only schemas that exist.
func TestEverySchemaCompiles(t *testing.T) {
	c := contract(t)
	if len(c.Names()) < 20 {
		t.Fatalf("only %d schemas", len(c.Names()))
	}
	for _, o := range c.Operations() {
		for _, name := range append([]string{o.Request, o.Response}, variantSchemas(o)...) {
			if _, ok := c.Raw(name); !ok {
				t.Errorf("operation %s names missing schema %s", o.ID, name)
			}
		}
	}
}

func variantSchemas(o schemas.Operation) []string {
	var out []string
	for _, v := range o.Variants {
		out = append(out, v.Schema)
	}
	return out
}

// Every JSON example on the page, parsed afresh, validates against its
// operation's response schema and is recognised as its own variant.
func TestEveryPageExampleValidates(t *testing.T) {
	c := contract(t)
	page, err := slate.ParseFile(filepath.Join("..", "spec", "source", "index.html.md"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, s := range page.Sections {
		if s.Endpoint == nil {
			continue
		}
		op, ok := c.OperationByPath(s.Endpoint.Path)
		if !ok {
			t.Fatalf("section %q: no operation for %s", s.Title, s.Endpoint.Path)
		}
		for _, ex := range s.Examples {
			v, err := schemas.Decode([]byte(ex.Raw))
			if err != nil {
				t.Fatalf("line %d: %v", ex.Line, err)
			}
			variant, vs, err := c.ValidateResponse(op.ID, v)
			if err != nil {
				t.Fatal(err)
			}
			if len(vs) > 0 {
				t.Errorf("%s example at line %d (%s): %v", op.ID, ex.Line, ex.Label, vs)
			}
			vr, _ := op.Variant(variant)
			if vr.Error != ex.Error {
				t.Errorf("%s example at line %d (%s) matched variant %s", op.ID, ex.Line, ex.Label, variant)
			}
			// The whole-operation schema accepts it too (exactly one variant).
			if vs, _ := c.Validate(op.Response, v); len(vs) > 0 {
				t.Errorf("%s example at line %d fails %s: %v", op.ID, ex.Line, op.Response, vs)
			}
			n++
		}
	}
	if n != 8 {
		t.Errorf("validated %d examples, the page has 8", n)
	}
}

type wantViolation struct {
	Pointer  string `json:"pointer"`
	Decision string `json:"decision"`
	Code     int    `json:"code"`
	Argument string `json:"argument"`
	Field    string `json:"field"`
	Warning  bool   `json:"warning"`
}

// For each decision a schema can express, a payload that breaks it is
// rejected with a violation naming the field (pointer) and the decision.
func TestPayloadsBreakingADecisionNameIt(t *testing.T) {
	c := contract(t)
	b, err := os.ReadFile(filepath.Join("testdata", "violations.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Name    string          `json:"name"`
		Schema  string          `json:"schema"`
		Payload json.RawMessage `json:"payload"`
		Want    []wantViolation `json:"want"`
	}
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	covered := map[string]bool{}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			v, err := schemas.Decode(tc.Payload)
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.Validate(tc.Schema, v)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.Want {
				found := false
				for _, g := range got {
					if g.Pointer == w.Pointer && g.Decision == w.Decision && g.Warning == w.Warning &&
						(w.Code == 0 || g.Code == w.Code) && (w.Argument == "" || g.Argument == w.Argument) && (w.Field == "" || g.Field == w.Field) {
						found = true
						covered[w.Decision] = true
					}
				}
				if !found {
					t.Errorf("want a violation %+v; got %v", w, describe(got))
				}
			}
			if len(schemas.Failures(got)) == 0 && !tc.Want[0].Warning {
				t.Error("payload accepted")
			}
		})
	}
	for _, d := range []string{"T2", "T4", "T5", "T6", "S1", "S2", "S3", "S4", "S5", "S6"} {
		if !covered[d] {
			t.Errorf("no payload breaks decision %s", d)
		}
	}
}

func describe(vs []schemas.Violation) string {
	var s []string
	for _, v := range vs {
		b, _ := json.Marshal(v)
		s = append(s, string(b))
	}
	return strings.Join(s, "\n")
}

// params that is not an object breaks both the operation's params schema and
// the shared call object; it is reported once, with its JSON-RPC code (T5).
func TestT5ParamsNotAnObjectIsReportedOnce(t *testing.T) {
	v, _ := schemas.Decode([]byte(`{"jsonrpc": "2.0", "params": null}`))
	vs, err := contract(t).ValidateRequest("get_countries", v)
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 1 || vs[0].Decision != "T5" || vs[0].Code != -32602 {
		t.Fatalf("violations = %s", describe(vs))
	}
}

func TestDecodeKeepsNumbersAndRejectsTrailingData(t *testing.T) {
	v, err := schemas.Decode([]byte(`{"n": 12345678901234567890}`))
	if err != nil {
		t.Fatal(err)
	}
	if n := v.(map[string]any)["n"].(json.Number); n.String() != "12345678901234567890" {
		t.Errorf("number = %s", n)
	}
	for _, bad := range []string{`{}]`, `{} {}`, `{`, ``, `nul`} {
		if _, err := schemas.Decode([]byte(bad)); err == nil {
			t.Errorf("Decode(%q) accepted", bad)
		}
	}
}

// A response matching no variant is reported against the closest one.
func TestValidateResponsePicksTheClosestVariant(t *testing.T) {
	c := contract(t)
	v, _ := schemas.Decode([]byte(`[{"id":1,"jsonrpc":"2.0","result":{"company_id":1,"db":"x","session_id":"s","uid":0,"name":"a","surname":"b","username":"c","user_context":{"lang":"en_US","tz":"UTC","uid":0}}}]`))
	variant, vs, err := c.ValidateResponse("signin", v)
	if err != nil || variant != "success" || len(vs) != 2 {
		t.Fatalf("variant %q, violations %v, err %v", variant, vs, err)
	}
	if _, _, err := c.ValidateResponse("nope", v); err == nil {
		t.Error("unknown operation accepted")
	}
}

func BenchmarkValidate(b *testing.B) {
	c := contract(b)
	signin := []byte(`[{"id":null,"jsonrpc":"2.0","result":{"company_id":1,"db":"nebeus","session_id":"95gdjkhksdhfjwehwlew","uid":154,"name":"Igor","surname":"Igor","user_context":{"lang":"en_US","tz":"Europe/Madrid","uid":154},"username":"Igor"}}]`)
	signup := []byte(`{"jsonrpc":"2.0","method":"call","id":1,"params":{"login":"new@example.com","name":"New","surname":"User","password":"long-password","confirm_password":"long-password","country":2,"device_type":1,"language":"en_US","timezone":3600}}`)
	for _, tc := range []struct {
		name   string
		body   []byte
		schema string
		run    func(v any) error
	}{
		{"signin-response", signin, "signin.response.success", func(v any) error {
			variant, vs, err := c.ValidateResponse("signin", v)
			if err == nil && (variant != "success" || len(vs) > 0) {
				err = fmt.Errorf("variant %q, violations %v", variant, vs)
			}
			return err
		}},
		{"signup-request", signup, "signup.request", func(v any) error {
			vs, err := c.ValidateRequest("signup", v)
			if err == nil && len(vs) > 0 {
				err = fmt.Errorf("violations %v", vs)
			}
			return err
		}},
	} {
		// Baseline: decoding the same payload, which every validation needs.
		b.Run(tc.name+"/baseline-decode", func(b *testing.B) {
			for b.Loop() {
				if _, err := schemas.Decode(tc.body); err != nil {
					b.Fatal(err)
				}
			}
		})
		v, err := schemas.Decode(tc.body)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name+"/validate", func(b *testing.B) {
			for b.Loop() {
				if err := tc.run(v); err != nil {
					b.Fatal(err)
				}
			}
		})
		// The same check by jsonschema/v5 alone: what Validate cost before
		// the quick check (check.go), and still costs a payload it is not
		// sure of.
		b.Run(tc.name+"/jsonschema", func(b *testing.B) {
			for b.Loop() {
				if !c.JSONSchemaValid(tc.schema, v) {
					b.Fatal("invalid")
				}
			}
		})
	}
}
