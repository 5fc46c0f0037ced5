package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"slices"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	gomegatypes "github.com/onsi/gomega/types"

	"github.com/nebeus/nebeus-contract/schemas"
)

// probe collects the checks of one spec: a Tally per operation and
// decision for the summary, and the findings that fail the spec.
type probe struct {
	s        *suite
	findings []Finding
	warnings []Finding
	tallies  map[string]Tally
	relaxed  []string
	// refused, when set, is the decision a 4xx answer breaks: a spec
	// sending what T2 allows blames a refusal on T2, not on T3.
	refused string
	// setup are the calls that made what the spec starts from (the signup
	// of the account it signs in with), calls those it made itself: a
	// finding's repro replays them all, in order, up to the failing one.
	setup, calls []*exchange
	// notes head the failure message (what a stateful failure was).
	notes []string
}

// do sends r and records it for the repro of the spec's findings.
func (p *probe) do(ctx context.Context, r request) *exchange {
	ex := p.s.do(ctx, r)
	p.calls = append(p.calls, ex)
	return ex
}

// replaying records calls made elsewhere (another spec, the run's setup)
// that this spec starts from; each once.
func (p *probe) replaying(calls ...*exchange) {
	for _, c := range calls {
		if c != nil && !slices.Contains(p.setup, c) {
			p.setup = append(p.setup, c)
		}
	}
}

// history is what a finding about ex replays: the calls before ex, each
// once, then ex (also when it was sent outside the probe).
func history(calls []*exchange, ex *exchange) []*exchange {
	seen := map[*exchange]bool{}
	var h []*exchange
	for _, c := range calls {
		if c == ex {
			break
		}
		if !seen[c] {
			seen[c] = true
			h = append(h, c)
		}
	}
	return append(h, ex)
}

// history is what a finding about ex replays (see history).
func (p *probe) history(ex *exchange) []*exchange {
	return history(append(slices.Clone(p.setup), p.calls...), ex)
}

func (s *suite) probe() *probe { return &probe{s: s, tallies: map[string]Tally{}} }

func (p *probe) count(op, dec string, f func(*Tally)) {
	if op == "" {
		op = unknownOp
	}
	k := op + " " + dec
	t := p.tallies[k]
	f(&t)
	p.tallies[k] = t
}

func (p *probe) pass(op, dec string) { p.count(op, dec, func(t *Tally) { t.Passed++ }) }

// fail records a violation of decision dec by the answer ex.
func (p *probe) fail(ex *exchange, dec, ptr, expected, got string) {
	op := ""
	if ex != nil {
		op = ex.Req.Op
	}
	p.count(op, dec, func(t *Tally) { t.Failed++ })
	p.findings = append(p.findings, p.finding(ex, dec, ptr, expected, got))
}

// warn records a field beyond the contract (T6): reported, not a failure.
func (p *probe) warn(ex *exchange, ptr, got string) {
	p.count(ex.Req.Op, "T6", func(t *Tally) { t.Warned++ })
	f := p.finding(ex, "T6", ptr, "only documented fields (extra fields are a compatible change)", got)
	f.Warning = true
	p.warnings = append(p.warnings, f)
}

func (p *probe) finding(ex *exchange, dec, ptr, expected, got string) Finding {
	f := Finding{Decision: dec, Pointer: ptr, Expected: p.s.redact(expected), Got: p.s.redact(got), title: p.s.title(dec)}
	if ex != nil {
		f.Operation = ex.Req.Op
		if f.Operation == "" {
			f.Operation = ex.Req.Path
		}
		f.ex = ex // its curl and repro are rendered when reported (render)
		f.hist = p.setup
		if len(p.calls) > 0 {
			f.hist = slices.Clone(p.setup) // the history as it stands now
			f.hist = append(f.hist, p.calls...)
		}
	}
	return f
}

