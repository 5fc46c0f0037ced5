package diff

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/nebeus/nebeus-contract/spec/model"
)

// Level says what a change means for a client written against the old
// contract.
type Level string

const (
	// Breaking: such a client may now fail (oasdiff's ERR).
	Breaking Level = "breaking"
	// Warning: such a client may fail, depending on what it does (oasdiff's
	// WARN). Not counted as breaking: the exit status stays 0.
	Warning Level = "warning"
	// NonBreaking: a change of the contract that no such client notices
	// (oasdiff's INFO): an addition, a loosened request constraint.
	NonBreaking Level = "non-breaking"
	// Info: documentation only (a title, a description, a label, an
	// example, a decision id).
	Info Level = "info"
)

// Levels in the order reports list them.
var Levels = []Level{Breaking, Warning, NonBreaking, Info}

func (l Level) rank() int {
	for i, x := range Levels {
		if x == l {
			return i
		}
	}
	return len(Levels)
}

// What a change is about.
const (
	KindOperation = "operation"
	KindArgument  = "argument"
	KindVariant   = "variant"
	KindField     = "field"
)

// Change is one difference between the old and the new contract.
type Change struct {
	Level     Level
	Rule      string // a Rules id, e.g. "request-property-became-required"
	Operation string // the operation's id
	Kind      string // KindOperation, KindArgument, KindVariant or KindField
	// Target within the operation: "" for the operation itself, the
	// argument's name, the variant's name, or the variant's name followed
	// by the field's pointer ("success/user_context/tz").
	Target   string
	Old, New any // the values compared; nil when absent
	Message  string
	// Source is where the page documents it: the old page's line for
	// something removed, the new page's otherwise.
	Source model.Source
}

// Subject is OP, OP.argument, OP.variant or OP.variant/pointer.
func (c Change) Subject() string {
	if c.Target == "" {
		return c.Operation
	}
	return c.Operation + "." + c.Target
}

// Where is FILE:LINE, FILE, or "-".
func (c Change) Where() string {
	switch {
	case c.Source.File == "":
		return "-"
	case c.Source.Line > 0:
		return c.Source.File + ":" + strconv.Itoa(c.Source.Line)
	}
	return c.Source.File
}

func (c Change) String() string {
	return fmt.Sprintf("%s  %s  %s  %s  %s", c.Level, c.Rule, c.Subject(), c.Where(), c.Message)
}

// MarshalJSON writes the change flat: level, rule, operation, kind, target,
// file, line, old, new, message.
func (c Change) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Level     Level  `json:"level"`
		Rule      string `json:"rule"`
		Operation string `json:"operation"`
		Kind      string `json:"kind"`
		Target    string `json:"target"`
		File      string `json:"file,omitempty"`
		Line      int    `json:"line,omitempty"`
		Old       any    `json:"old,omitempty"`
		New       any    `json:"new,omitempty"`
		Message   string `json:"message"`
	}{c.Level, c.Rule, c.Operation, c.Kind, c.Target, c.Source.File, c.Source.Line, c.Old, c.New, c.Message})
}

