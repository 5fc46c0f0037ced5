package conformance

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	"github.com/nebeus/nebeus-contract/schemas"
	"github.com/nebeus/nebeus-contract/spec/model"
)

// longString is the length of the "very long" strings the suite sends: far
// beyond any plausible field, well under any sane body limit (T5's 1 MiB).
const longString = 10000

// negative is one derived bad input: an argument missing or set to Value.
type negative struct {
	Arg     schemas.Argument
	What    string // "missing", "of the wrong type (\"1\")", ...
	Missing bool
	Value   any
	// Invalid is true when the contract rejects the value outright, so the
	// operation's documented error must name it; false for edge values
	// (empty or very long strings the contract allows), which need only a
	// documented answer or a clean rejection, never a 5xx or a hang (T5).
	Invalid bool
}

func (n negative) String() string { return n.Arg.Name + " " + n.What }

// number renders a limit of the model as a JSON number: an integer when it
// is whole.
func numberOf(f float64) json.Number {
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return json.Number(strconv.FormatInt(int64(f), 10))
	}
	return json.Number(strconv.FormatFloat(f, 'g', -1, 64))
}

// Malformed email candidates; negatives keeps those the contract's own
// format check rejects, so the suite and the schemas cannot disagree.
var malformedEmails = []string{"plainaddress", "missing-domain@", "@missing-local.example.com", "two words@example.com", "double@@example.com"}

// Pattern-fitting candidates: the first that matches a pattern is the
// valid value sent (language is the one patterned optional argument).
var patternFitters = []string{"Conformance", "en_US", "en", "EN", "1", "a"}

// Pattern-breaking candidates: the first that does not match a pattern is
// the one sent.
var patternBreakers = []string{" ", "\t", "!!", "Not A Code 42"}

// Values for the string formats JSON Schema names (format "email" gets a
// fresh address per call instead).
var formatExamples = map[string]string{
	"date":      "2000-01-31",
	"date-time": "2000-01-31T12:00:00Z",
	"time":      "12:00:00Z",
	"uri":       "https://example.com/conformance",
	"uuid":      "6f1c2a4e-3b5d-4c7e-8f90-1a2b3c4d5e6f",
	"ipv4":      "192.0.2.1",
	"hostname":  "example.com",
}

// negatives derives the bad inputs of an operation from its arguments in
// the model: each required argument missing, each argument of each wrong
// JSON type, strings empty, very long, shorter than minLength, longer than
// maxLength, not matching their pattern, malformed where the format is
// email, not one of their enum, numbers past their minimum and maximum.
func (s *suite) negatives(op schemas.Operation) []negative {
	s.mu.Lock()
	cached, ok := s.negCache[op.ID]
	s.mu.Unlock()
	if ok {
		return cached
	}
	out := s.deriveNegatives(op)
	s.mu.Lock()
	if s.negCache == nil {
		s.negCache = map[string][]negative{}
	}
	s.negCache[op.ID] = out
	s.mu.Unlock()
	return out
}

func (s *suite) deriveNegatives(op schemas.Operation) []negative {
	var out []negative
	for _, a := range op.Arguments {
		if a.Required {
			out = append(out, negative{Arg: a, What: "missing", Missing: true, Invalid: true})
		}
		for _, w := range wrongTypes(a.Type, a.Required) {
			out = append(out, negative{Arg: a, What: "of the wrong type (" + jsonText(w) + ")", Value: w, Invalid: true})
		}
		switch a.Type {
		case "string":
			out = append(out, s.stringNegatives(op, a)...)
		case "integer", "number":
			if a.Minimum != nil {
				m := numberOf(*a.Minimum)
				out = append(out, negative{Arg: a, What: "below its minimum " + m.String(), Value: step(m, -1), Invalid: true})
			}
			if a.Maximum != nil {
				m := numberOf(*a.Maximum)
				out = append(out, negative{Arg: a, What: "above its maximum " + m.String(), Value: step(m, +1), Invalid: true})
			}
		}
		if len(a.Enum) > 0 {
			for _, c := range []any{"not-one-of-its-values", json.Number("-999999")} {
				if s.schemaRejects(op, a.Name, c) {
					out = append(out, negative{Arg: a, What: "not one of its values (" + jsonText(c) + ")", Value: c, Invalid: true})
					break
				}
			}
		}
	}
	return out
}

