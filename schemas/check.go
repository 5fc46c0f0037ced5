package schemas

import (
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v5"
)

// The quick check: each generated schema compiled, once, into a tree of
// checks that answers only "valid", "invalid" or "not sure", fast and
// without allocating. Validate trusts only its "valid": any other answer
// goes to jsonschema/v5, which says what is wrong, so every violation is
// still jsonschema's. The checks are read from the schema files (the one
// statement of the contract), never written per operation; a keyword the
// quick check does not implement makes its node "not sure", so a schema
// using it is validated by jsonschema alone. TestQuickCheckAgreesWithJSONSchema
// and FuzzQuickCheck hold the two to the same answer.

// verdict is the quick check's answer.
type verdict uint8

const (
	valid   verdict = iota
	invalid         // jsonschema reports at least one violation
	unsure          // ask jsonschema
)

// JSON types as a bit set.
const (
	tNull uint8 = 1 << iota
	tBoolean
	tNumber
	tInteger
	tString
	tArray
	tObject
)

var typeBits = map[string]uint8{
	"null": tNull, "boolean": tBoolean, "number": tNumber, "integer": tInteger,
	"string": tString, "array": tArray, "object": tObject,
}

// check is one compiled schema node.
type check struct {
	unsure bool  // a keyword the quick check does not implement
	always *bool // a boolean schema: true passes all, false nothing

	types uint8 // 0: any

	hasConst bool
	konst    any   // a scalar: string, bool or nil
	enum     []any // scalars

	pattern        *regexp.Regexp
	format         func(any) bool
	minLen, maxLen int // -1: none

	// Numeric bounds, each an int64 when the schema writes an integer;
	// boundUnsure when one is not (a fraction, a huge value).
	min, max, xmin, xmax *int64
	boundUnsure          bool

	props      []prop
	known      map[string]bool // the keys of props
	required   []string
	closed     bool   // additionalProperties: false (a key beyond props is a T6 warning)
	additional *check // additionalProperties as a schema; nil: any
	minProps   int    // -1: none
	maxProps   int

	prefix             []*check
	items              *check
	minItems, maxItems int

	allOf, anyOf, oneOf []*check // $ref joins allOf: in 2020-12 it applies in place
	not                 *check
}

type prop struct {
	name string
	c    *check
}

// annotations are keywords that do not constrain a value.
var annotations = map[string]bool{
	"$schema": true, "$comment": true, "title": true, "description": true,
	"examples": true, "default": true, "deprecated": true, "readOnly": true,
	"writeOnly": true, "$defs": true, "definitions": true,
}

// quickCompiler compiles the quick checks of a set of schema files.
type quickCompiler struct {
	files map[string]any // name -> decoded with UseNumber
	memo  map[string]*check
}

// compileQuick compiles every file; a file that cannot be compiled gets a
// check that is never sure.
func compileQuick(raw map[string][]byte) map[string]*check {
	qc := &quickCompiler{files: map[string]any{}, memo: map[string]*check{}}
	for name, b := range raw {
		v, err := Decode(b)
		if err != nil {
			continue
		}
		qc.files[name] = v
	}
	out := map[string]*check{}
	for name := range raw {
		out[name] = qc.ref(name, "")
	}
	return out
}

// ref is the check of the node at ptr (a JSON pointer) in file name.
func (qc *quickCompiler) ref(name, ptr string) *check {
	key := name + "#" + ptr
	if c, ok := qc.memo[key]; ok {
		return c
	}
	c := &check{minLen: -1, maxLen: -1, minProps: -1, maxProps: -1, minItems: -1, maxItems: -1}
	qc.memo[key] = c // before the children: a cycle finds it
	node, ok := pointerGet(qc.files[name], ptr)
	if !ok {
		c.unsure = true
		return c
	}
	qc.compile(c, name, ptr, node)
	return c
}

