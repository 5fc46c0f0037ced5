package schemas

import (
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// Violation is one way a payload breaks the contract.
type Violation struct {
	Operation string `json:"operation,omitempty"`
	// Schema is the schema that failed ("signin.response.success").
	Schema string `json:"schema"`
	// Pointer is the JSON pointer of the offending value in the payload
	// ("" is the whole payload; a missing property points where it belongs).
	Pointer string `json:"pointer"`
	// Keyword is the failing keyword's location: "NAME.json#/json/pointer".
	Keyword string `json:"keyword"`
	Message string `json:"message"`
	// Decision is the contract decision the rule records (T1..T6, S1..S6),
	// from the x-decision stamps of the overlay; "" when the rule comes
	// from the page alone.
	Decision string `json:"decision,omitempty"`
	// Argument is the request argument the violation concerns (the first
	// key under /params), and Field the key signup reports it under (the
	// schema's x-error-key, S5; the argument name when there is none).
	Argument string `json:"argument,omitempty"`
	Field    string `json:"field,omitempty"`
	// Code is the JSON-RPC error code a server answers a request violation
	// of the envelope with (T5); 0 for others.
	Code int `json:"code,omitempty"`
	// Warning marks a field beyond those documented: a compatible change
	// (T6), reported but not a failure.
	Warning bool `json:"warning,omitempty"`
}

func (v Violation) String() string {
	ptr := v.Pointer
	if ptr == "" {
		ptr = "/"
	}
	s := fmt.Sprintf("%s: %s", ptr, v.Message)
	if v.Decision != "" {
		s += " [" + v.Decision + "]"
	}
	if v.Warning {
		s = "warning: " + s
	}
	return s
}

// Failures returns the violations that are not T6 warnings.
func Failures(vs []Violation) []Violation {
	var out []Violation
	for _, v := range vs {
		if !v.Warning {
			out = append(out, v)
		}
	}
	return out
}

// Validate checks a decoded value (see Decode) against the named schema.
// A number beyond the bounds Checkable states is refused before
// validation: the violations are then those numbers alone, each at its
// pointer. A payload the quick check (check.go) finds valid costs no
// more; any other is validated by jsonschema/v5, which says what is wrong.
func (c *Contract) Validate(schema string, v any) ([]Violation, error) {
	return c.validate(schema, v, nil)
}

func (c *Contract) validate(schema string, v any, op *Operation) ([]Violation, error) {
	s, ok := c.compiled[schema]
	if !ok {
		return nil, fmt.Errorf("schemas: no schema named %q (have %s)", schema, strings.Join(c.Names(), ", "))
	}
	if hasUncheckable(v) {
		vs := numberViolations(schema, v)
		for i := range vs {
			c.placeNumber(&vs[i], op)
		}
		return vs, nil
	}
	if q := c.quick[schema]; q != nil && q.run(v) == valid {
		return nil, nil
	}
	err := s.Validate(v)
	if err == nil {
		return nil, nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return nil, err
	}
	var out []Violation
	c.flatten(ve, v, &out)
	// The validator walks properties in map order; reports and tests need
	// one order.
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Pointer != out[j].Pointer {
			return out[i].Pointer < out[j].Pointer
		}
		return out[i].Keyword < out[j].Keyword
	})
	return dedupe(out), nil
}

// placeNumber says where a refused number belongs. In a request (op set,
// or the call object's own schema): under a documented argument it is that
// argument's violation, reported under its key (S5) like any other, with no
// JSON-RPC code; anywhere else, the call object's code for that place (T5:
// -32602 under params, -32600 elsewhere, from x-jsonrpc-codes).
func (c *Contract) placeNumber(v *Violation, op *Operation) {
	c.finish(v, nil)
	if op == nil && v.Schema != "jsonrpc-request" {
		return
	}
	if op != nil && v.Argument != "" {
		if _, documented := op.Argument(v.Argument); documented {
			v.Field = op.ErrorKey(v.Argument)
			v.Code = 0
			return
		}
	}
	v.Code = c.envelopeCode(v.Pointer)
}