// renderRepros writes each finding's request as curl and its repro
// script: the setup, then the spec's calls up to the request. The first
// finding about a request gets the script, the others refer to it.
func (p *probe) renderRepros() {
	done := map[*exchange]*Finding{}
	for i := range p.findings {
		p.render(&p.findings[i], done)
	}
}

// render fills a finding's Request, Response and Repro; done holds the
// first finding rendered for each request.
func (p *probe) render(f *Finding, done map[*exchange]*Finding) {
	if f.ex == nil || f.Request != "" {
		return
	}
	if _, ok := done[f.ex]; ok {
		f.Request = "(the one above)"
		return
	}
	done[f.ex] = f
	f.Request = p.s.curlOf(f.ex)
	if f.ex.Err == nil {
		f.Response = fmt.Sprintf("HTTP %d %s: %s", f.ex.Status, f.ex.Header.Get("Content-Type"), p.s.snippet(f.ex.Body))
	}
	if h := history(f.hist, f.ex); len(h) > 1 {
		f.Repro = p.s.script(h)
	}
}

// ok is true while the spec has found nothing wrong.
func (p *probe) ok() bool { return len(p.findings) == 0 }

// flush records the spec's checks and warnings in its report.
func (p *probe) flush() {
	done := map[*exchange]*Finding{}
	for i := range p.warnings {
		p.render(&p.warnings[i], done)
	}
	b, _ := json.Marshal(specChecks{Tallies: p.tallies, Relaxed: p.relaxed, Warnings: p.warnings})
	AddReportEntry(checksEntry, string(b), ReportEntryVisibilityNever)
	p.tallies = map[string]Tally{}
	p.relaxed = nil
	if len(p.warnings) > 0 {
		var t strings.Builder
		for _, w := range p.warnings {
			t.WriteString(w.String())
		}
		AddReportEntry(warningsEntry, t.String(), ReportEntryVisibilityFailureOrVerbose)
		p.warnings = nil
	}
}

// verify ends the spec's checks: it fails the spec with every finding.
func (p *probe) verify() {
	GinkgoHelper()
	p.flush()
	p.renderRepros()
	Expect(p).To(conform())
}

// require stops the spec here when a check it depends on failed (the
// findings so far are its failure message).
func (p *probe) require(ok bool) {
	GinkgoHelper()
	if ok {
		return
	}
	p.verify()
	Fail("stopped: a check this spec depends on failed")
}

// conform matches a probe without findings; its failure message is the
// report of every finding.
func conform() gomegatypes.GomegaMatcher { return conformMatcher{} }

type conformMatcher struct{}

func (conformMatcher) Match(actual any) (bool, error) {
	p, ok := actual.(*probe)
	if !ok {
		return false, fmt.Errorf("conform expects a *probe, got %T", actual)
	}
	return p.ok(), nil
}

func (conformMatcher) FailureMessage(actual any) string {
	p := actual.(*probe)
	var b strings.Builder
	for _, n := range p.notes {
		b.WriteString(n + "\n")
	}
	fmt.Fprintf(&b, "%d contract violation(s):\n", len(p.findings))
	const shown = 20
	for i, f := range p.findings {
		if i == shown {
			fmt.Fprintf(&b, "... and %d more violation(s) of the same answers (the summary counts them all)\n", len(p.findings)-shown)
			break
		}
		b.WriteString(f.String())
	}
	return b.String()
}

func (conformMatcher) NegatedFailureMessage(any) string { return "expected a contract violation" }

// --- transport (T3) ---