// Compare lists every change from old to new, in page order (see the package
// documentation). Identical contracts give none. A nil contract is empty.
func Compare(old, new *model.Contract) []Change {
	if old == nil {
		old = &model.Contract{}
	}
	if new == nil {
		new = &model.Contract{}
	}
	d := &differ{}
	oldOps, newOps := map[string]*model.Operation{}, map[string]*model.Operation{}
	var oldIDs, newIDs []string
	for i := range old.Operations {
		o := &old.Operations[i]
		if _, dup := oldOps[o.ID]; !dup {
			oldOps[o.ID] = o
			oldIDs = append(oldIDs, o.ID)
		}
	}
	for i := range new.Operations {
		o := &new.Operations[i]
		if _, dup := newOps[o.ID]; !dup {
			newOps[o.ID] = o
			newIDs = append(newIDs, o.ID)
		}
	}
	// An operation whose id changed with a path parameter's name (the id
	// is derived from the path) is still the same endpoint: paired by
	// method and template, names ignored, as oasdiff pairs paths.
	for _, id := range oldIDs {
		o := oldOps[id]
		if newOps[id] != nil {
			continue
		}
		for _, nid := range newIDs {
			n := newOps[nid]
			if oldOps[nid] == nil && n.Method == o.Method && Template(n.Path) == Template(o.Path) {
				newOps[id] = n
				delete(newOps, nid)
				newIDs = replace(newIDs, nid, id)
				break
			}
		}
	}
	for _, id := range merge(oldIDs, newIDs) {
		o, n := oldOps[id], newOps[id]
		switch {
		case n == nil:
			d.op = o
			d.add("api-removed", "", o.Source, o.Method+" "+o.Path, nil,
				"operation removed (was %s %s)", o.Method, o.Path)
		case o == nil:
			d.op = n
			d.add("endpoint-added", "", n.Source, nil, n.Method+" "+n.Path,
				"operation added: %s %s", n.Method, n.Path)
		default:
			d.operation(o, n)
		}
	}
	return d.changes
}

type differ struct {
	op      *model.Operation // the operation being compared (its id names changes)
	changes []Change
}

func (d *differ) add(rule, target string, src model.Source, old, new any, format string, args ...any) {
	r, ok := ruleByID[rule]
	if !ok {
		panic("diff: no rule " + rule)
	}
	d.changes = append(d.changes, Change{
		Level: r.Level, Rule: rule, Operation: d.op.ID, Kind: r.Kind, Target: target,
		Old: old, New: new, Message: fmt.Sprintf(format, args...), Source: src,
	})
}

// at is src, or fallback's line when src has none (arguments and fields the
// generator gives no line of their own).
func at(src, fallback model.Source) model.Source {
	if src.Line > 0 {
		return src
	}
	if fallback.Line > 0 || src.File == "" {
		return fallback
	}
	return src
}

