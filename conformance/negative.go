package conformance

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"

	"github.com/nebeus/nebeus-contract/schemas"
)

// longString is the length of the "very long" strings the suite sends: far
// beyond any plausible field, well under any sane body limit (T5's 1 MiB).
const longString = 10000

// argument is one request argument as its schema describes it.
type argument struct {
	Name     string
	Field    string // signup's error key for it (x-error-key, S5); Name without one
	Required bool
	Node     map[string]any // the property's schema
}

// negative is one derived bad input: an argument missing or set to Value.
type negative struct {
	Arg     argument
	What    string // "missing", "of the wrong type (\"1\")", ...
	Missing bool
	Value   any
	// Invalid is true when the schema rejects the value outright, so the
	// operation's documented error must name it; false for edge values
	// (empty or very long strings the schema allows), which need only a
	// documented answer or a clean rejection, never a 5xx or a hang (T5).
	Invalid bool
}

func (n negative) String() string { return n.Arg.Name + " " + n.What }

// arguments walks an operation's request schema to its params: the
// arguments in the page's order, then any the overlay adds, sorted.
func (s *suite) arguments(op string) []argument {
	o, _ := s.contract.Operation(op)
	tree, _ := s.contract.Schema(o.Request)
	params := node(tree, "properties", "params")
	props, _ := params["properties"].(map[string]any)
	required := map[string]bool{}
	if rs, ok := params["required"].([]any); ok {
		for _, r := range rs {
			if n, ok := r.(string); ok {
				required[n] = true
			}
		}
	}
	var names []string
	for _, a := range o.Arguments {
		if _, ok := props[a.Name]; ok {
			names = append(names, a.Name)
		}
	}
	for _, n := range slices.Sorted(maps.Keys(props)) {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	var out []argument
	for _, n := range names {
		nd, _ := props[n].(map[string]any)
		field, _ := nd["x-error-key"].(string)
		if field == "" {
			field = n
		}
		out = append(out, argument{Name: n, Field: field, Required: required[n], Node: nd})
	}
	return out
}

func node(t map[string]any, path ...string) map[string]any {
	for _, p := range path {
		t, _ = t[p].(map[string]any)
	}
	return t
}

func typeOf(nd map[string]any) string {
	t, _ := nd["type"].(string)
	return t
}

func numberKeyword(nd map[string]any, k string) (json.Number, bool) {
	switch x := nd[k].(type) {
	case float64:
		return json.Number(fmt.Sprint(x)), true
	case json.Number:
		return x, true
	}
	return "", false
}

// Malformed email candidates; negatives keeps those the contract's own
// format check rejects, so the suite and the schemas cannot disagree.
var malformedEmails = []string{"plainaddress", "missing-domain@", "@missing-local.example.com", "two words@example.com", "double@@example.com"}

// Pattern-fitting candidates: the first that matches a pattern is the
// valid value sent (language is the one patterned optional argument).
var patternFitters = []string{"Conformance", "en_US", "en"}

// Pattern-breaking candidates: the first that does not match a pattern is
// the one sent.
var patternBreakers = []string{" ", "\t", "!!", "Not A Code 42"}

// negatives derives the bad inputs of an operation from its request schema:
// each required argument missing, each argument of each wrong JSON type,
// strings empty, very long, shorter than minLength, not matching their
// pattern, malformed where the format is email, numbers past their minimum
// and maximum.
func (s *suite) negatives(op string) []negative {
	var out []negative
	for _, a := range s.arguments(op) {
		nd := a.Node
		if a.Required {
			out = append(out, negative{Arg: a, What: "missing", Missing: true, Invalid: true})
		}
		for _, w := range wrongTypes(typeOf(nd), a.Required) {
			out = append(out, negative{Arg: a, What: "of the wrong type (" + jsonText(w) + ")", Value: w, Invalid: true})
		}
		switch typeOf(nd) {
		case "string":
			out = append(out, s.stringNegatives(op, a)...)
		case "integer", "number":
			if m, ok := numberKeyword(nd, "minimum"); ok {
				out = append(out, negative{Arg: a, What: "below its minimum " + m.String(), Value: step(m, -1), Invalid: true})
			}
			if m, ok := numberKeyword(nd, "maximum"); ok {
				out = append(out, negative{Arg: a, What: "above its maximum " + m.String(), Value: step(m, +1), Invalid: true})
			}
		}
	}
	return out
}

func (s *suite) stringNegatives(op string, a argument) []negative {
	nd := a.Node
	var out []negative
	minLen, hasMin := numberKeyword(nd, "minLength")
	pattern, _ := nd["pattern"].(string)
	var re *regexp.Regexp
	if pattern != "" {
		re, _ = regexp.Compile(pattern) // the contract's patterns are RE2-compatible
	}
	format, _ := nd["format"].(string)
	emptyBad := (hasMin && minLen.String() != "0") || (re != nil && !re.MatchString("")) || format == "email"
	out = append(out, negative{Arg: a, What: "empty", Value: "", Invalid: emptyBad})
	long := strings.Repeat("x", longString)
	if format == "email" {
		long = strings.Repeat("x", longString) + "@" + s.opts.EmailDomain
	}
	out = append(out, negative{Arg: a, What: fmt.Sprintf("very long (%d characters)", len(long)), Value: long})
	if hasMin {
		if n, err := minLen.Int64(); err == nil && n > 1 {
			out = append(out, negative{Arg: a, What: fmt.Sprintf("shorter than %d characters", n), Value: strings.Repeat("x", int(n-1)), Invalid: true})
		}
	}
	if m, ok := numberKeyword(nd, "maxLength"); ok {
		if n, err := m.Int64(); err == nil {
			out = append(out, negative{Arg: a, What: fmt.Sprintf("longer than %d characters", n), Value: strings.Repeat("x", int(n+1)), Invalid: true})
		}
	}
	if re != nil {
		for _, c := range patternBreakers {
			if !re.MatchString(c) {
				out = append(out, negative{Arg: a, What: fmt.Sprintf("not matching %s (%q)", pattern, c), Value: c, Invalid: true})
				break
			}
		}
	}
	if format == "email" {
		for _, e := range malformedEmails {
			if s.schemaRejects(op, a.Name, e) {
				out = append(out, negative{Arg: a, What: fmt.Sprintf("a malformed email (%q)", e), Value: e, Invalid: true})
			}
		}
	}
	return out
}

// schemaRejects reports whether the operation's request schema rejects
// value for argument name.
func (s *suite) schemaRejects(op, name string, value any) bool {
	o, _ := s.contract.Operation(op)
	body := map[string]any{"jsonrpc": "2.0", "params": map[string]any{name: value}}
	vs, err := s.contract.Validate(o.Request, body)
	if err != nil {
		return false
	}
	for _, v := range schemas.Failures(vs) {
		if v.Argument == name {
			return true
		}
	}
	return false
}

// wrongTypes are values of JSON types other than t; null only for a
// required argument (an optional one sent as null may fairly mean absent).
func wrongTypes(t string, required bool) []any {
	var out []any
	switch t {
	case "string":
		out = []any{json.Number("42"), true}
	case "integer":
		out = []any{"1", json.Number("1.5"), true}
	case "number":
		out = []any{"1", true}
	case "boolean":
		out = []any{"true", json.Number("1")}
	case "object", "array":
		out = []any{"x"}
	}
	if required {
		out = append(out, nil)
	}
	return out
}

// step returns n+d as a JSON number (n is an integer bound).
func step(n json.Number, d int64) json.Number {
	if i, err := n.Int64(); err == nil {
		return json.Number(fmt.Sprint(i + d))
	}
	f, _ := n.Float64()
	return json.Number(fmt.Sprint(f + float64(d)))
}

// valid returns a valid value for an argument, derived from its schema:
// a fresh email for format email, the minimum for numbers, a string long
// enough and matching its pattern. confirm_password is the one argument
// whose valid value depends on another (S5: it must equal password); the
// caller copies it.
func (s *suite) valid(a argument) any {
	nd := a.Node
	switch typeOf(nd) {
	case "integer", "number":
		if m, ok := numberKeyword(nd, "minimum"); ok {
			return m
		}
		return json.Number("1")
	case "string":
		if f, _ := nd["format"].(string); f == "email" {
			return s.email()
		}
		if strings.Contains(a.Name, "password") {
			return s.password()
		}
		if p, _ := nd["pattern"].(string); p != "" {
			if re, err := regexp.Compile(p); err == nil {
				for _, c := range patternFitters {
					if re.MatchString(c) {
						return c
					}
				}
			}
		}
		return "Conformance"
	}
	return nil
}

// validParams builds every required argument of op with a valid value;
// with optional true, every optional one too.
func (s *suite) validParams(op string, optional bool) map[string]any {
	params := map[string]any{}
	for _, a := range s.arguments(op) {
		if a.Required || optional {
			params[a.Name] = s.valid(a)
		}
	}
	if pw, ok := params["password"]; ok {
		if _, ok := params["confirm_password"]; ok {
			params["confirm_password"] = pw
		}
	}
	return params
}