func pointerGet(v any, ptr string) (any, bool) {
	if ptr == "" {
		return v, v != nil
	}
	if !strings.HasPrefix(ptr, "/") {
		return nil, false
	}
	for _, seg := range strings.Split(ptr[1:], "/") {
		seg = unescape(seg)
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[seg]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// sub compiles the schema at ptr+"/"+key of file name.
func (qc *quickCompiler) sub(name, ptr string, keys ...string) *check {
	for _, k := range keys {
		ptr += "/" + escape(k)
	}
	return qc.ref(name, ptr)
}

func (qc *quickCompiler) compile(c *check, name, ptr string, node any) {
	if b, ok := node.(bool); ok {
		c.always = &b
		return
	}
	m, ok := node.(map[string]any)
	if !ok {
		c.unsure = true
		return
	}
	for k, v := range m {
		if annotations[k] || strings.HasPrefix(k, "x-") {
			continue
		}
		if !qc.keyword(c, name, ptr, m, k, v) {
			c.unsure = true
		}
	}
}

// keyword compiles one keyword; false when the quick check does not
// implement it (or not in this form).
func (qc *quickCompiler) keyword(c *check, name, ptr string, m map[string]any, k string, v any) bool {
	switch k {
	case "$id":
		return ptr == "" && v == Base+name+".json"
	case "$ref":
		s, _ := v.(string)
		file, frag, ok := qc.resolve(name, s)
		if !ok {
			return false
		}
		c.allOf = append(c.allOf, qc.ref(file, frag))
	case "type":
		switch t := v.(type) {
		case string:
			c.types = typeBits[t]
			return c.types != 0
		case []any:
			for _, x := range t {
				s, _ := x.(string)
				if typeBits[s] == 0 {
					return false
				}
				c.types |= typeBits[s]
			}
		default:
			return false
		}
	case "const":
		if !isScalar(v) {
			return false
		}
		c.hasConst, c.konst = true, v
	case "enum":
		a, ok := v.([]any)
		if !ok {
			return false
		}
		for _, x := range a {
			if !isScalar(x) {
				return false
			}
		}
		c.enum = a
		if c.enum == nil {
			c.enum = []any{}
		}
	case "pattern":
		s, _ := v.(string)
		re, err := regexp.Compile(s)
		if err != nil {
			return false
		}
		c.pattern = re
	case "format":
		s, _ := v.(string)
		c.format = jsonschema.Formats[s] // unknown formats assert nothing, as in jsonschema
	case "minLength", "maxLength", "minProperties", "maxProperties", "minItems", "maxItems":
		n, ok := count(v)
		if !ok {
			return false
		}
		switch k {
		case "minLength":
			c.minLen = n
		case "maxLength":
			c.maxLen = n
		case "minProperties":
			c.minProps = n
		case "maxProperties":
			c.maxProps = n
		case "minItems":
			c.minItems = n
		default:
			c.maxItems = n
		}
	case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
		b, ok := intBound(v)
		if !ok {
			c.boundUnsure = true
			return true
		}
		switch k {
		case "minimum":
			c.min = &b
		case "maximum":
			c.max = &b
		case "exclusiveMinimum":
			c.xmin = &b
		default:
			c.xmax = &b
		}
	case "properties":
		pm, ok := v.(map[string]any)
		if !ok {
			return false
		}
		c.known = map[string]bool{}
		for pn := range pm {
			c.props = append(c.props, prop{name: pn, c: qc.sub(name, ptr, k, pn)})
			c.known[pn] = true
		}
	case "required":
		a, ok := v.([]any)
		if !ok {
			return false
		}
		for _, x := range a {
			s, ok := x.(string)
			if !ok {
				return false
			}
			c.required = append(c.required, s)
		}
	case "additionalProperties":
		if b, ok := v.(bool); ok && !b {
			c.closed = true
			return true
		}
		c.additional = qc.sub(name, ptr, k)
	case "prefixItems", "allOf", "anyOf", "oneOf":
		a, ok := v.([]any)
		if !ok {
			return false
		}
		list := make([]*check, len(a))
		for i := range a {
			list[i] = qc.sub(name, ptr, k, strconv.Itoa(i))
		}
		switch k {
		case "prefixItems":
			c.prefix = list
		case "allOf":
			c.allOf = append(c.allOf, list...)
		case "anyOf":
			c.anyOf = list
		case "oneOf":
			c.oneOf = list
		}
	case "items":
		c.items = qc.sub(name, ptr, k)
	case "not":
		c.not = qc.sub(name, ptr, k)
	default:
		return false
	}
	return true
}

// resolve reads a $ref among the generated files: "NAME.json",
// "NAME.json#/ptr", "#/ptr", or the same under Base.
func (qc *quickCompiler) resolve(from, ref string) (file, frag string, ok bool) {
	ref = strings.TrimPrefix(ref, Base)
	u, frag, _ := strings.Cut(ref, "#")
	file = from
	if u != "" {
		var isJSON bool
		if file, isJSON = strings.CutSuffix(u, ".json"); !isJSON || strings.Contains(file, "/") {
			return "", "", false
		}
	}
	if _, known := qc.files[file]; !known || (frag != "" && !strings.HasPrefix(frag, "/")) {
		return "", "", false
	}
	return file, frag, true
}

func isScalar(v any) bool {
	switch v.(type) {
	case nil, bool, string:
		return true
	}
	return false
}

func count(v any) (int, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	i, err := strconv.Atoi(string(n))
	return i, err == nil && i >= 0
}

// intBound reads a bound the schema writes as a plain integer.
func intBound(v any) (int64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	return plainInt(string(n))
}

// plainInt reads an integer written without fraction or exponent, of at
// most 18 digits (so it fits an int64 exactly); false for anything else,
// which the quick check leaves to jsonschema.
func plainInt(s string) (int64, bool) {
	digits := strings.TrimPrefix(s, "-")
	if len(digits) == 0 || len(digits) > 18 {
		return 0, false
	}
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// typeOf is the JSON type bit of a decoded value; integers are numbers
// here (see run). 0 for a Go type Decode does not produce.
func typeOf(v any) uint8 {
	switch v.(type) {
	case nil:
		return tNull
	case bool:
		return tBoolean
	case json.Number:
		return tNumber
	case string:
		return tString
	case []any:
		return tArray
	case map[string]any:
		return tObject
	}
	return 0
}

// and combines two verdicts of keywords that must all hold: invalid is
// definite, then unsure.
func and(a, b verdict) verdict {
	switch {
	case a == invalid || b == invalid:
		return invalid
	case a == unsure || b == unsure:
		return unsure
	}
	return valid
}

// run checks v.
func (c *check) run(v any) verdict {
	if c.always != nil {
		if *c.always {
			return valid
		}
		return invalid
	}
	if c.unsure {
		return unsure
	}
	t := typeOf(v)
	if t == 0 {
		return unsure // float64, int...: not from Decode
	}
	acc := valid
	if c.types != 0 {
		switch {
		case c.types&t != 0:
		case t == tNumber && c.types&tInteger != 0:
			if _, ok := plainInt(string(v.(json.Number))); !ok {
				return unsure // "2.0" and "1e3" are integers to jsonschema
			}
		default:
			return invalid
		}
	}
	if c.hasConst {
		acc = and(acc, scalarIn(v, []any{c.konst}))
	}
	if c.enum != nil {
		acc = and(acc, scalarIn(v, c.enum))
	}
	switch x := v.(type) {
	case string:
		if c.minLen >= 0 || c.maxLen >= 0 {
			n := utf8.RuneCountInString(x)
			if (c.minLen >= 0 && n < c.minLen) || (c.maxLen >= 0 && n > c.maxLen) {
				return invalid
			}
		}
		if c.pattern != nil && !c.pattern.MatchString(x) {
			return invalid
		}
		if c.format != nil && !c.format(x) {
			return invalid
		}
	case json.Number:
		if c.min != nil || c.max != nil || c.xmin != nil || c.xmax != nil || c.boundUnsure {
			n, ok := plainInt(string(x))
			if !ok || c.boundUnsure {
				return unsure
			}
			if (c.min != nil && n < *c.min) || (c.max != nil && n > *c.max) ||
				(c.xmin != nil && n <= *c.xmin) || (c.xmax != nil && n >= *c.xmax) {
				return invalid
			}
		}
	case map[string]any:
		if (c.minProps >= 0 && len(x) < c.minProps) || (c.maxProps >= 0 && len(x) > c.maxProps) {
			return invalid
		}
		for _, r := range c.required {
			if _, ok := x[r]; !ok {
				return invalid
			}
		}
		for _, p := range c.props {
			if pv, ok := x[p.name]; ok {
				if acc = and(acc, p.c.run(pv)); acc == invalid {
					return invalid
				}
			}
		}
		if c.closed || c.additional != nil {
			for k, pv := range x {
				if c.known[k] {
					continue
				}
				if c.closed {
					return unsure // a T6 warning: jsonschema words it
				}
				if acc = and(acc, c.additional.run(pv)); acc == invalid {
					return invalid
				}
			}
		}
	case []any:
		if (c.minItems >= 0 && len(x) < c.minItems) || (c.maxItems >= 0 && len(x) > c.maxItems) {
			return invalid
		}
		for i, item := range x {
			var ic *check
			if i < len(c.prefix) {
				ic = c.prefix[i]
			} else {
				ic = c.items
			}
			if ic != nil {
				if acc = and(acc, ic.run(item)); acc == invalid {
					return invalid
				}
			}
		}
	}
	for _, s := range c.allOf {
		if acc = and(acc, s.run(v)); acc == invalid {
			return invalid
		}
	}
	if len(c.anyOf) > 0 {
		some := invalid
		for _, s := range c.anyOf {
			r := s.run(v)
			if r == valid {
				some = valid
				break
			}
			if r == unsure {
				some = unsure
			}
		}
		acc = and(acc, some)
	}
	if len(c.oneOf) > 0 {
		n, maybe := 0, false
		for _, s := range c.oneOf {
			switch s.run(v) {
			case valid:
				n++
			case unsure:
				maybe = true
			}
		}
		switch {
		case maybe:
			acc = and(acc, unsure)
		case n == 1:
		default:
			return invalid
		}
	}
	if c.not != nil {
		switch c.not.run(v) {
		case valid:
			return invalid
		case unsure:
			acc = and(acc, unsure)
		}
	}
	return acc
}

// scalarIn says whether v equals one of the scalars (strings, booleans,
// null), as jsonschema compares them.
func scalarIn(v any, list []any) verdict {
	for _, s := range list {
		if v == s {
			return valid
		}
	}
	return invalid
}

func (v verdict) String() string {
	return [...]string{"valid", "invalid", "unsure"}[v]
}