func (s *suite) stringNegatives(op schemas.Operation, a schemas.Argument) []negative {
	var out []negative
	var re *regexp.Regexp
	if a.Pattern != "" {
		re, _ = regexp.Compile(a.Pattern) // the contract's patterns are RE2-compatible
	}
	emptyBad := (a.MinLength != nil && *a.MinLength > 0) || (re != nil && !re.MatchString("")) || a.Format == "email"
	out = append(out, negative{Arg: a, What: "empty", Value: "", Invalid: emptyBad})
	long := strings.Repeat("x", longString)
	if a.Format == "email" {
		long = strings.Repeat("x", longString) + "@" + s.opts.EmailDomain
	}
	// A very long string within a maxLength is no edge case: the limit
	// names its own (longer than maxLength, below).
	if a.MaxLength == nil {
		out = append(out, negative{Arg: a, What: fmt.Sprintf("very long (%d characters)", len(long)), Value: long})
	}
	if a.MinLength != nil && *a.MinLength > 1 {
		n := *a.MinLength
		out = append(out, negative{Arg: a, What: fmt.Sprintf("shorter than %d characters", n), Value: strings.Repeat("x", n-1), Invalid: true})
		// JSON Schema counts characters, not bytes: n-1 two-byte letters
		// are too short although they take more than n bytes.
		if c := strings.Repeat("\u00f1", n-1); a.Pattern == "" && s.schemaRejects(op, a.Name, c) {
			out = append(out, negative{Arg: a, What: fmt.Sprintf("shorter than %d characters, though %d bytes", n, len(c)), Value: c, Invalid: true})
		}
	}
	if a.MaxLength != nil {
		n := *a.MaxLength
		out = append(out, negative{Arg: a, What: fmt.Sprintf("longer than %d characters", n), Value: strings.Repeat("x", n+1), Invalid: true})
	}
	if re != nil {
		for _, c := range patternBreakers {
			if !re.MatchString(c) {
				out = append(out, negative{Arg: a, What: fmt.Sprintf("not matching %s (%q)", a.Pattern, c), Value: c, Invalid: true})
				break
			}
		}
	}
	if a.Format == "email" {
		for _, e := range malformedEmails {
			if s.schemaRejects(op, a.Name, e) {
				out = append(out, negative{Arg: a, What: fmt.Sprintf("a malformed email (%q)", e), Value: e, Invalid: true})
			}
		}
	}
	return out
}

// requestBody is what the operation's request schema describes for params:
// the call object of a JSON-RPC operation (T2), the arguments themselves
// for a plain HTTP one.
func requestBody(op schemas.Operation, params map[string]any) map[string]any {
	if !op.JSONRPC() {
		return params
	}
	return map[string]any{"jsonrpc": "2.0", "params": params}
}

