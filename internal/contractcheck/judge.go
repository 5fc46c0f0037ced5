package contractcheck

import (
	"github.com/nebeus/nebeus-contract/schemas"
)

// Finding is one check that failed, or a warning (T6).
type Finding struct {
	Decision string `json:"decision"`
	Pointer  string `json:"pointer,omitempty"`
	Expected string `json:"expected"`
	Got      string `json:"got"`
	Warning  bool   `json:"warning,omitempty"`
}

// Message is the finding as one line: what was expected, what came.
func (f Finding) Message() string {
	return "expected " + f.Expected + ", got " + f.Got
}

// Tally is a Recorder that counts the checks and keeps the findings.
type Tally struct {
	Passed, Failed, Warned int
	Findings               []Finding
	Relaxations            []string
	passes                 []string // the decisions passed, in order
}

var _ Recorder = (*Tally)(nil)

func (t *Tally) Pass(dec string) {
	t.Passed++
	t.passes = append(t.passes, dec)
}

func (t *Tally) Fail(dec, ptr, expected, got string) {
	t.Failed++
	t.Findings = append(t.Findings, Finding{Decision: dec, Pointer: ptr, Expected: expected, Got: got})
}

func (t *Tally) Warn(ptr, got string) {
	t.Warned++
	t.Findings = append(t.Findings, Finding{Decision: "T6", Pointer: ptr, Expected: "only documented fields (extra fields are a compatible change)", Got: got, Warning: true})
}

func (t *Tally) Relaxed(name string) { t.Relaxations = append(t.Relaxations, name) }

// Failures are the findings that are not warnings.
func (t *Tally) Failures() []Finding {
	var out []Finding
	for _, f := range t.Findings {
		if !f.Warning {
			out = append(out, f)
		}
	}
	return out
}

// Call is what Judge needs to know of a request besides its answer.
type Call struct {
	// WellFormed: the request is a call T2 describes (the operation's
	// method, a JSON body, an object whose envelope its request schema
	// accepts). A request that is not must be cleanly rejected (T5).
	WellFormed bool
	// Failures are its request schema's failures (S5's arguments among
	// them); with any, a clean rejection or a documented error answers.
	Failures []schemas.Violation
}

// Judge makes every check one exchange can be judged by alone, the ones
// the conformance suite makes on each answer it gets: a request the
// contract allows gets a business outcome (T3: HTTP 200,
// application/json, the id echoed) in one of the operation's documented
// variants (T4's shape, the schema with its fixed texts: S1's failure
// text, the statuses); a request it does not allows a clean rejection
// (T5). An answer that starts a session sets the contract's cookie with
// its attributes (S2); one of the operation that ends sessions clears it
// (S3). ex.Op "" is a path no operation has: a clean rejection too.
func (c *Checker) Judge(r Recorder, ex *Exchange, call Call) {
	op, known := c.Contract.Operation(ex.Op)
	switch {
	case !known:
		c.Rejected(r, ex, "T5", "a path no operation has")
		return
	case !call.WellFormed:
		c.Rejected(r, ex, "T5", "a malformed call")
		return
	case len(call.Failures) > 0:
		// Arguments the request schema refuses: a documented answer (the
		// error variant that reports them, or an operation that takes
		// them anyway), or a clean rejection; what else the operation
		// owes (S1's one text, S5's keys) the schemas say.
		var t Tally
		if v, ok := c.Answer(&t, ex, ""); ok {
			out, good := c.Documented(&t, ex, v)
			if good && t.Failed == 0 {
				replay(r, &t)
				c.sessions(r, ex, op, out)
				return
			}
			if ShapeOf(v) != ShapeErrorObject {
				// A business answer that breaks its variant (S1's text
				// changed, say): its own findings say more than "not a
				// clean rejection".
				replay(r, &t)
				return
			}
		}
		dec := call.Failures[0].Decision
		if dec == "" || ex.Status >= 500 {
			dec = "T5" // nothing a client sends causes a 5xx
		}
		c.Rejected(r, ex, dec, "arguments the contract does not allow")
		return
	}
	if c.Binary(r, ex, op) {
		return
	}
	v, ok := c.Answer(r, ex, "")
	if !ok && v == nil {
		return
	}
	var t Tally
	out, good := c.Documented(&t, ex, v)
	if !good && c.misshapen(r, ex, op, v) {
		return
	}
	replay(r, &t)
	c.sessions(r, ex, op, out)
}

// misshapen reports (as T4) an answer whose content is a documented
// variant's but in another variant's shape (a success in the failure's
// bare envelope, say), which Documented judges against the variant its
// shape has: the content is right, the shape is what broke.
func (c *Checker) misshapen(r Recorder, ex *Exchange, op schemas.Operation, v any) bool {
	got := ShapeOf(v)
	for _, vr := range op.Variants {
		if vr.Shape == got || vr.Shape == schemas.ShapeBinary || vr.Shape == schemas.ShapeBare {
			continue
		}
		var nv any
		switch {
		case vr.Shape == schemas.ShapeArray && got == schemas.ShapeEnvelope:
			nv = []any{v}
		case vr.Shape == schemas.ShapeEnvelope && got == schemas.ShapeArray:
			nv = v.([]any)[0]
		default:
			continue
		}
		vs, err := c.Contract.Validate(vr.Schema, nv)
		if err != nil || len(schemas.Failures(vs)) > 0 {
			continue
		}
		r.Fail("T4", "", DescribeShape(vr.Shape)+" ("+vr.Name+" variant)", DescribeShape(got)+" holding the "+vr.Name+" variant")
		return true
	}
	return false
}

// replay reports what a Tally recorded to r.
func replay(r Recorder, t *Tally) {
	for _, dec := range t.passes {
		r.Pass(dec)
	}
	for _, f := range t.Findings {
		if f.Warning {
			r.Warn(f.Pointer, f.Got)
		} else {
			r.Fail(f.Decision, f.Pointer, f.Expected, f.Got)
		}
	}
	for _, rel := range t.Relaxations {
		r.Relaxed(rel)
	}
}

// sessions checks S2's cookie on an answer that hands out a session (a
// success variant with a secret field, as the model marks it) and S3's
// cleared cookie on a success of the operation a session travels to as an
// argument (logout, from the model's Session).
func (c *Checker) sessions(r Recorder, ex *Exchange, op schemas.Operation, out Outcome) {
	ses := c.Contract.Model().Session
	if ses == nil || ses.Cookie == "" || out.Variant == "" {
		return
	}
	vr, ok := op.Variant(out.Variant)
	if !ok || vr.Error {
		return
	}
	for _, f := range vr.Fields {
		if f.Secret && out.Result != nil {
			if sid, ok := Lookup(out.Result, f.Pointer).(string); ok {
				c.SessionCookie(r, ex, *ses, f.Pointer, sid)
				return
			}
		}
	}
	if ses.Argument != "" {
		if _, takes := op.Argument(ses.Argument); takes {
			c.CookieCleared(r, ex, ses.Cookie)
		}
	}
}