func (d *differ) operation(o, n *model.Operation) {
	d.op = n
	src := n.Source
	renamed := renames(o.Path, n.Path)
	switch {
	case o.Path == n.Path:
	case Template(o.Path) == Template(n.Path):
		// Issue 17 item 9: only parameter names differ; a client fills
		// the same URL, so this is not a path change (oasdiff ignores
		// the names too).
		d.add("api-path-param-renamed", "", src, o.Path, n.Path, "path parameter renamed (%s to %s): the same URL for clients", o.Path, n.Path)
	default:
		d.add("api-path-changed", "", src, o.Path, n.Path, "path changed from %s to %s", o.Path, n.Path)
	}
	if o.Method != n.Method {
		d.add("api-method-changed", "", src, o.Method, n.Method, "method changed from %s to %s", o.Method, n.Method)
	}
	if o.Protocol != n.Protocol {
		d.add("api-protocol-changed", "", src, o.Protocol, n.Protocol, "protocol changed from %s to %s", orNone(o.Protocol), orNone(n.Protocol))
	}
	if o.ParamsOptional && !n.ParamsOptional {
		d.add("request-body-became-required", "", src, true, false, "params became required: the call object must now carry them")
	}
	if !o.ParamsOptional && n.ParamsOptional {
		d.add("request-body-became-optional", "", src, false, true, "params may now be omitted")
	}
	d.pathParams(o, n, renamed)
	if o.Title != n.Title {
		d.add("api-title-changed", "", src, o.Title, n.Title, "title changed from %q to %q", o.Title, n.Title)
	}
	if o.Description != n.Description {
		d.add("api-description-changed", "", src, o.Description, n.Description, "description changed")
	}
	if o.Decision != n.Decision {
		d.add("api-decision-changed", "", src, o.Decision, n.Decision, "decision changed from %s to %s", orNone(o.Decision), orNone(n.Decision))
	}
	if o.Safe != n.Safe {
		d.add("api-safe-changed", "", src, o.Safe, n.Safe, "x-safe changed from %t to %t", o.Safe, n.Safe)
	}

	// Arguments.
	oa, na := map[string]model.Argument{}, map[string]model.Argument{}
	var on, nn []string
	for _, a := range o.Arguments {
		if to, ok := renamed[a.Name]; ok && a.In == "path" {
			// Compared with the parameter it became (item 9); its error
			// key, when it is the name, follows it.
			if a.ErrorKey == "" || a.ErrorKey == a.Name {
				a.ErrorKey = ""
			}
			a.Name = to
		}
		if _, dup := oa[a.Name]; !dup {
			oa[a.Name] = a
			on = append(on, a.Name)
		}
	}
	for _, a := range n.Arguments {
		if _, dup := na[a.Name]; !dup {
			na[a.Name] = a
			nn = append(nn, a.Name)
		}
	}
	for _, name := range merge(on, nn) {
		a, inOld := oa[name]
		b, inNew := na[name]
		switch {
		case !inNew:
			d.add("request-property-removed", name, at(a.Source, o.Source), describeArg(a), nil,
				"argument removed: clients may still send it (harmless unless the server refuses unknown arguments)")
		case !inOld:
			s := at(b.Source, n.Source)
			if b.Required {
				d.add("new-required-request-property", name, s, nil, describeArg(b), "new required argument (%s)", orAny(b.Type))
			} else {
				d.add("new-optional-request-property", name, s, nil, describeArg(b), "new optional argument (%s)", orAny(b.Type))
			}
		default:
			d.argument(name, a, b, at(b.Source, n.Source))
		}
	}

	// Variants.
	ov, nv := map[string]model.Variant{}, map[string]model.Variant{}
	on, nn = nil, nil
	for _, v := range o.Variants {
		if _, dup := ov[v.Name]; !dup {
			ov[v.Name] = v
			on = append(on, v.Name)
		}
	}
	for _, v := range n.Variants {
		if _, dup := nv[v.Name]; !dup {
			nv[v.Name] = v
			nn = append(nn, v.Name)
		}
	}
	for _, name := range merge(on, nn) {
		a, inOld := ov[name]
		b, inNew := nv[name]
		switch {
		case !inNew:
			d.add("response-variant-removed", name, at(a.Source, o.Source), variantKind(a), nil,
				"%s response variant removed", variantKind(a))
		case !inOld:
			d.add("response-variant-added", name, at(b.Source, n.Source), nil, variantKind(b),
				"%s response variant added (%s)", variantKind(b), b.Shape)
		default:
			d.variant(name, a, b, at(a.Source, o.Source), at(b.Source, n.Source))
		}
	}
}

func (d *differ) pathParams(o, n *model.Operation, renamed map[string]string) {
	oe := map[string]string{}
	for _, p := range o.PathParams {
		name := p.Name
		if to, ok := renamed[name]; ok {
			name = to
		}
		oe[name] = p.Example
	}
	for _, p := range n.PathParams {
		if ex, ok := oe[p.Name]; ok && ex != p.Example {
			d.add("api-path-param-example-changed", "", n.Source, ex, p.Example,
				"example of path parameter {%s} changed from %q to %q", p.Name, ex, p.Example)
		}
	}
}

