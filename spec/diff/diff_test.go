package diff

import (
	"bytes"
	"encoding/json"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/nebeus/nebeus-contract/spec/model"
)

// load reads testdata/index.json afresh, so each case edits its own copy.
func load(t *testing.T) *model.Contract {
	t.Helper()
	b, err := os.ReadFile("testdata/index.json")
	if err != nil {
		t.Fatal(err)
	}
	var c model.Contract
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	return &c
}

func op(c *model.Contract, id string) *model.Operation {
	o, ok := c.Operation(id)
	if !ok {
		panic("no operation " + id)
	}
	return o
}

func arg(c *model.Contract, id, name string) *model.Argument {
	o := op(c, id)
	for i := range o.Arguments {
		if o.Arguments[i].Name == name {
			return &o.Arguments[i]
		}
	}
	panic("no argument " + name)
}

func variant(c *model.Contract, id, name string) *model.Variant {
	o := op(c, id)
	for i := range o.Variants {
		if o.Variants[i].Name == name {
			return &o.Variants[i]
		}
	}
	panic("no variant " + name)
}

func field(c *model.Contract, id, v, pointer string) *model.Field {
	vv := variant(c, id, v)
	for i := range vv.Fields {
		if vv.Fields[i].Pointer == pointer {
			return &vv.Fields[i]
		}
	}
	panic("no field " + pointer)
}

func removeOp(c *model.Contract, id string) {
	var ops []model.Operation
	for _, o := range c.Operations {
		if o.ID != id {
			ops = append(ops, o)
		}
	}
	c.Operations = ops
}

func removeArg(c *model.Contract, id, name string) {
	o := op(c, id)
	var as []model.Argument
	for _, a := range o.Arguments {
		if a.Name != name {
			as = append(as, a)
		}
	}
	o.Arguments = as
}

func removeVariant(c *model.Contract, id, name string) {
	o := op(c, id)
	var vs []model.Variant
	for _, v := range o.Variants {
		if v.Name != name {
			vs = append(vs, v)
		}
	}
	o.Variants = vs
}

func removeField(c *model.Contract, id, v string, pointers ...string) {
	vv := variant(c, id, v)
	var fs []model.Field
	for _, f := range vv.Fields {
		drop := false
		for _, p := range pointers {
			drop = drop || f.Pointer == p
		}
		if !drop {
			fs = append(fs, f)
		}
	}
	vv.Fields = fs
}

func ip(n int) *int          { return &n }
func fp(f float64) *float64  { return &f }
func enumOf(vs ...any) []any { return vs }

type ruleCase struct {
	name     string
	old, new func(c *model.Contract) // edits of the base contract; nil: none
	want     []string                // "level rule target", in order
}

