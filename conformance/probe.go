package conformance

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"
	gomegatypes "github.com/onsi/gomega/types"

	"github.com/nebeus/nebeus-contract/internal/contractcheck"
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
	// inMachine is set for a state machine's probe: a request a bound
	// stopped is its answer there (bounds.go), the machine ends itself.
	inMachine bool
	// covered is what of the contract the spec exercised (coverage.go).
	covered map[string]bool
}

// do sends r and records it for the repro of the spec's findings. A
// request a bound stopped (its operation blocked by an earlier finding, or
// the run's --max-time) ends the spec here (bounds.go).
func (p *probe) do(ctx context.Context, r request) *exchange {
	ex := p.s.do(ctx, r)
	if !p.inMachine && notSent(ex) {
		p.stopped(ex)
	}
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
	f := Finding{Decision: dec, Pointer: ptr, Expected: p.s.scrub(expected), Got: p.s.scrub(got), title: p.s.title(dec)}
	if ex != nil {
		f.Operation = ex.Req.Op
		if f.Operation == "" {
			f.Operation = ex.Req.Path
		}
		f.Kind = ex.Req.Method + " " + ex.Req.Path
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
	f.Request, _ = p.s.command(p.s.curlOf(f.ex))
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
	covered := slices.Sorted(maps.Keys(p.covered))
	b, _ := json.Marshal(specChecks{Tallies: p.tallies, Relaxed: p.relaxed, Warnings: p.warnings, Findings: p.findings, Covered: covered})
	AddReportEntry(checksEntry, string(b), ReportEntryVisibilityNever)
	p.tallies = map[string]Tally{}
	p.relaxed = nil
	p.covered = nil
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
	p.renderRepros()
	p.flush()
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

// --- the checks of one exchange (package internal/contractcheck, shared with the proxy) ---

// recorder reports the shared checks of one exchange to the probe.
type recorder struct {
	p  *probe
	ex *exchange
}

func (r recorder) Pass(dec string) { r.p.pass(r.ex.Req.Op, dec) }
func (r recorder) Fail(dec, ptr, expected, got string) {
	r.p.fail(r.ex, dec, ptr, expected, got)
}
func (r recorder) Warn(ptr, got string) { r.p.warn(r.ex, ptr, got) }
func (r recorder) Relaxed(name string) {
	r.p.relaxed = append(r.p.relaxed, name)
	r.p.count(r.ex.Req.Op, "T4", func(t *Tally) { t.Relaxed++ })
}

func (p *probe) rec(ex *exchange) recorder { return recorder{p, ex} }

// checked is the exchange as package contractcheck sees it.
func (ex *exchange) checked() *contractcheck.Exchange {
	c := &contractcheck.Exchange{Op: ex.Req.Op, ID: ex.Req.ID, HasID: ex.Req.HasID, Status: ex.Status, Header: ex.Header, Body: ex.Body, Err: ex.Err}
	if ex.Err != nil {
		c.Failure = ex.failure()
	}
	return c
}

// checker makes the shared checks under the run's relaxations (T4).
func (s *suite) checker() *contractcheck.Checker {
	return &contractcheck.Checker{Contract: s.contract, Snippet: s.snippet, Normalize: s.normalize}
}

// answer checks that a business outcome came back as HTTP 200 with media
// type application/json and a JSON body (T3), and decodes it.
func (p *probe) answer(ex *exchange) (any, bool) {
	v, ok := p.s.checker().Answer(p.rec(ex), ex.checked(), p.refused)
	if ok {
		p.rawBytes(ex)
	}
	return v, ok
}

// normalize turns v into the documented shape want when a relaxation of
// the run allows the shape got; it returns the relaxation applied.
func (s *suite) normalize(want, got string, v any) (any, string, bool) {
	o := s.opts
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
type outcome = contractcheck.Outcome

// documented checks that v (the answer to ex) is one of the operation's
// variants named in want (any variant when want is empty): its shape (T4),
// its envelope's id (T3) and its schema (the decision the schema names).
func (p *probe) documented(ex *exchange, v any, want ...string) (outcome, bool) {
	out, ok := p.s.checker().Documented(p.rec(ex), ex.checked(), v, want...)
	if ok && out.Variant != "" {
		result := any(out.Result)
		if out.Result == nil {
			result = out.Value
		}
		p.cover(ex.Req.Op, out.Variant, result)
	}
	return out, ok
}

// envelopeOf returns the envelope of a value in the documented shape.
func envelopeOf(v any, shape string) map[string]any { return contractcheck.EnvelopeOf(v, shape) }

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
// variants (contractcheck.Checker.Binary).
func (p *probe) binary(ex *exchange, op schemas.Operation) (handled bool) {
	handled = p.s.checker().Binary(p.rec(ex), ex.checked(), op)
	if handled && ex.Err == nil && ex.Status == 200 && len(ex.Body) > 0 {
		mt := ex.checked().MediaType()
		for _, vr := range op.Variants {
			if vr.Shape == schemas.ShapeBinary && vr.MediaType == mt {
				p.cover(op.ID, vr.Name, nil)
			}
		}
	}
	return handled
}

// sameJSON compares two JSON values as JSON: numbers by value.
func sameJSON(a, b any) bool { return contractcheck.SameJSON(a, b) }

// rejected checks that ex was cleanly rejected (T5): any 4xx whatever its
// body, or HTTP 200 carrying a JSON-RPC error object or one of the
// operation's documented error variants; under dec.
func (p *probe) rejected(ex *exchange, dec, what string) {
	p.s.checker().Rejected(p.rec(ex), ex.checked(), dec, what)
}

// --- JSON helpers ---

// lookup returns the value at a JSON pointer, or contractcheck.Missing.
func lookup(v any, ptr string) any { return contractcheck.Lookup(v, ptr) }

// jsonText renders a value for the report.
func jsonText(v any) string { return contractcheck.Text(v) }