// envelopeCode is the JSON-RPC code of a violation at ptr of the call
// object: the longest prefix x-jsonrpc-codes names ("/params" for any
// pointer under it), else its "/".
func (c *Contract) envelopeCode(ptr string) int {
	codes, _ := c.tree["jsonrpc-request"].(map[string]any)["x-jsonrpc-codes"].(map[string]any)
	best, code := -1, 0
	for p, n := range codes {
		if p == "/" || ptr == p || strings.HasPrefix(ptr, p+"/") {
			l := len(p)
			if p == "/" {
				l = 0
			}
			if l > best {
				best, code = l, toInt(n)
			}
		}
	}
	return code
}

// ValidateRequest checks a decoded request body of an operation.
func (c *Contract) ValidateRequest(op string, v any) ([]Violation, error) {
	o, ok := c.operation(op)
	if !ok {
		return nil, fmt.Errorf("schemas: no operation %q", op)
	}
	vs, err := c.validate(o.Request, v, o)
	for i := range vs {
		vs[i].Operation = op
	}
	return vs, err
}

// ValidateResponse checks a decoded response body of an operation and says
// which documented variant it is. A body that matches a variant but for
// extra fields matches it with T6 warnings. A body that matches none is
// reported against the closest variant (the one with fewest failures).
func (c *Contract) ValidateResponse(op string, v any) (variant string, vs []Violation, err error) {
	o, ok := c.operation(op)
	if !ok {
		return "", nil, fmt.Errorf("schemas: no operation %q", op)
	}
	if len(o.Variants) == 0 {
		vs, err := c.Validate(o.Response, v)
		return "", tag(vs, op), err
	}
	hasJSON := false
	for _, vr := range o.Variants {
		hasJSON = hasJSON || vr.Shape != ShapeBinary
	}
	if !hasJSON {
		return "", []Violation{{Operation: op, Schema: o.Response, Message: "the operation's documented responses are not JSON", Decision: "T4"}}, nil
	}
	best, bestFails := -1, 0
	var bestVs []Violation
	for i, vr := range o.Variants {
		if vr.Shape == ShapeBinary {
			continue // not JSON: no decoded body is one
		}
		got, err := c.Validate(vr.Schema, v)
		if err != nil {
			return "", nil, err
		}
		if len(got) == 0 {
			return vr.Name, nil, nil // an exact match ends the search
		}
		fails := 0
		for _, f := range Failures(got) {
			// A wrong top-level shape says "not this variant" louder than
			// any number of wrong fields inside the right shape.
			if f.Pointer == "" {
				fails += 1000
			} else {
				fails++
			}
		}
		if best < 0 || fails < bestFails {
			best, bestFails, bestVs = i, fails, got
		}
	}
	return o.Variants[best].Name, tag(bestVs, op), nil
}

func tag(vs []Violation, op string) []Violation {
	for i := range vs {
		vs[i].Operation = op
	}
	return vs
}

var quoted = regexp.MustCompile(`'([^']*)'|"([^"]*)"`)

func (c *Contract) flatten(ve *jsonschema.ValidationError, instance any, out *[]Violation) {
	if len(ve.Causes) > 0 {
		for _, cause := range ve.Causes {
			c.flatten(cause, instance, out)
		}
		return
	}
	schema, ptr := splitLocation(ve.AbsoluteKeywordLocation)
	keyword := ptr[strings.LastIndex(ptr, "/")+1:]
	node, decision, errKey := c.walk(schema, ptr)
	// A message may quote the instance (a format failure quotes the
	// string): clipped, it never echoes an unbounded part of a payload.
	base := Violation{Schema: schema, Pointer: clip(ve.InstanceLocation, maxPointer), Keyword: schema + ".json#" + ptr, Message: clip(ve.Message, maxMessage), Decision: decision}
	switch keyword {
	case "required":
		// One violation per missing property, pointing where it belongs,
		// so a caller can key errors by field (S5).
		for _, m := range quoted.FindAllStringSubmatch(ve.Message, -1) {
			name := m[1] + m[2]
			v := base
			v.Pointer = ve.InstanceLocation + "/" + escape(name)
			v.Message = "required property is missing"
			v.Field = propertyKey(node, name)
			c.finish(&v, instance)
			*out = append(*out, v)
		}
		return
	case "additionalProperties", "unevaluatedProperties":
		// T6: a field beyond those documented is a compatible change.
		for _, m := range quoted.FindAllStringSubmatch(ve.Message, -1) {
			v := base
			v.Pointer = clip(ve.InstanceLocation+"/"+escape(clip(m[1]+m[2], maxKeyInPointer)), maxPointer)
			v.Message = "field not in the contract"
			v.Decision = "T6"
			v.Warning = true
			c.finish(&v, instance)
			*out = append(*out, v)
		}
		return
	}
	base.Field = errKey
	c.finish(&base, instance)
	*out = append(*out, base)
}