// answer checks that a business outcome came back as HTTP 200 with media
// type application/json and a JSON body (T3), and decodes it.
func (p *probe) answer(ex *exchange) (any, bool) {
	op := ex.Req.Op
	if ex.Err != nil {
		p.fail(ex, "T3", "", "an HTTP answer within the timeout", ex.failure())
		return nil, false
	}
	good := true
	if ex.Status >= 400 && ex.Status < 500 && p.refused != "" {
		p.fail(ex, p.refused, "", "the request accepted: "+p.s.title(p.refused)+" allows it", fmt.Sprintf("refused with HTTP %d", ex.Status))
		good = false
	} else if ex.Status >= 500 {
		// T5: nothing a client sends ever causes a 5xx; that is the
		// decision broken, whatever the request was.
		p.fail(ex, "T5", "", "HTTP status 200 (T3), and never a 5xx for anything a client sends (T5)", fmt.Sprintf("HTTP %d", ex.Status))
		good = false
	} else if ex.Status != http.StatusOK {
		p.fail(ex, "T3", "", "HTTP status 200 (every business outcome, success or documented error)", fmt.Sprintf("HTTP %d", ex.Status))
		good = false
	} else {
		p.pass(op, "T3")
		if p.refused != "" {
			p.pass(op, p.refused)
		}
	}
	if mt := ex.mediaType(); mt != jsonMediaType {
		p.fail(ex, "T3", "", "Content-Type application/json (parameters allowed)", fmt.Sprintf("%q", ex.Header.Get("Content-Type")))
		good = false
	} else {
		p.pass(op, "T3")
	}
	v, err := ex.decode()
	if err != nil {
		p.fail(ex, "T3", "", "a body of one JSON value", "not JSON: "+err.Error())
		return nil, false
	}
	return v, good
}

// --- shapes (T4), envelope and id (T3), schemas ---

// shapeOf classifies a decoded body by the shapes of T4.
func shapeOf(v any) string {
	switch x := v.(type) {
	case []any:
		envs := 0
		for _, e := range x {
			if isEnvelope(e) {
				envs++
			}
		}
		switch {
		case len(x) == 1 && envs == 1:
			return schemas.ShapeArray
		case envs > 0:
			return fmt.Sprintf("an array of %d elements, %d of them envelopes", len(x), envs)
		}
		return schemas.ShapeBare
	case map[string]any:
		if _, isErr := x["error"]; isErr {
			return "a JSON-RPC error object"
		}
		if isEnvelope(x) {
			return schemas.ShapeEnvelope
		}
		return shapeObject
	}
	return fmt.Sprintf("a JSON %T", v)
}

// isBare reports whether a shape shapeOf names is bare JSON: no envelope,
// no array of envelopes, no JSON-RPC error object (T4's "bare").
func isBare(got string) bool {
	return got == schemas.ShapeBare || got == shapeObject || strings.HasPrefix(got, "a JSON ")
}

// shapeObject is shapeOf's name for an object that is no envelope.
const shapeObject = "an object that is no envelope"

func isEnvelope(v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	_, r := m["result"]
	_, j := m["jsonrpc"]
	return r || j
}

var shapeText = map[string]string{
	schemas.ShapeArray:    "an array holding one envelope",
	schemas.ShapeEnvelope: "a bare envelope (no array)",
	schemas.ShapeBare:     "bare JSON, no envelope",
}

func describeShape(s string) string {
	if t, ok := shapeText[s]; ok {
		return t
	}
	return s
}

// normalize turns v into the documented shape want when a relaxation of
// the run allows the shape got; it returns the relaxation applied.
func (p *probe) normalize(want, got string, v any) (any, string, bool) {
	o := p.s.opts
	switch {
	case want == schemas.ShapeArray && got == schemas.ShapeEnvelope && o.relaxed(RelaxBareEnvelope):
		return []any{v}, RelaxBareEnvelope, true
	case want == schemas.ShapeEnvelope && got == schemas.ShapeArray && o.relaxed(RelaxArrayEnvelope):
		return v.([]any)[0], RelaxArrayEnvelope, true
	case want == schemas.ShapeBare && got == schemas.ShapeEnvelope && o.relaxed(RelaxEnvelopeList):
		if l, ok := v.(map[string]any)["result"].([]any); ok {
			return l, RelaxEnvelopeList, true
		}
	}
	return nil, "", false
}