func (d *differ) argument(name string, a, b model.Argument, src model.Source) {
	add := func(rule string, old, new any, format string, args ...any) {
		d.add(rule, name, src, old, new, format, args...)
	}
	if !a.Required && b.Required {
		add("request-property-became-required", false, true, "argument became required")
	}
	if a.Required && !b.Required {
		add("request-property-became-optional", true, false, "argument became optional")
	}
	if a.Type != b.Type {
		rule := "request-property-type-changed"
		if b.Type == "" || (a.Type == "integer" && b.Type == "number") {
			rule = "request-property-type-generalized"
		}
		add(rule, a.Type, b.Type, "type changed from %s to %s", orAny(a.Type), orAny(b.Type))
	} else if a.DocType != b.DocType {
		add("request-property-doc-type-changed", a.DocType, b.DocType, "documented type changed from %q to %q", a.DocType, b.DocType)
	}
	if a.In != b.In {
		add("request-property-location-changed", a.In, b.In, "moved from %s to %s", location(a.In), location(b.In))
	}
	if a.Key() != b.Key() {
		add("request-property-error-key-changed", a.Key(), b.Key(),
			"error key changed from %q to %q: clients key their form errors by it (S5)", a.Key(), b.Key())
	}
	bound(add, "request-property-min-length", "minLength", intp(a.MinLength), intp(b.MinLength))
	bound(add, "request-property-max-length", "maxLength", intp(a.MaxLength), intp(b.MaxLength))
	bound(add, "request-property-min", "minimum", a.Minimum, b.Minimum)
	bound(add, "request-property-max", "maximum", a.Maximum, b.Maximum)
	text(add, "request-property-pattern", "pattern", a.Pattern, b.Pattern)
	text(add, "request-property-format", "format", a.Format, b.Format)
	enum(add, "request-property", a.Enum, b.Enum)
	if a.Secret != b.Secret {
		add("request-property-secret-changed", a.Secret, b.Secret, "secret changed from %t to %t", a.Secret, b.Secret)
	}
	if a.Description != b.Description {
		add("request-property-description-changed", a.Description, b.Description, "description changed")
	}
	if a.Decision != b.Decision {
		add("request-property-decision-changed", a.Decision, b.Decision, "decision changed from %s to %s", orNone(a.Decision), orNone(b.Decision))
	}
}

func (d *differ) variant(name string, a, b model.Variant, oldSrc, src model.Source) {
	add := func(rule string, old, new any, format string, args ...any) {
		d.add(rule, name, src, old, new, format, args...)
	}
	if a.Error != b.Error {
		add("response-variant-kind-changed", variantKind(a), variantKind(b), "variant changed from %s to %s", variantKind(a), variantKind(b))
	}
	if a.Shape != b.Shape {
		add("response-shape-changed", a.Shape, b.Shape, "shape changed from %s to %s (T4)", orNone(a.Shape), orNone(b.Shape))
	}
	if a.MediaType != b.MediaType {
		add("response-media-type-changed", a.MediaType, b.MediaType, "media type changed from %s to %s", orNone(a.MediaType), orNone(b.MediaType))
	}
	if a.Label != b.Label {
		add("response-variant-label-changed", a.Label, b.Label, "label changed from %q to %q", a.Label, b.Label)
	}
	if !sameJSON(a.Example, b.Example) {
		add("response-example-changed", nil, nil, "example changed")
	}
	if a.Decision != b.Decision {
		add("response-variant-decision-changed", a.Decision, b.Decision, "decision changed from %s to %s", orNone(a.Decision), orNone(b.Decision))
	}

	of, nf := map[string]model.Field{}, map[string]model.Field{}
	var on, nn []string
	for _, f := range a.Fields {
		if _, dup := of[f.Pointer]; !dup {
			of[f.Pointer] = f
			on = append(on, f.Pointer)
		}
	}
	for _, f := range b.Fields {
		if _, dup := nf[f.Pointer]; !dup {
			nf[f.Pointer] = f
			nn = append(nn, f.Pointer)
		}
	}
	// A field under a removed (added) field is not listed again.
	gone := func(p string, in, out map[string]model.Field) bool {
		for q := parent(p); q != ""; q = parent(q) {
			_, i := in[q]
			_, o := out[q]
			if i && !o {
				return true
			}
		}
		return false
	}
	for _, p := range merge(on, nn) {
		x, inOld := of[p]
		y, inNew := nf[p]
		target := name + p
		switch {
		case !inNew:
			if gone(p, of, nf) {
				continue
			}
			rule, what := "response-optional-property-removed", "optional"
			if x.Required {
				rule, what = "response-required-property-removed", "required"
			}
			d.add(rule, target, oldSrc, orAny(x.Type), nil, "%s response field removed", what)
		case !inOld:
			if gone(p, nf, of) {
				continue
			}
			rule, what := "response-optional-property-added", "optional"
			if y.Required {
				rule, what = "response-required-property-added", "required"
			}
			d.add(rule, target, src, nil, orAny(y.Type), "new %s response field (%s)", what, orAny(y.Type))
		default:
			d.field(target, x, y, src)
		}
	}
}