// schemaRejects reports whether the operation's request schema rejects
// value for argument name.
func (s *suite) schemaRejects(op schemas.Operation, name string, value any) bool {
	vs, err := s.contract.ValidateRequest(op.ID, requestBody(op, map[string]any{name: value}))
	if err != nil {
		return false
	}
	for _, v := range schemas.Failures(vs) {
		if v.Argument == name || (!op.JSONRPC() && (v.Pointer == "/"+name || strings.HasPrefix(v.Pointer, "/"+name+"/"))) {
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

// valid returns a valid value for an argument of op, derived from the
// model: one of its enum, its minimum for numbers (its maximum without
// one), a fresh email for format email, an example of other formats, a
// fresh secret for a secret argument, a string fitting its pattern and
// length limits. The first candidate the contract accepts is taken.
func (s *suite) valid(op schemas.Operation, a schemas.Argument) any {
	cands := s.candidates(a)
	if v := s.shaped(op, a.Name); v != nil {
		cands = append([]any{v}, cands...)
	}
	key := op.ID + "\x00" + a.Name
	s.mu.Lock()
	i, known := s.validPick[key]
	s.mu.Unlock()
	if known && i < len(cands) {
		return cands[i] // the same kind of candidate, made afresh
	}
	i = 0
	for j, c := range cands {
		if !s.schemaRejects(op, a.Name, c) {
			i = j
			break
		}
	}
	s.mu.Lock()
	if s.validPick == nil {
		s.validPick = map[string]int{}
	}
	s.validPick[key] = i
	s.mu.Unlock()
	return cands[i]
}

// shaped is a value of an object argument built from its schema in op's
// request schema: each required property, recursively, of its type (a
// page's request example or nested Parameters rows give an object
// argument required fields, issue 17: {} is then no valid value); nil
// for an argument of another type.
func (s *suite) shaped(op schemas.Operation, name string) any {
	root, ok := s.contract.Schema(op.Request)
	if !ok {
		return nil
	}
	node := dig(root, "properties", "params", "properties", name)
	if node == nil {
		node = dig(root, "properties", name)
	}
	if node == nil || node["type"] != "object" {
		return nil
	}
	return instanceOf(node, 0)
}

// dig follows keys down nested JSON objects; nil where one is missing.
func dig(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		next, ok := m[k].(map[string]any)
		if !ok {
			return nil
		}
		m = next
	}
	return m
}

// instanceOf is a value of a (generated, $ref-free) schema node: its first
// enum value, or one of its type, objects with their required properties;
// bounded in depth.
func instanceOf(node map[string]any, depth int) any {
	if e, ok := node["enum"].([]any); ok && len(e) > 0 {
		return e[0]
	}
	t := node["type"]
	if ts, ok := t.([]any); ok && len(ts) > 0 {
		t = ts[0]
	}
	switch t {
	case "object":
		out := map[string]any{}
		req, _ := node["required"].([]any)
		props, _ := node["properties"].(map[string]any)
		for _, r := range req {
			name, _ := r.(string)
			p, _ := props[name].(map[string]any)
			if p == nil || depth > 8 {
				out[name] = "Conformance"
				continue
			}
			out[name] = instanceOf(p, depth+1)
		}
		return out
	case "array":
		return []any{}
	case "integer", "number":
		return json.Number("1")
	case "boolean":
		return true
	case "null":
		return nil
	}
	return "Conformance"
}

func (s *suite) candidates(a schemas.Argument) []any {
	var out []any
	out = append(out, a.Enum...)
	switch a.Type {
	case "integer", "number":
		if a.Minimum != nil {
			out = append(out, numberOf(math.Ceil(*a.Minimum)))
		}
		if a.Maximum != nil {
			out = append(out, numberOf(math.Floor(*a.Maximum)))
		}
		out = append(out, json.Number("1"), json.Number("0"))
	case "boolean":
		out = append(out, true)
	case "array":
		out = append(out, []any{})
	case "object":
		out = append(out, map[string]any{})
	case "string":
		var strs []string
		switch {
		case a.Format == "email":
			strs = append(strs, s.email())
		case formatExamples[a.Format] != "":
			strs = append(strs, formatExamples[a.Format])
		case a.Secret:
			strs = append(strs, s.password())
		}
		if a.Pattern != "" {
			if re, err := regexp.Compile(a.Pattern); err == nil {
				for _, c := range patternFitters {
					if re.MatchString(c) {
						strs = append(strs, c)
					}
				}
			}
		}
		strs = append(strs, "Conformance")
		for _, c := range strs {
			if a.MinLength != nil && len(c) < *a.MinLength {
				c += strings.Repeat("x", *a.MinLength-len(c))
			}
			if a.MaxLength != nil && len(c) > *a.MaxLength {
				c = c[:*a.MaxLength]
			}
			out = append(out, c)
		}
	default:
		out = append(out, "Conformance")
	}
	return out
}

// validParams builds every required argument of op with a valid value;
// with optional true, every optional one too. S5's confirm_password is
// the one argument whose valid value depends on another's: it is copied.
func (s *suite) validParams(op schemas.Operation, optional bool) map[string]any {
	params := map[string]any{}
	for _, a := range op.Arguments {
		if a.In == "path" {
			continue // in the path (pathValues)
		}
		if a.Required || optional {
			params[a.Name] = s.valid(op, a)
		}
	}
	copyValues(params, "")
	return params
}

// copyValues gives each argument that copies another (copies) the other's
// value, or leaves it out with the other; except the argument named
// except (the one a negative input is about).
func copyValues(params map[string]any, except string) {
	for dst, src := range copies {
		if dst == except {
			continue
		}
		if _, has := params[dst]; !has && except != src {
			continue
		}
		if v, ok := params[src]; ok {
			params[dst] = v
		} else {
			delete(params, dst)
		}
	}
}

// pathValues fills the operation's path templates: each from the model's
// example, or a valid value of the argument of that name, or a generated
// one.
func (s *suite) pathValues(op schemas.Operation) map[string]string {
	vals := map[string]string{}
	for _, pp := range op.PathParams {
		switch a, ok := op.Argument(pp.Name); {
		case pp.Example != "":
			vals[pp.Name] = pp.Example
		case ok:
			vals[pp.Name] = plain(s.valid(op, a))
		default:
			vals[pp.Name] = "1"
		}
	}
	if s.shadowed(op, vals) {
		// The page's example fills a generic template with the literal
		// of a more specific endpoint (/{object}/profiles/fields filled
		// as /issues/profiles/fields, issue 17): that URL is the other
		// operation's, so the examples give way to generated values.
		for _, pp := range op.PathParams {
			if pp.Example == "" {
				continue
			}
			vals[pp.Name] = "1"
			if a, ok := op.Argument(pp.Name); ok {
				vals[pp.Name] = plain(s.valid(op, a))
			}
		}
	}
	return vals
}

// shadowed reports whether op's URL filled with vals is served by another
// operation: one of its method whose template fits the URL and is more
// specific (a literal segment where op has a template), as the mock and
// net/http.ServeMux route.
func (s *suite) shadowed(op schemas.Operation, vals map[string]string) bool {
	if len(vals) == 0 {
		return false
	}
	path := strings.Split(op.URL("", vals), "/")
	mine := specificity(op.Path)
	for _, o := range s.contract.Operations() {
		if o.ID == op.ID || o.CallMethod() != op.CallMethod() || specificity(o.Path) <= mine {
			continue
		}
		segs := strings.Split(o.Path, "/")
		if len(segs) != len(path) {
			continue
		}
		fits := true
		for i, seg := range segs {
			if !strings.Contains(seg, "{") && seg != path[i] {
				fits = false
				break
			}
		}
		if fits {
			return true
		}
	}
	return false
}

// specificity orders path templates as routers do: segment by segment, a
// literal ('1') before a template ('0').
func specificity(path string) string {
	var b strings.Builder
	for _, seg := range strings.Split(path, "/") {
		if strings.Contains(seg, "{") {
			b.WriteByte('0')
		} else {
			b.WriteByte('1')
		}
	}
	return b.String()
}

// plain renders a value for a path or a query string.
func plain(v any) string {
	if str, ok := v.(string); ok {
		return str
	}
	return strings.Trim(jsonText(v), `"`)
}

// query renders a plain HTTP operation's query arguments.
func query(op schemas.Operation, params map[string]any) url.Values {
	q := url.Values{}
	for _, a := range op.Arguments {
		if v, ok := params[a.Name]; ok && a.In != model.InPath && a.In != model.InForm {
			q.Set(a.Name, plain(v))
		}
	}
	return q
}