// outcome is a documented answer: its variant and what it carries.
type outcome struct {
	Variant string
	Value   any            // the body, in its documented shape
	Result  map[string]any // the envelope's result (nil for bare shapes)
	List    []any          // the bare list (get_countries)
}

// documented checks that v (the answer to ex) is one of the operation's
// variants named in want (any variant when want is empty): its shape (T4),
// its envelope's id (T3) and its schema (the decision the schema names).
func (p *probe) documented(ex *exchange, v any, want ...string) (outcome, bool) {
	op, ok := p.s.contract.Operation(ex.Req.Op)
	if !ok {
		panic("conformance: no operation " + ex.Req.Op)
	}
	var cands []schemas.Variant
	for _, vr := range op.Variants {
		if vr.Shape == schemas.ShapeBinary {
			continue // not JSON: see binary
		}
		if len(want) == 0 || containsString(want, vr.Name) {
			cands = append(cands, vr)
		}
	}
	got := shapeOf(v)
	if len(op.Variants) == 0 {
		// The page documents no response: any JSON is the answer (the
		// generator warned that its responses are unconstrained).
		p.pass(ex.Req.Op, "T4")
		return outcome{Value: v}, true
	}
	var shaped []schemas.Variant
	var values []any
	var relaxedBy []string
	for _, vr := range cands {
		if vr.Shape == got || (vr.Shape == schemas.ShapeBare && isBare(got)) {
			shaped, values, relaxedBy = append(shaped, vr), append(values, v), append(relaxedBy, "")
		} else if nv, r, ok := p.normalize(vr.Shape, got, v); ok {
			shaped, values, relaxedBy = append(shaped, vr), append(values, nv), append(relaxedBy, r)
		}
	}
	if len(shaped) == 0 {
		var exp []string
		for _, vr := range cands {
			exp = append(exp, fmt.Sprintf("%s (%s variant)", describeShape(vr.Shape), vr.Name))
		}
		p.fail(ex, "T4", "", strings.Join(exp, " or "), describeShape(got))
		return outcome{}, false
	}
	p.pass(ex.Req.Op, "T4")

	// Pick the first variant that validates; otherwise report against the
	// closest one (fewest failures).
	best, bestFails := -1, 0
	var bestVs []schemas.Violation
	for i, vr := range shaped {
		vs, err := p.s.contract.Validate(vr.Schema, values[i])
		if err != nil {
			panic(err) // the embedded contract names its own schemas
		}
		n := len(schemas.Failures(vs))
		if best < 0 || n < bestFails {
			best, bestFails, bestVs = i, n, vs
		}
		if n == 0 {
			break
		}
	}
	vr, val := shaped[best], values[best]
	if relaxedBy[best] != "" {
		p.relaxed = append(p.relaxed, relaxedBy[best])
		p.count(ex.Req.Op, "T4", func(t *Tally) { t.Relaxed++ })
	}
	out := outcome{Variant: vr.Name, Value: val}
	env := envelopeOf(val, vr.Shape)
	if env != nil {
		out.Result, _ = env["result"].(map[string]any)
		p.echo(ex, env)
	} else {
		out.List, _ = val.([]any)
	}
	dec := vr.Decision
	if dec == "" {
		dec = "T4"
	}
	for _, viol := range bestVs {
		if viol.Warning {
			p.warn(ex, viol.Pointer, "field not in the contract: "+jsonText(lookup(val, viol.Pointer)))
			continue
		}
		d := viol.Decision
		if d == "" {
			d = dec
		}
		p.fail(ex, d, viol.Pointer, fmt.Sprintf("%s (%s variant: %s)", viol.Message, vr.Name, viol.Keyword), jsonText(lookup(val, viol.Pointer)))
	}
	if bestFails == 0 {
		p.pass(ex.Req.Op, dec)
	}
	return out, bestFails == 0
}