var ruleCases = []ruleCase{
	// Operations.
	{name: "operation removed", new: func(c *model.Contract) { removeOp(c, "logout") },
		want: []string{"breaking api-removed logout"}},
	{name: "operation added", old: func(c *model.Contract) { removeOp(c, "logout") },
		want: []string{"non-breaking endpoint-added logout"}},
	{name: "path changed", new: func(c *model.Contract) { op(c, "signin").Path = "/login/1.0/json" },
		want: []string{"breaking api-path-changed signin"}},
	{name: "method changed", new: func(c *model.Contract) { op(c, "signin").Method = "PUT" },
		want: []string{"breaking api-method-changed signin"}},
	{name: "protocol changed", new: func(c *model.Contract) { op(c, "signin").Protocol = model.ProtocolHTTP },
		want: []string{"breaking api-protocol-changed signin"}},
	{name: "params became required", new: func(c *model.Contract) { op(c, "logout").ParamsOptional = false },
		want: []string{"breaking request-body-became-required logout"}},
	{name: "params became optional", new: func(c *model.Contract) { op(c, "signin").ParamsOptional = true },
		want: []string{"non-breaking request-body-became-optional signin"}},
	// Issue 17 item 9: a renamed path parameter is the same URL for a
	// client: info, not a path change, and its argument is not removed
	// and added.
	{name: "path param renamed", new: func(c *model.Contract) { renameFlagParam(c, "flag") },
		want: []string{"info api-path-param-renamed flag"}},
	{name: "path param renamed with the id", new: func(c *model.Contract) { renameFlagParam(c, "flag_by_country") },
		want: []string{"info api-path-param-renamed flag_by_country"}},
	{name: "path param renamed, its example changed", new: func(c *model.Contract) {
		renameFlagParam(c, "flag")
		op(c, "flag").PathParams[0].Example = "fr"
	}, want: []string{"info api-path-param-renamed flag", "info api-path-param-example-changed flag"}},
	{name: "path template changed", new: func(c *model.Contract) { op(c, "flag").Path = "/flags/{code}/image.png" },
		want: []string{"breaking api-path-changed flag"}},
	{name: "path param example", new: func(c *model.Contract) { op(c, "flag").PathParams[0].Example = "fr" },
		want: []string{"info api-path-param-example-changed flag"}},
	{name: "operation docs", new: func(c *model.Contract) {
		o := op(c, "signin")
		o.Title, o.Description, o.Decision, o.Safe = "Sign in", "Other.", "S2", false
	}, want: []string{"info api-title-changed signin", "info api-description-changed signin", "info api-decision-changed signin", "info api-safe-changed signin"}},

	// Arguments.
	{name: "new required argument", new: func(c *model.Contract) {
		o := op(c, "signin")
		o.Arguments = append(o.Arguments, model.Argument{Name: "otp", Type: "string", Required: true, Source: model.Source{File: "page.md", Line: 18}})
	}, want: []string{"breaking new-required-request-property signin.otp"}},
	{name: "new optional argument", new: func(c *model.Contract) {
		o := op(c, "signin")
		o.Arguments = append(o.Arguments, model.Argument{Name: "otp", Type: "string"})
	}, want: []string{"non-breaking new-optional-request-property signin.otp"}},
	{name: "argument removed", new: func(c *model.Contract) { removeArg(c, "signin", "lang") },
		want: []string{"warning request-property-removed signin.lang"}},
	{name: "argument became required", new: func(c *model.Contract) { arg(c, "signin", "lang").Required = true },
		want: []string{"breaking request-property-became-required signin.lang"}},
	{name: "argument became optional", new: func(c *model.Contract) { arg(c, "signin", "login").Required = false },
		want: []string{"non-breaking request-property-became-optional signin.login"}},
	{name: "argument type changed", new: func(c *model.Contract) { arg(c, "signin", "country").Type = "string" },
		want: []string{"breaking request-property-type-changed signin.country"}},
	{name: "argument type generalized", new: func(c *model.Contract) { arg(c, "signin", "country").Type = "number" },
		want: []string{"non-breaking request-property-type-generalized signin.country"}},
	{name: "argument type any", new: func(c *model.Contract) { arg(c, "signin", "country").Type = "" },
		want: []string{"non-breaking request-property-type-generalized signin.country"}},
	{name: "argument moved", new: func(c *model.Contract) { arg(c, "flag", "code").In = "query" },
		want: []string{"breaking request-property-location-changed flag.code"}},
	{name: "error key remapped", new: func(c *model.Contract) { arg(c, "signin", "login").ErrorKey = "" },
		want: []string{"breaking request-property-error-key-changed signin.login"}},
	{name: "error key spelled out, same key", old: func(c *model.Contract) { arg(c, "signin", "lang").ErrorKey = "" },
		new: func(c *model.Contract) { arg(c, "signin", "lang").ErrorKey = "lang" }},
	{name: "minLength raised", new: func(c *model.Contract) { arg(c, "signin", "login").MinLength = ip(3) },
		want: []string{"breaking request-property-min-length-increased signin.login"}},
	{name: "minLength set", new: func(c *model.Contract) { arg(c, "signin", "lang").MinLength = ip(2) },
		want: []string{"breaking request-property-min-length-set signin.lang"}},
	{name: "minLength lowered", new: func(c *model.Contract) { arg(c, "signin", "login").MinLength = ip(0) },
		want: []string{"non-breaking request-property-min-length-decreased signin.login"}},
	{name: "minLength removed", new: func(c *model.Contract) { arg(c, "signin", "login").MinLength = nil },
		want: []string{"non-breaking request-property-min-length-unset signin.login"}},
	{name: "maxLength lowered", new: func(c *model.Contract) { arg(c, "signin", "lang").MaxLength = ip(2) },
		want: []string{"breaking request-property-max-length-decreased signin.lang"}},
	{name: "maxLength set", new: func(c *model.Contract) { arg(c, "signin", "login").MaxLength = ip(254) },
		want: []string{"breaking request-property-max-length-set signin.login"}},
	{name: "maxLength raised", new: func(c *model.Contract) { arg(c, "signin", "lang").MaxLength = ip(8) },
		want: []string{"non-breaking request-property-max-length-increased signin.lang"}},
	{name: "maxLength removed", new: func(c *model.Contract) { arg(c, "signin", "lang").MaxLength = nil },
		want: []string{"non-breaking request-property-max-length-unset signin.lang"}},
	{name: "minimum raised", new: func(c *model.Contract) { arg(c, "signin", "country").Minimum = fp(2) },
		want: []string{"breaking request-property-min-increased signin.country"}},
	{name: "minimum set", old: func(c *model.Contract) { arg(c, "signin", "country").Minimum = nil },
		want: []string{"breaking request-property-min-set signin.country"}},
	{name: "minimum lowered", new: func(c *model.Contract) { arg(c, "signin", "country").Minimum = fp(0.5) },
		want: []string{"non-breaking request-property-min-decreased signin.country"}},
	{name: "minimum removed", new: func(c *model.Contract) { arg(c, "signin", "country").Minimum = nil },
		want: []string{"non-breaking request-property-min-unset signin.country"}},
	{name: "maximum lowered", new: func(c *model.Contract) { arg(c, "signin", "country").Maximum = fp(250) },
		want: []string{"breaking request-property-max-decreased signin.country"}},
	{name: "maximum set", old: func(c *model.Contract) { arg(c, "signin", "country").Maximum = nil },
		want: []string{"breaking request-property-max-set signin.country"}},
	{name: "maximum raised", new: func(c *model.Contract) { arg(c, "signin", "country").Maximum = fp(1000) },
		want: []string{"non-breaking request-property-max-increased signin.country"}},
	{name: "maximum removed", new: func(c *model.Contract) { arg(c, "signin", "country").Maximum = nil },
		want: []string{"non-breaking request-property-max-unset signin.country"}},
	{name: "pattern added", new: func(c *model.Contract) { arg(c, "signin", "password").Pattern = `\S` },
		want: []string{"breaking request-property-pattern-added signin.password"}},
	{name: "pattern changed", new: func(c *model.Contract) { arg(c, "signin", "lang").Pattern = `^[a-z]{2,3}$` },
		want: []string{"breaking request-property-pattern-changed signin.lang"}},
	{name: "pattern removed", new: func(c *model.Contract) { arg(c, "signin", "lang").Pattern = "" },
		want: []string{"non-breaking request-property-pattern-removed signin.lang"}},
	{name: "format added", new: func(c *model.Contract) { arg(c, "signin", "password").Format = "password" },
		want: []string{"breaking request-property-format-added signin.password"}},
	{name: "format changed", new: func(c *model.Contract) { arg(c, "signin", "login").Format = "idn-email" },
		want: []string{"breaking request-property-format-changed signin.login"}},
	{name: "format removed", new: func(c *model.Contract) { arg(c, "signin", "login").Format = "" },
		want: []string{"non-breaking request-property-format-removed signin.login"}},
	{name: "became enum", new: func(c *model.Contract) { arg(c, "signin", "country").Enum = enumOf(1.0, 2.0) },
		want: []string{"breaking request-property-became-enum signin.country"}},
	{name: "enum narrowed", new: func(c *model.Contract) { arg(c, "signin", "lang").Enum = enumOf("en") },
		want: []string{"breaking request-property-enum-value-removed signin.lang"}},
	{name: "enum widened", new: func(c *model.Contract) { arg(c, "signin", "lang").Enum = enumOf("en", "es", "fr") },
		want: []string{"non-breaking request-property-enum-value-added signin.lang"}},
	{name: "enum replaced", new: func(c *model.Contract) { arg(c, "signin", "lang").Enum = enumOf("es", "fr") },
		want: []string{"breaking request-property-enum-value-removed signin.lang", "non-breaking request-property-enum-value-added signin.lang"}},
	{name: "enum reordered", new: func(c *model.Contract) { arg(c, "signin", "lang").Enum = enumOf("es", "en") }},
	{name: "enum removed", new: func(c *model.Contract) { arg(c, "signin", "lang").Enum = nil },
		want: []string{"non-breaking request-property-enum-removed signin.lang"}},
	{name: "argument docs", new: func(c *model.Contract) {
		a := arg(c, "signin", "login")
		a.DocType, a.Secret, a.Description, a.Decision = "String", true, "The email", "S5"
	}, want: []string{"info request-property-doc-type-changed signin.login", "info request-property-secret-changed signin.login",
		"info request-property-description-changed signin.login", "info request-property-decision-changed signin.login"}},

	// Variants.
	{name: "variant removed", new: func(c *model.Contract) { removeVariant(c, "signin", "error") },
		want: []string{"breaking response-variant-removed signin.error"}},
	{name: "variant added", new: func(c *model.Contract) {
		o := op(c, "logout")
		o.Variants = append(o.Variants, model.Variant{Name: "error", Shape: model.ShapeArray, Error: true, MediaType: "application/json"})
	}, want: []string{"non-breaking response-variant-added logout.error"}},
	{name: "variant kind", new: func(c *model.Contract) { variant(c, "signin", "error").Error = false },
		want: []string{"breaking response-variant-kind-changed signin.error"}},
	{name: "shape changed (T4)", new: func(c *model.Contract) { variant(c, "signin", "error").Shape = model.ShapeArray },
		want: []string{"breaking response-shape-changed signin.error"}},
	{name: "media type changed", new: func(c *model.Contract) { variant(c, "flag", "success").MediaType = "image/svg+xml" },
		want: []string{"breaking response-media-type-changed flag.success"}},
	{name: "variant docs", new: func(c *model.Contract) {
		v := variant(c, "signin", "success")
		v.Label, v.Decision = "Returns:", "T4"
		v.Example = json.RawMessage(`[{"id":null,"jsonrpc":"2.0","result":{"uid":155,"name":"Igor"}}]`)
	}, want: []string{"info response-variant-label-changed signin.success", "info response-example-changed signin.success",
		"info response-variant-decision-changed signin.success"}},
	{name: "example respelled", new: func(c *model.Contract) {
		variant(c, "signin", "success").Example = json.RawMessage(`[ { "result": {"name":"Igor","uid":154.0}, "jsonrpc":"2.0", "id":null } ]`)
	}},

	// Fields.
	{name: "required field removed", new: func(c *model.Contract) { removeField(c, "signin", "success", "/name") },
		want: []string{"breaking response-required-property-removed signin.success/name"}},
	{name: "optional field removed", new: func(c *model.Contract) { removeField(c, "signin", "success", "/nick") },
		want: []string{"warning response-optional-property-removed signin.success/nick"}},
	{name: "object removed: one change", new: func(c *model.Contract) { removeField(c, "signin", "success", "/ctx", "/ctx/tz", "/ctx/lang") },
		want: []string{"breaking response-required-property-removed signin.success/ctx"}},
	{name: "nested field removed", new: func(c *model.Contract) { removeField(c, "signin", "success", "/ctx/lang") },
		want: []string{"breaking response-required-property-removed signin.success/ctx/lang"}},
	{name: "required field added (T6)", new: func(c *model.Contract) {
		v := variant(c, "signin", "success")
		v.Fields = append(v.Fields, model.Field{Pointer: "/surname", Type: "string", Required: true})
	}, want: []string{"non-breaking response-required-property-added signin.success/surname"}},
	{name: "optional field added", new: func(c *model.Contract) {
		v := variant(c, "signin", "success")
		v.Fields = append(v.Fields, model.Field{Pointer: "/surname", Type: "string"})
	}, want: []string{"non-breaking response-optional-property-added signin.success/surname"}},
	{name: "object added: one change", old: func(c *model.Contract) { removeField(c, "signin", "success", "/ctx", "/ctx/tz", "/ctx/lang") },
		want: []string{"non-breaking response-required-property-added signin.success/ctx"}},
	{name: "field became optional", new: func(c *model.Contract) { field(c, "signin", "success", "/name").Required = false },
		want: []string{"breaking response-property-became-optional signin.success/name"}},
	{name: "field became required", new: func(c *model.Contract) { field(c, "signin", "success", "/nick").Required = true },
		want: []string{"non-breaking response-property-became-required signin.success/nick"}},
	{name: "field type changed", new: func(c *model.Contract) { field(c, "signin", "success", "/name").Type = "integer" },
		want: []string{"breaking response-property-type-changed signin.success/name"}},
	{name: "field type generalized", new: func(c *model.Contract) { field(c, "signin", "success", "/uid").Type = "number" },
		want: []string{"breaking response-property-type-generalized signin.success/uid"}},
	{name: "field type specialized", new: func(c *model.Contract) { field(c, "signin", "success", "/score").Type = "integer" },
		want: []string{"non-breaking response-property-type-specialized signin.success/score"}},
	{name: "const text changed", new: func(c *model.Contract) { field(c, "signin", "error", "/error").Const = "Wrong login or password" },
		want: []string{"breaking response-property-const-changed signin.error/error"}},
	{name: "const removed", new: func(c *model.Contract) { field(c, "signin", "error", "/error").Const = nil },
		want: []string{"breaking response-property-const-removed signin.error/error"}},
	{name: "const added", new: func(c *model.Contract) { field(c, "signin", "success", "/name").Const = "Igor" },
		want: []string{"non-breaking response-property-const-added signin.success/name"}},
	{name: "field enum widened", new: func(c *model.Contract) { field(c, "signin", "success", "/kind").Enum = enumOf("a", "b", "c") },
		want: []string{"warning response-property-enum-value-added signin.success/kind"}},
	{name: "field enum narrowed", new: func(c *model.Contract) { field(c, "signin", "success", "/kind").Enum = enumOf("a") },
		want: []string{"non-breaking response-property-enum-value-removed signin.success/kind"}},
	{name: "field enum removed", new: func(c *model.Contract) { field(c, "signin", "success", "/kind").Enum = nil },
		want: []string{"warning response-property-enum-removed signin.success/kind"}},
	{name: "field became enum", new: func(c *model.Contract) { field(c, "signin", "success", "/name").Enum = enumOf("Igor") },
		want: []string{"non-breaking response-property-became-enum signin.success/name"}},
	{name: "field minimum lowered", new: func(c *model.Contract) { field(c, "signin", "success", "/uid").Minimum = fp(0) },
		want: []string{"breaking response-property-min-decreased signin.success/uid"}},
	{name: "field minimum removed", new: func(c *model.Contract) { field(c, "signin", "success", "/uid").Minimum = nil },
		want: []string{"breaking response-property-min-unset signin.success/uid"}},
	{name: "field minimum raised", new: func(c *model.Contract) { field(c, "signin", "success", "/uid").Minimum = fp(100) },
		want: []string{"non-breaking response-property-min-increased signin.success/uid"}},
	{name: "field minimum set", new: func(c *model.Contract) { field(c, "signin", "success", "/score").Minimum = fp(0) },
		want: []string{"non-breaking response-property-min-set signin.success/score"}},
	{name: "field minLength lowered", new: func(c *model.Contract) { field(c, "signin", "success", "/session_id").MinLength = ip(0) },
		want: []string{"breaking response-property-min-length-decreased signin.success/session_id"}},
	{name: "field minLength removed", new: func(c *model.Contract) { field(c, "signin", "success", "/session_id").MinLength = nil },
		want: []string{"breaking response-property-min-length-unset signin.success/session_id"}},
	{name: "field minLength raised", new: func(c *model.Contract) { field(c, "signin", "success", "/session_id").MinLength = ip(16) },
		want: []string{"non-breaking response-property-min-length-increased signin.success/session_id"}},
	{name: "field minLength set", new: func(c *model.Contract) { field(c, "signin", "success", "/name").MinLength = ip(1) },
		want: []string{"non-breaking response-property-min-length-set signin.success/name"}},
	{name: "field pattern added", new: func(c *model.Contract) { field(c, "signin", "success", "/name").Pattern = `\S` },
		want: []string{"non-breaking response-property-pattern-added signin.success/name"}},
	{name: "field pattern changed", new: func(c *model.Contract) { field(c, "signin", "success", "/code").Pattern = `^[A-Z]{3}$` },
		want: []string{"non-breaking response-property-pattern-changed signin.success/code"}},
	{name: "field pattern removed", new: func(c *model.Contract) { field(c, "signin", "success", "/code").Pattern = "" },
		want: []string{"non-breaking response-property-pattern-removed signin.success/code"}},
	{name: "field docs", new: func(c *model.Contract) {
		f := field(c, "signin", "success", "/session_id")
		f.Secret, f.Description, f.Decision = false, "The session", "S1"
	}, want: []string{"info response-property-secret-changed signin.success/session_id", "info response-property-description-changed signin.success/session_id",
		"info response-property-decision-changed signin.success/session_id"}},
}