// finish fills Argument, Field and Code from the pointer.
func (c *Contract) finish(v *Violation, _ any) {
	if rest, ok := strings.CutPrefix(v.Pointer, "/params/"); ok {
		arg, _, _ := strings.Cut(rest, "/")
		v.Argument = unescape(arg)
		if v.Field == "" {
			v.Field = v.Argument
		}
	}
	if v.Schema == "jsonrpc-request" {
		codes, _ := c.tree["jsonrpc-request"].(map[string]any)["x-jsonrpc-codes"].(map[string]any)
		p := v.Pointer
		if p == "" {
			p = "/"
		}
		if n, ok := codes[p]; ok {
			v.Code = toInt(n)
		} else if n, ok := codes["/"]; ok {
			v.Code = toInt(n)
		}
	}
}

// Bounds on what a violation repeats of a payload: messages and pointers
// are clipped, so a report or an error answer stays small whatever the
// payload holds.
const (
	maxMessage      = 256
	maxPointer      = 256
	maxKeyInPointer = 64
)

// clip cuts s to at most n bytes (on a rune boundary) and marks the cut.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

func toInt(v any) int {
	switch n := v.(type) {
	case float64:
		return int(n)
	case string:
		i, _ := strconv.Atoi(n)
		return i
	}
	return 0
}

// propertyKey is the x-error-key of a property of an object schema node.
func propertyKey(node map[string]any, name string) string {
	props, _ := node["properties"].(map[string]any)
	p, _ := props[name].(map[string]any)
	k, _ := p["x-error-key"].(string)
	return k
}

// walk follows a JSON pointer into a schema file and returns the schema node
// holding the failing keyword, the innermost x-decision on the way and the
// innermost x-error-key.
func (c *Contract) walk(schema, ptr string) (node map[string]any, decision, errKey string) {
	cur := c.tree[schema]
	segs := strings.Split(strings.TrimPrefix(ptr, "/"), "/")
	for i := 0; ; i++ {
		if m, ok := cur.(map[string]any); ok {
			node = m
			if d, ok := m["x-decision"].(string); ok {
				decision = d
			}
			if k, ok := m["x-error-key"].(string); ok {
				errKey = k
			}
		}
		if i >= len(segs)-1 || ptr == "" {
			return node, decision, errKey
		}
		seg := unescape(segs[i])
		switch x := cur.(type) {
		case map[string]any:
			cur = x[seg]
		case []any:
			n, err := strconv.Atoi(seg)
			if err != nil || n < 0 || n >= len(x) {
				return node, decision, errKey
			}
			cur = x[n]
		default:
			return node, decision, errKey
		}
	}
}

func splitLocation(abs string) (schema, ptr string) {
	u, frag, _ := strings.Cut(abs, "#")
	if p, err := url.Parse(u); err == nil {
		u = p.Path
	}
	schema = strings.TrimSuffix(u[strings.LastIndex(u, "/")+1:], ".json")
	if f, err := url.PathUnescape(frag); err == nil {
		frag = f
	}
	return schema, frag
}

func escape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func unescape(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

// dedupe drops a violation that repeats another's pointer and message: an
// operation's params schema and the shared call object both say "params is
// an object". The protocol one (it carries the JSON-RPC code, T5) is kept.
func dedupe(vs []Violation) []Violation {
	out := vs[:0]
	for _, v := range vs {
		dup := false
		for i, o := range out {
			if o.Pointer == v.Pointer && o.Message == v.Message {
				dup = true
				if o.Code == 0 && v.Code != 0 {
					out[i] = v
				}
				break
			}
		}
		if !dup {
			out = append(out, v)
		}
	}
	return out
}