// envelopeOf returns the envelope of a value in the documented shape.
func envelopeOf(v any, shape string) map[string]any {
	switch shape {
	case schemas.ShapeArray:
		if a, ok := v.([]any); ok && len(a) == 1 {
			m, _ := a[0].(map[string]any)
			return m
		}
	case schemas.ShapeEnvelope:
		m, _ := v.(map[string]any)
		return m
	}
	return nil
}

// successVariants and errorVariants name an operation's documented
// success and error variants.
func successVariants(op schemas.Operation) []string { return variantNames(op, false) }
func errorVariants(op schemas.Operation) []string   { return variantNames(op, true) }

func variantNames(op schemas.Operation, isErr bool) []string {
	var out []string
	for _, vr := range op.Variants {
		if vr.Error == isErr {
			out = append(out, vr.Name)
		}
	}
	return out
}

// binary checks an answer that is not JSON against the operation's binary
// variants: HTTP 200 and one of their media types (T3). It reports false,
// and checks nothing, when the answer is JSON and the operation has JSON
// variants too (documented judges it).
func (p *probe) binary(ex *exchange, op schemas.Operation) (handled bool) {
	var bins []schemas.Variant
	jsonToo := false
	for _, vr := range op.Variants {
		if vr.Shape == schemas.ShapeBinary {
			bins = append(bins, vr)
		} else {
			jsonToo = true
		}
	}
	if len(bins) == 0 {
		return false
	}
	mt := ex.mediaType()
	if ex.Err == nil && jsonToo && (mt == jsonMediaType || ex.Status != http.StatusOK) {
		return false
	}
	var want []string
	for _, vr := range bins {
		want = append(want, vr.MediaType)
	}
	switch {
	case ex.Err != nil:
		p.fail(ex, "T3", "", "an HTTP answer within the timeout", ex.failure())
		return true
	case ex.Status >= 500:
		p.fail(ex, "T5", "", "HTTP status 200 (T3), and never a 5xx for anything a client sends (T5)", fmt.Sprintf("HTTP %d", ex.Status))
	case ex.Status != http.StatusOK:
		p.fail(ex, "T3", "", "HTTP status 200", fmt.Sprintf("HTTP %d", ex.Status))
	default:
		p.pass(ex.Req.Op, "T3")
	}
	for _, vr := range bins {
		if vr.MediaType == mt {
			p.pass(ex.Req.Op, "T3")
			dec := vr.Decision
			if dec == "" {
				dec = "T4"
			}
			if len(ex.Body) > 0 {
				p.pass(ex.Req.Op, dec)
			} else {
				p.fail(ex, dec, "", "a "+mt+" body ("+vr.Name+" variant)", "an empty body")
			}
			return true
		}
	}
	p.fail(ex, "T3", "", "Content-Type "+strings.Join(want, " or "), fmt.Sprintf("%q", ex.Header.Get("Content-Type")))
	return true
}

// echo checks that the envelope's id echoes the request's (T3): the same
// JSON type and value, null where the request had none.
func (p *probe) echo(ex *exchange, env map[string]any) {
	got, present := env["id"]
	if !present {
		return // the schema reports the missing id (T4)
	}
	var want any
	if ex.Req.HasID {
		want = ex.Req.ID
	}
	if sameJSON(want, got) {
		p.pass(ex.Req.Op, "T3")
		return
	}
	p.fail(ex, "T3", idPointer(env, ex), "the request's id echoed: "+jsonText(want), jsonText(got))
}

func idPointer(env map[string]any, ex *exchange) string {
	v, _ := ex.decode()
	if _, isArr := v.([]any); isArr {
		return "/0/id"
	}
	return "/id"
}

// sameJSON compares two JSON values as JSON: numbers by value, strings
// and other types exactly.
func sameJSON(a, b any) bool {
	na, aNum := number(a)
	nb, bNum := number(b)
	if aNum || bNum {
		return aNum && bNum && na.Cmp(nb) == 0
	}
	return jsonText(a) == jsonText(b)
}

