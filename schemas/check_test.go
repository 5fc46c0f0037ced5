package schemas_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nebeus/nebeus-contract/schemas"
)

// quickCorpus is every payload the tests know: the page's examples (each
// variant's), the violation table's payloads, and mutations of both.
func quickCorpus(t testing.TB, c *schemas.Contract) []any {
	t.Helper()
	var docs []any
	add := func(b []byte) {
		if v, err := schemas.Decode(b); err == nil {
			docs = append(docs, v)
		}
	}
	for _, o := range c.Operations() {
		for _, vr := range o.Variants {
			if len(vr.Example) > 0 {
				add(vr.Example)
			}
		}
	}
	raw, err := os.ReadFile(filepath.Join("testdata", "violations.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []struct {
		Payload json.RawMessage `json:"payload"`
	}
	if err := json.Unmarshal(raw, &cases); err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		add(tc.Payload)
	}
	for _, s := range []string{
		`{"jsonrpc":"2.0","method":"call","id":1,"params":{"login":"new@example.com","name":"New","surname":"User","password":"long-password","confirm_password":"long-password","country":2,"device_type":1,"language":"en_US","timezone":3600}}`,
		`{"jsonrpc":"2.0","params":{"login":"a@b.co","password":"p","country":2.0,"timezone":1e3,"device_type":-0}}`,
		`{"jsonrpc":"2.0","params":{"login":"a@b.co","password":"pppppppp","country":"2","name":" ","surname":"x"}}`,
		`{"jsonrpc":"2.0","params":{"login":"a@b.co","name":"n","surname":"s","password":"pppppppp","confirm_password":"pppppppp","country":1,"device_type":15,"timezone":-43201,"language":"EN"}}`,
		`{"jsonrpc":"2.0","id":"x","params":{}}`, `{"jsonrpc":"2.0","id":null}`, `{"jsonrpc":2}`, `[]`, `null`, `"x"`, `1.5`,
		`{"jsonrpc":"2.0","params":{"login":"ana@example","password":"x","session_id":"s"}}`,
		`{"jsonrpc":"2.0","params":{"login":"ünïcødé@example.com","password":"ßßßßßßßß"}}`,
		`[{"id":1,"jsonrpc":"2.0","result":{"status":"success","extra":1}}]`,
		`{"id":1,"jsonrpc":"2.0","result":{"status":"error","message":"Login or password is incorrect"}}`,
		`[{"id":1,"name":"Spain","code":"ES","phone_code":"+34"},{"id":0,"name":"X","code":"es","phone_code":"34"}]`,
	} {
		add([]byte(s))
	}
	// Mutations of every document so far: each field deleted, and each
	// value replaced by one of every JSON type.
	n := len(docs)
	for _, d := range docs[:n] {
		docs = append(docs, mutations(d)...)
	}
	return docs
}

var replacements = []any{nil, true, json.Number("0"), json.Number("-1"), json.Number("2.5"), json.Number("1e2"), json.Number("99999999999"), "", "x", " ", "en_US", "a@b.co", []any{}, map[string]any{}}

// mutations of v: at every place, the value replaced by each of
// replacements and, in an object, the key removed.
func mutations(v any) []any {
	var out []any
	for _, r := range replacements {
		out = append(out, r)
	}
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			drop := make(map[string]any, len(x))
			for k2, e2 := range x {
				if k2 != k {
					drop[k2] = e2
				}
			}
			out = append(out, drop)
			for _, m := range mutations(e) {
				cp := make(map[string]any, len(x))
				for k2, e2 := range x {
					cp[k2] = e2
				}
				cp[k] = m
				out = append(out, cp)
			}
		}
	case []any:
		for i, e := range x {
			for _, m := range mutations(e) {
				cp := append([]any(nil), x...)
				cp[i] = m
				out = append(out, cp)
			}
		}
	}
	return out
}

// agree fails when the quick check's answer contradicts jsonschema's: a
// "valid" jsonschema rejects, or an "invalid" jsonschema accepts.
func agree(t *testing.T, c *schemas.Contract, name string, v any) (sure bool) {
	t.Helper()
	q := c.QuickVerdict(name, v)
	slow := c.JSONSchemaValid(name, v)
	switch {
	case q == "valid" && !slow:
		b, _ := json.Marshal(v)
		t.Fatalf("%s: the quick check says valid, jsonschema invalid: %s", name, b)
	case q == "invalid" && slow:
		b, _ := json.Marshal(v)
		t.Fatalf("%s: the quick check says invalid, jsonschema valid: %s", name, b)
	}
	return q != "unsure"
}

// TestQuickCheckAgreesWithJSONSchema: on every payload of the corpus and its
// mutations, against every schema, the quick check never contradicts
// jsonschema/v5, and it is sure of most answers (else it would not be
// quick).
func TestQuickCheckAgreesWithJSONSchema(t *testing.T) {
	c := contract(t)
	docs := quickCorpus(t, c)
	total, sure := 0, 0
	for _, name := range c.Names() {
		for _, d := range docs {
			total++
			if agree(t, c, name, d) {
				sure++
			}
		}
	}
	if total < 10000 {
		t.Errorf("only %d comparisons", total)
	}
	t.Logf("%d comparisons, the quick check sure of %d", total, sure)
	if sure*10 < total*8 {
		t.Errorf("the quick check is sure of only %d of %d answers", sure, total)
	}
}

// TestQuickCheckIsSureOfEveryGeneratedSchema: every keyword the generator
// writes is one the quick check implements, so no generated schema falls
// back to jsonschema for valid payloads.
func TestQuickCheckIsSureOfEveryGeneratedSchema(t *testing.T) {
	c := contract(t)
	for _, name := range c.Names() {
		if c.QuickUnsure(name) {
			t.Errorf("%s: the quick check is never sure of it", name)
		}
	}
	for _, o := range c.Operations() {
		for _, vr := range o.Variants {
			if len(vr.Example) == 0 || vr.Shape == schemas.ShapeBinary {
				continue
			}
			v, err := schemas.Decode(vr.Example)
			if err != nil {
				t.Fatal(err)
			}
			if got := c.QuickVerdict(vr.Schema, v); got != "valid" && !strings.Contains(string(vr.Example), "...") {
				t.Errorf("%s's example: the quick check says %s", vr.Schema, got)
			}
		}
	}
}

// FuzzQuickCheck: for any JSON payload and any schema, the quick check
// never contradicts jsonschema/v5.
func FuzzQuickCheck(f *testing.F) {
	c := contract(f)
	for i, d := range quickCorpus(f, c) {
		if i%7 != 0 {
			continue
		}
		b, _ := json.Marshal(d)
		f.Add(uint8(i), b)
	}
	names := c.Names()
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		v, err := schemas.Decode(body)
		if err != nil {
			return
		}
		if schemas.HasUncheckable(v) {
			return // Validate refuses it before either check sees it
		}
		agree(t, c, names[int(which)%len(names)], v)
	})
}