func (d *differ) field(target string, a, b model.Field, src model.Source) {
	add := func(rule string, old, new any, format string, args ...any) {
		d.add(rule, target, src, old, new, format, args...)
	}
	if a.Required && !b.Required {
		add("response-property-became-optional", true, false, "response field became optional")
	}
	if !a.Required && b.Required {
		add("response-property-became-required", false, true, "response field became required")
	}
	if a.Type != b.Type {
		rule := "response-property-type-changed"
		switch {
		case a.Type == "" || (a.Type == "number" && b.Type == "integer"):
			rule = "response-property-type-specialized"
		case b.Type == "" || (a.Type == "integer" && b.Type == "number"):
			rule = "response-property-type-generalized"
		}
		add(rule, a.Type, b.Type, "type changed from %s to %s", orAny(a.Type), orAny(b.Type))
	}
	switch {
	case a.Const == nil && b.Const != nil:
		add("response-property-const-added", nil, b.Const, "value fixed to %s", show(b.Const))
	case a.Const != nil && b.Const == nil:
		add("response-property-const-removed", a.Const, nil, "fixed value %s removed: any value may now come", show(a.Const))
	case a.Const != nil && !sameValue(a.Const, b.Const):
		add("response-property-const-changed", a.Const, b.Const, "fixed value changed from %s to %s", show(a.Const), show(b.Const))
	}
	enum(add, "response-property", a.Enum, b.Enum)
	text(add, "response-property-pattern", "pattern", a.Pattern, b.Pattern)
	bound(add, "response-property-min", "minimum", a.Minimum, b.Minimum)
	bound(add, "response-property-min-length", "minLength", intp(a.MinLength), intp(b.MinLength))
	if a.Secret != b.Secret {
		add("response-property-secret-changed", a.Secret, b.Secret, "secret changed from %t to %t", a.Secret, b.Secret)
	}
	if a.Description != b.Description {
		add("response-property-description-changed", a.Description, b.Description, "description changed")
	}
	if a.Decision != b.Decision {
		add("response-property-decision-changed", a.Decision, b.Decision, "decision changed from %s to %s", orNone(a.Decision), orNone(b.Decision))
	}
}

type adder func(rule string, old, new any, format string, args ...any)

// bound compares a minimum, minLength, maximum or maxLength. Rule ids are
// prefix + -increased, -decreased, -set or -unset; the rule table says which
// direction breaks clients (a raised lower bound breaks a request, a lowered
// one a response).
func bound(add adder, prefix, keyword string, a, b *float64) {
	switch {
	case a == nil && b == nil:
	case a == nil:
		add(prefix+"-set", nil, *b, "%s set to %s", keyword, num(*b))
	case b == nil:
		add(prefix+"-unset", *a, nil, "%s removed (was %s)", keyword, num(*a))
	case *a < *b:
		add(prefix+"-increased", *a, *b, "%s increased from %s to %s", keyword, num(*a), num(*b))
	case *a > *b:
		add(prefix+"-decreased", *a, *b, "%s decreased from %s to %s", keyword, num(*a), num(*b))
	}
}

// text compares a pattern or a format.
func text(add adder, prefix, keyword, a, b string) {
	switch {
	case a == b:
	case a == "":
		add(prefix+"-added", nil, b, "%s added: %s", keyword, b)
	case b == "":
		add(prefix+"-removed", a, nil, "%s removed (was %s)", keyword, a)
	default:
		add(prefix+"-changed", a, b, "%s changed from %s to %s", keyword, a, b)
	}
}