func number(v any) (*big.Float, bool) {
	var s string
	switch x := v.(type) {
	case json.Number:
		s = x.String()
	case int:
		s = strconv.Itoa(x)
	case int64:
		s = strconv.FormatInt(x, 10)
	case float64:
		s = strconv.FormatFloat(x, 'g', -1, 64)
	default:
		return nil, false
	}
	f, _, err := big.ParseFloat(s, 10, 200, big.ToNearestEven)
	return f, err == nil
}

// --- T5: clean rejections ---

// errorObjectSchema is the shared definition of T5's JSON-RPC error object
// (one of the contract's Definitions).
const errorObjectSchema = "jsonrpc-error"

// rejected checks that ex was cleanly rejected (T5): any 4xx whatever its
// body, or HTTP 200 carrying a JSON-RPC error object or one of the
// operation's documented error variants. A 5xx, a hang past the timeout,
// anything else with 200, or a 200 that is not JSON fails, under dec.
func (p *probe) rejected(ex *exchange, dec, what string) {
	switch {
	case ex.Err != nil:
		p.fail(ex, dec, "", "a clean rejection of "+what+" (T5: never a hang)", ex.failure())
		return
	case ex.Status >= 400 && ex.Status < 500:
		p.pass(ex.Req.Op, dec)
		return
	case ex.Status != http.StatusOK:
		p.fail(ex, dec, "", "a clean rejection of "+what+": any 4xx, or 200 with a JSON-RPC error or a documented error (T5: never a 5xx)", fmt.Sprintf("HTTP %d", ex.Status))
		return
	}
	v, err := ex.decode()
	if err != nil {
		p.fail(ex, dec, "", "a clean rejection of "+what+": a 200 answer must be JSON (T5)", "not JSON: "+err.Error())
		return
	}
	if m, ok := v.(map[string]any); ok {
		if _, isErr := m["error"]; isErr {
			vs, err := p.s.contract.Validate(errorObjectSchema, v)
			if err != nil {
				panic(err)
			}
			fails := schemas.Failures(vs)
			for _, viol := range fails {
				p.fail(ex, dec, viol.Pointer, "a JSON-RPC error object: "+viol.Message, jsonText(lookup(v, viol.Pointer)))
			}
			for _, viol := range vs {
				if viol.Warning {
					p.warn(ex, viol.Pointer, "field not in the contract: "+jsonText(lookup(v, viol.Pointer)))
				}
			}
			if len(fails) == 0 {
				p.pass(ex.Req.Op, dec)
			}
			return
		}
	}
	if op, known := p.s.contract.Operation(ex.Req.Op); known && ex.Req.Op != "" {
		for _, vr := range op.Variants {
			if !vr.Error {
				continue
			}
			sub := p.s.probe()
			if _, good := sub.documented(ex, v, vr.Name); good && sub.ok() {
				p.pass(ex.Req.Op, dec)
				return
			}
		}
	}
	p.fail(ex, dec, "", "a clean rejection of "+what+": any 4xx, or 200 with a JSON-RPC error object or a documented error variant (T5)", "HTTP 200 with "+describeShape(shapeOf(v))+": "+p.s.snippet(ex.Body))
}

// --- JSON helpers ---

// lookup returns the value at a JSON pointer, or missing.
func lookup(v any, ptr string) any {
	if ptr == "" {
		return v
	}
	for _, seg := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		seg = strings.ReplaceAll(strings.ReplaceAll(seg, "~1", "/"), "~0", "~")
		switch x := v.(type) {
		case map[string]any:
			e, ok := x[seg]
			if !ok {
				return missing{}
			}
			v = e
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(x) {
				return missing{}
			}
			v = x[i]
		default:
			return missing{}
		}
	}
	return v
}

type missing struct{}

// jsonText renders a value for the report.
func jsonText(v any) string {
	if _, ok := v.(missing); ok {
		return "(missing)"
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	const max = 300
	if len(b) > max {
		return string(b[:max]) + fmt.Sprintf("... (%d bytes)", len(b))
	}
	return string(b)
}

func containsString(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}