func TestCompareRules(t *testing.T) {
	seen := map[string]bool{}
	for _, tc := range ruleCases {
		t.Run(tc.name, func(t *testing.T) {
			old, new := load(t), load(t)
			if tc.old != nil {
				tc.old(old)
			}
			if tc.new != nil {
				tc.new(new)
			}
			var got []string
			for _, c := range Compare(old, new) {
				got = append(got, string(c.Level)+" "+c.Rule+" "+c.Subject())
				seen[c.Rule] = true
				if r, ok := RuleByID(c.Rule); !ok || r.Level != c.Level || r.Kind != c.Kind {
					t.Errorf("%s: level %s kind %s disagree with the rule table (%+v)", c.Rule, c.Level, c.Kind, r)
				}
				// The rule's kind matches what it names.
				if (c.Kind == KindOperation) != (c.Target == "") || (c.Kind == KindField) != strings.Contains(c.Target, "/") {
					t.Errorf("%s: kind %s, target %q", c.Rule, c.Kind, c.Target)
				}
				if c.Message == "" {
					t.Errorf("%s: no message", c.Rule)
				}
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("changes:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}
	for _, r := range Rules {
		if !seen[r.ID] {
			t.Errorf("rule %s is exercised by no case", r.ID)
		}
	}
}

func TestIdenticalContractsHaveNoChange(t *testing.T) {
	if cs := Compare(load(t), load(t)); len(cs) != 0 {
		t.Errorf("identical contracts: %v", cs)
	}
	if cs := Compare(nil, nil); len(cs) != 0 {
		t.Errorf("nil contracts: %v", cs)
	}
	// The repository's own generated contract against itself.
	b, err := os.ReadFile("../../schemas/index.json")
	if err != nil {
		t.Fatal(err)
	}
	var a, c model.Contract
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(b, &c)
	if cs := Compare(&a, &c); len(cs) != 0 {
		t.Errorf("schemas/index.json against itself: %v", cs)
	}
}

func TestSources(t *testing.T) {
	old, new := load(t), load(t)
	removeOp(new, "logout")          // removed: the old line
	removeArg(new, "signin", "lang") // removed argument: its own old line
	n := op(new, "signin")           // new lines moved down by 100
	n.Source.Line += 100
	for i := range n.Arguments {
		n.Arguments[i].Source.Line += 100
	}
	for i := range n.Variants {
		n.Variants[i].Source.Line += 100
	}
	n.Arguments = append(n.Arguments, model.Argument{Name: "otp", Required: true, Source: model.Source{File: "page.md"}}) // no line: the operation's
	n.Arguments[0].MinLength = ip(5)                                                                                      // changed: the new line
	removeField(new, "signin", "success", "/name")                                                                        // a removed field: its variant's old line
	field(new, "signin", "success", "/uid").Type = "number"                                                               // a changed field: its variant's new line
	want := map[string]string{
		"api-removed":                           "page.md:40",
		"request-property-removed":              "page.md:17",
		"new-required-request-property":         "page.md:110",
		"request-property-min-length-increased": "page.md:114",
		"response-required-property-removed":    "page.md:20",
		"response-property-type-generalized":    "page.md:120",
	}
	got := map[string]string{}
	for _, c := range Compare(old, new) {
		got[c.Rule] = c.Where()
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sources %v, want %v", got, want)
	}
}

func TestOrder(t *testing.T) {
	old, new := load(t), load(t)
	// Page order: signin, logout (removed), flag; then, within signin,
	// the operation, its arguments (a removed one where it was), its
	// variants and their fields.
	removeOp(new, "logout")
	op(new, "flag").Path = "/flag/{code}.png"
	op(new, "signin").Title = "Sign in"
	removeArg(new, "signin", "password")
	arg(new, "signin", "login").Required = false
	arg(new, "signin", "country").Type = "string"
	field(new, "signin", "success", "/uid").Type = "string"
	variant(new, "signin", "success").Shape = model.ShapeBare
	var got []string
	for _, c := range Compare(old, new) {
		got = append(got, c.Rule+" "+c.Subject())
	}
	want := []string{
		"api-title-changed signin",
		"request-property-became-optional signin.login",
		"request-property-removed signin.password",
		"request-property-type-changed signin.country",
		"response-shape-changed signin.success",
		"response-property-type-changed signin.success/uid",
		"api-removed logout",
		"api-path-changed flag",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("order:\n  %s\nwant:\n  %s", strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}

	// The report groups by level, page order kept within each.
	var b bytes.Buffer
	if err := WriteText(&b, Compare(old, new)); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	var levels []string
	for _, l := range lines[:len(lines)-1] {
		levels = append(levels, strings.Fields(l)[0])
	}
	wantLevels := []string{"breaking", "breaking", "breaking", "breaking", "breaking", "warning", "non-breaking", "info"}
	if !reflect.DeepEqual(levels, wantLevels) {
		t.Errorf("levels %v, want %v\n%s", levels, wantLevels, b.String())
	}
	if last := lines[len(lines)-1]; last != "5 breaking, 1 warning, 1 not breaking, 1 info" {
		t.Errorf("summary %q", last)
	}
	if got := strings.Join(strings.Fields(lines[0]), " "); got != "breaking request-property-type-changed signin.country page.md:16 type changed from integer to string" {
		t.Errorf("first line %q", lines[0])
	}
}

func TestMerge(t *testing.T) {
	for _, tc := range []struct{ old, new, want []string }{
		{nil, nil, nil},
		{[]string{"a", "b", "c"}, []string{"a", "c"}, []string{"a", "b", "c"}},
		{[]string{"a", "b", "c"}, []string{"c", "d"}, []string{"a", "b", "c", "d"}},
		{[]string{"a", "b"}, []string{"x", "b"}, []string{"a", "x", "b"}},
		{[]string{"a", "b"}, []string{"b", "a"}, []string{"b", "a"}},
	} {
		if got := merge(tc.old, tc.new); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("merge(%v, %v) = %v, want %v", tc.old, tc.new, got, tc.want)
		}
	}
}

func TestJSON(t *testing.T) {
	old, new := load(t), load(t)
	arg(new, "signin", "login").MinLength = ip(3)
	removeOp(new, "flag")
	var b bytes.Buffer
	if err := WriteJSON(&b, Compare(old, new)); err != nil {
		t.Fatal(err)
	}
	var r struct {
		Changes []map[string]any `json:"changes"`
		Counts
	}
	if err := json.Unmarshal(b.Bytes(), &r); err != nil {
		t.Fatalf("%v\n%s", err, b.String())
	}
	if r.Breaking != 2 || len(r.Changes) != 2 {
		t.Fatalf("report %+v", r)
	}
	c := r.Changes[0]
	want := map[string]any{"level": "breaking", "rule": "request-property-min-length-increased", "operation": "signin", "kind": "argument",
		"target": "login", "file": "page.md", "line": 14.0, "old": 1.0, "new": 3.0, "message": "minLength increased from 1 to 3"}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("change %v\nwant %v", c, want)
	}
	b.Reset()
	WriteJSON(&b, nil)
	if !strings.Contains(b.String(), `"changes": []`) {
		t.Errorf("empty report %s", b.String())
	}
}

// renameFlagParam renames flag's path parameter {code} to {country}, in
// its path, its path parameters and its argument, and gives it id.
func renameFlagParam(c *model.Contract, id string) {
	o := op(c, "flag")
	o.Path = "/flags/{country}.png"
	o.PathParams[0].Name = "country"
	arg(c, "flag", "code").Name = "country"
	o.ID = id
}