// enum compares two enums value by value.
func enum(add adder, prefix string, a, b []any) {
	switch {
	case len(a) == 0 && len(b) == 0:
	case len(a) == 0:
		add(prefix+"-became-enum", nil, b, "restricted to %s", show(b))
	case len(b) == 0:
		add(prefix+"-enum-removed", a, nil, "enum %s removed: any value now", show(a))
	default:
		for _, v := range a {
			if !contains(b, v) {
				add(prefix+"-enum-value-removed", v, nil, "enum value %s removed", show(v))
			}
		}
		for _, v := range b {
			if !contains(a, v) {
				add(prefix+"-enum-value-added", nil, v, "enum value %s added", show(v))
			}
		}
	}
}

// merge is new's order, with each key only old has placed after the key
// that preceded it in old.
func merge(old, new []string) []string {
	out := append([]string(nil), new...)
	in := map[string]bool{}
	for _, k := range new {
		in[k] = true
	}
	for i, k := range old {
		if in[k] {
			continue
		}
		pos := 0
	find:
		for j := i - 1; j >= 0; j-- {
			for x, y := range out {
				if y == old[j] {
					pos = x + 1
					break find
				}
			}
		}
		out = append(out[:pos], append([]string{k}, out[pos:]...)...)
	}
	return out
}

// parent is the pointer's parent, "" at the top.
func parent(p string) string {
	i := strings.LastIndexByte(p, '/')
	if i <= 0 {
		return ""
	}
	return p[:i]
}

func describeArg(a model.Argument) string {
	req := "optional"
	if a.Required {
		req = "required"
	}
	return orAny(a.Type) + ", " + req
}

func variantKind(v model.Variant) string {
	if v.Error {
		return "error"
	}
	return "success"
}

func location(in string) string {
	if in == "" {
		return "params"
	}
	return in
}

func orAny(t string) string {
	if t == "" {
		return "any"
	}
	return t
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func intp(p *int) *float64 {
	if p == nil {
		return nil
	}
	f := float64(*p)
	return &f
}

func num(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

func show(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// sameValue compares two JSON values (as decoded, numbers as float64 or
// json.Number) by their JSON text.
func sameValue(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	if err1 != nil || err2 != nil {
		return reflect.DeepEqual(a, b)
	}
	return sameJSON(x, y)
}

func contains(vs []any, v any) bool {
	for _, x := range vs {
		if sameValue(x, v) {
			return true
		}
	}
	return false
}

// sameJSON reports whether two JSON texts hold the same value (key order,
// spacing and number spelling aside).
func sameJSON(a, b []byte) bool {
	if bytes.Equal(a, b) {
		return true
	}
	var x, y any
	if len(bytes.TrimSpace(a)) == 0 || len(bytes.TrimSpace(b)) == 0 {
		return isNull(a) && isNull(b)
	}
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

func isNull(b []byte) bool {
	t := string(bytes.TrimSpace(b))
	return t == "" || t == "null"
}

// Template is path with every parameter name left out ("/partner/{}/x"):
// two paths with the same template are the same URLs for a client (issue
// 17 item 9; oasdiff compares paths so).
func Template(path string) string {
	return templateName.ReplaceAllString(path, "{}")
}

var templateName = regexp.MustCompile(`\{[^{}/]*\}`)

// renames maps each path parameter of old to the one at its place in new,
// when the two paths share a template and the names differ.
func renames(old, new string) map[string]string {
	if old == new || Template(old) != Template(new) {
		return nil
	}
	on, nn := templateName.FindAllString(old, -1), templateName.FindAllString(new, -1)
	m := map[string]string{}
	for i := range on {
		a, b := strings.Trim(on[i], "{}"), strings.Trim(nn[i], "{}")
		if a != b {
			m[a] = b
		}
	}
	return m
}

// replace is ids with old replaced by new.
func replace(ids []string, old, new string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		if id == old {
			id = new
		}
		out[i] = id
	}
	return out
}
