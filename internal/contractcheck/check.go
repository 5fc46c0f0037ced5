package contractcheck

import (
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/nebeus/nebeus-contract/schemas"
	"github.com/nebeus/nebeus-contract/spec/model"
)

// JSONMediaType is the media type of JSON-RPC bodies (T2, T3): JSON's own,
// not a contract choice.
const JSONMediaType = "application/json"

// Exchange is one request and its answer, as the checks see them.
type Exchange struct {
	Op    string // the operation the request is for ("" when none)
	ID    any    // the request's JSON-RPC id, when HasID
	HasID bool
	// The answer; Err set (and described by Failure) when none came.
	Status  int
	Header  http.Header
	Body    []byte
	Err     error
	Failure string
}

// MediaType is the answer's media type without parameters ("" if none or
// malformed).
func (ex *Exchange) MediaType() string {
	mt, _, err := mime.ParseMediaType(ex.Header.Get("Content-Type"))
	if err != nil {
		return ""
	}
	return mt
}

// Decode decodes the body as one JSON value with numbers kept exact.
func (ex *Exchange) Decode() (any, error) { return schemas.Decode(ex.Body) }

// Cookie returns the answer's Set-Cookie named name, or nil.
func (ex *Exchange) Cookie(name string) *http.Cookie {
	for _, c := range (&http.Response{Header: ex.Header}).Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// Recorder receives the outcome of each check of one exchange.
type Recorder interface {
	Pass(decision string)
	// Fail records a violation of decision at pointer ptr of the body.
	Fail(decision, ptr, expected, got string)
	// Warn records a field beyond the contract (T6): not a failure.
	Warn(ptr, got string)
	// Relaxed records that a relaxation of the run judged the shape (T4).
	Relaxed(name string)
}

// Checker makes the checks against one contract.
type Checker struct {
	Contract *schemas.Contract
	// Normalize, when set, turns v into the documented shape want where a
	// relaxation allows the shape got (T4: never silently); it returns
	// the relaxation applied.
	Normalize func(want, got string, v any) (any, string, bool)
	// Snippet renders a body for a message (default: its first bytes).
	Snippet func(b []byte) string
}

func (c *Checker) title(dec string) string {
	if t := c.Contract.Model().DecisionTitle(dec); t != "" {
		return t
	}
	return "contract"
}

func (c *Checker) snippet(b []byte) string {
	if c.Snippet != nil {
		return c.Snippet(b)
	}
	const max = 300
	if len(b) > max {
		return string(b[:max]) + fmt.Sprintf("... (%d bytes)", len(b))
	}
	if len(b) == 0 {
		return "(empty body)"
	}
	return string(b)
}

// Answer checks that a business outcome came back as HTTP 200 with media
// type application/json and a JSON body (T3), and decodes it. refused,
// when set, is the decision a 4xx answer breaks (a request T2 allows).
func (c *Checker) Answer(r Recorder, ex *Exchange, refused string) (any, bool) {
	if ex.Err != nil {
		r.Fail("T5", "", "a whole HTTP answer within the timeout (T5: never a hang)", ex.Failure)
		return nil, false
	}
	good := true
	if ex.Status >= 400 && ex.Status < 500 && refused != "" {
		r.Fail(refused, "", "the request accepted: "+c.title(refused)+" allows it", fmt.Sprintf("refused with HTTP %d", ex.Status))
		good = false
	} else if ex.Status >= 500 {
		// T5: nothing a client sends ever causes a 5xx; that is the
		// decision broken, whatever the request was.
		r.Fail("T5", "", "HTTP status 200 (T3), and never a 5xx for anything a client sends (T5)", fmt.Sprintf("HTTP %d", ex.Status))
		good = false
	} else if ex.Status != http.StatusOK {
		r.Fail("T3", "", "HTTP status 200 (every business outcome, success or documented error)", fmt.Sprintf("HTTP %d", ex.Status))
		good = false
	} else {
		r.Pass("T3")
		if refused != "" {
			r.Pass(refused)
		}
	}
	if mt := ex.MediaType(); mt != JSONMediaType {
		r.Fail("T3", "", "Content-Type application/json (parameters allowed)", fmt.Sprintf("%q", ex.Header.Get("Content-Type")))
		good = false
	} else {
		r.Pass("T3")
	}
	v, err := ex.Decode()
	if err != nil {
		r.Fail("T3", "", "a body of one JSON value", "not JSON: "+err.Error())
		return nil, false
	}
	return v, good
}

// Outcome is a documented answer: its variant and what it carries.
type Outcome struct {
	Variant string
	Value   any            // the body, in its documented shape
	Result  map[string]any // the envelope's result (nil for bare shapes)
	List    []any          // the bare list
}

// Documented checks that v (the answer of ex) is one of the operation's
// variants named in want (any variant when want is empty): its shape
// (T4), its envelope's id (T3) and its schema (the decision the schema
// names). The operation must be in the contract.
func (c *Checker) Documented(r Recorder, ex *Exchange, v any, want ...string) (Outcome, bool) {
	op, ok := c.Contract.Operation(ex.Op)
	if !ok {
		panic("check: no operation " + ex.Op)
	}
	var cands []schemas.Variant
	for _, vr := range op.Variants {
		if vr.Shape == schemas.ShapeBinary {
			continue // not JSON: see Binary
		}
		if len(want) == 0 || slices.Contains(want, vr.Name) {
			cands = append(cands, vr)
		}
	}
	got := ShapeOf(v)
	if len(op.Variants) == 0 {
		// The page documents no response: any JSON is the answer (the
		// generator warned that its responses are unconstrained).
		r.Pass("T4")
		return Outcome{Value: v}, true
	}
	var shaped []schemas.Variant
	var values []any
	var relaxedBy []string
	for _, vr := range cands {
		if vr.Shape == got || (vr.Shape == schemas.ShapeBare && IsBare(got)) {
			shaped, values, relaxedBy = append(shaped, vr), append(values, v), append(relaxedBy, "")
		} else if c.Normalize != nil {
			if nv, rel, ok := c.Normalize(vr.Shape, got, v); ok {
				shaped, values, relaxedBy = append(shaped, vr), append(values, nv), append(relaxedBy, rel)
			}
		}
	}
	if len(shaped) == 0 {
		var exp []string
		for _, vr := range cands {
			exp = append(exp, fmt.Sprintf("%s (%s variant)", DescribeShape(vr.Shape), vr.Name))
		}
		r.Fail("T4", "", strings.Join(exp, " or "), DescribeShape(got))
		return Outcome{}, false
	}
	r.Pass("T4")

	// Pick the first variant that validates; otherwise report against the
	// closest one (fewest failures).
	best, bestFails := -1, 0
	var bestVs []schemas.Violation
	for i, vr := range shaped {
		vs, err := c.Contract.Validate(vr.Schema, values[i])
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
		r.Relaxed(relaxedBy[best])
	}
	out := Outcome{Variant: vr.Name, Value: val}
	if env := EnvelopeOf(val, vr.Shape); env != nil {
		out.Result, _ = env["result"].(map[string]any)
		c.Echo(r, ex, env)
	} else {
		out.List, _ = val.([]any)
	}
	dec := vr.Decision
	if dec == "" {
		dec = "T4"
	}
	for _, viol := range bestVs {
		if viol.Warning {
			r.Warn(viol.Pointer, "field not in the contract: "+Text(Lookup(val, viol.Pointer)))
			continue
		}
		d := viol.Decision
		if d == "" {
			d = dec
		}
		r.Fail(d, viol.Pointer, fmt.Sprintf("%s (%s variant: %s)", viol.Message, vr.Name, viol.Keyword), Text(Lookup(val, viol.Pointer)))
	}
	if bestFails == 0 {
		r.Pass(dec)
	}
	return out, bestFails == 0
}

// Echo checks that the envelope's id echoes the request's (T3): the same
// JSON type and value, null where the request had none.
func (c *Checker) Echo(r Recorder, ex *Exchange, env map[string]any) {
	got, present := env["id"]
	if !present {
		return // the schema reports the missing id (T4)
	}
	var want any
	if ex.HasID {
		want = ex.ID
	}
	if SameJSON(want, got) {
		r.Pass("T3")
		return
	}
	ptr := "/id"
	if v, _ := ex.Decode(); v != nil {
		if _, isArr := v.([]any); isArr {
			ptr = "/0/id"
		}
	}
	r.Fail("T3", ptr, "the request's id echoed: "+Text(want), Text(got))
}

// Binary checks an answer that is not JSON against the operation's binary
// variants: HTTP 200 and one of their media types (T3). It reports false,
// and checks nothing, when the answer is JSON and the operation has JSON
// variants too (Documented judges it).
func (c *Checker) Binary(r Recorder, ex *Exchange, op schemas.Operation) (handled bool) {
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
	mt := ex.MediaType()
	if ex.Err == nil && jsonToo && (mt == JSONMediaType || ex.Status != http.StatusOK) {
		return false
	}
	var want []string
	for _, vr := range bins {
		want = append(want, vr.MediaType)
	}
	switch {
	case ex.Err != nil:
		r.Fail("T5", "", "a whole HTTP answer within the timeout (T5: never a hang)", ex.Failure)
		return true
	case ex.Status >= 500:
		r.Fail("T5", "", "HTTP status 200 (T3), and never a 5xx for anything a client sends (T5)", fmt.Sprintf("HTTP %d", ex.Status))
	case ex.Status != http.StatusOK:
		r.Fail("T3", "", "HTTP status 200", fmt.Sprintf("HTTP %d", ex.Status))
	default:
		r.Pass("T3")
	}
	for _, vr := range bins {
		if vr.MediaType == mt {
			r.Pass("T3")
			dec := vr.Decision
			if dec == "" {
				dec = "T4"
			}
			if len(ex.Body) > 0 {
				r.Pass(dec)
			} else {
				r.Fail(dec, "", "a "+mt+" body ("+vr.Name+" variant)", "an empty body")
			}
			return true
		}
	}
	r.Fail("T3", "", "Content-Type "+strings.Join(want, " or "), fmt.Sprintf("%q", ex.Header.Get("Content-Type")))
	return true
}

// ErrorObjectSchema is the shared definition of T5's JSON-RPC error
// object (one of the contract's Definitions).
const ErrorObjectSchema = "jsonrpc-error"

// Rejected checks that ex was cleanly rejected (T5): any 4xx whatever its
// body, or HTTP 200 carrying a JSON-RPC error object or one of the
// operation's documented error variants. A 5xx, a hang past the timeout,
// anything else with 200, or a 200 that is not JSON fails, under dec.
func (c *Checker) Rejected(r Recorder, ex *Exchange, dec, what string) {
	switch {
	case ex.Err != nil:
		r.Fail("T5", "", "a clean rejection of "+what+" (T5: never a hang)", ex.Failure)
		return
	case ex.Status >= 400 && ex.Status < 500:
		r.Pass(dec)
		return
	case ex.Status != http.StatusOK:
		r.Fail(dec, "", "a clean rejection of "+what+": any 4xx, or 200 with a JSON-RPC error or a documented error (T5: never a 5xx)", fmt.Sprintf("HTTP %d", ex.Status))
		return
	}
	v, err := ex.Decode()
	if err != nil {
		r.Fail(dec, "", "a clean rejection of "+what+": a 200 answer must be JSON (T5)", "not JSON: "+err.Error())
		return
	}
	if m, ok := v.(map[string]any); ok {
		if IsErrorObject(m) {
			vs, err := c.Contract.Validate(ErrorObjectSchema, v)
			if err != nil {
				panic(err)
			}
			fails := schemas.Failures(vs)
			for _, viol := range fails {
				r.Fail(dec, viol.Pointer, "a JSON-RPC error object: "+viol.Message, Text(Lookup(v, viol.Pointer)))
			}
			for _, viol := range vs {
				if viol.Warning {
					r.Warn(viol.Pointer, "field not in the contract: "+Text(Lookup(v, viol.Pointer)))
				}
			}
			if len(fails) == 0 {
				r.Pass(dec)
			}
			return
		}
	}
	if op, known := c.Contract.Operation(ex.Op); known && ex.Op != "" {
		for _, vr := range op.Variants {
			if !vr.Error {
				continue
			}
			var t Tally
			if _, good := c.Documented(&t, ex, v, vr.Name); good && t.Failed == 0 {
				r.Pass(dec)
				return
			}
		}
	}
	r.Fail(dec, "", "a clean rejection of "+what+": any 4xx, or 200 with a JSON-RPC error object or a documented error variant (T5)", "HTTP 200 with "+DescribeShape(ShapeOf(v))+": "+c.snippet(ex.Body))
}

// SessionCookie checks the cookie an answer that started the session sid
// (the result's field at ptr) sets (S2): named as the contract says,
// carrying sid, with its attributes (HttpOnly, SameSite, Path).
func (c *Checker) SessionCookie(r Recorder, ex *Exchange, ses model.Session, ptr, sid string) {
	if ses.Cookie == "" {
		return
	}
	ck := ex.Cookie(ses.Cookie)
	switch {
	case ck == nil:
		r.Fail("S2", "", "a Set-Cookie "+ses.Cookie+" carrying the session id", "no "+ses.Cookie+" cookie: "+Text(ex.Header.Values("Set-Cookie")))
	case ck.Value != sid:
		r.Fail("S2", "", "the "+ses.Cookie+" cookie equal to the result's "+ptr+" "+Text(sid), Text(ck.Value))
	case ck.HttpOnly != ses.HttpOnly || !SameSite(ck.SameSite, ses.SameSite) || ck.Path != ses.Path:
		r.Fail("S2", "", fmt.Sprintf("the %s cookie with HttpOnly=%v, SameSite=%s, Path=%s", ses.Cookie, ses.HttpOnly, ses.SameSite, ses.Path), Text(ex.Header.Values("Set-Cookie")))
	default:
		r.Pass("S2")
	}
}

// CookieCleared checks that an answer cleared the session cookie named
// name (S3): a Set-Cookie with Max-Age<=0 or an Expires in the past.
func (c *Checker) CookieCleared(r Recorder, ex *Exchange, name string) {
	ck := ex.Cookie(name)
	if ck != nil && (ck.MaxAge < 0 || (!ck.Expires.IsZero() && ck.Expires.Before(time.Now()))) {
		r.Pass("S3")
		return
	}
	r.Fail("S3", "", "Set-Cookie "+name+" cleared (Max-Age<=0 or Expires in the past)", Text(ex.Header.Values("Set-Cookie")))
}

// SameSite reports whether a cookie's SameSite is the contract's (S2).
func SameSite(got http.SameSite, want string) bool {
	switch want {
	case "Lax":
		return got == http.SameSiteLaxMode
	case "Strict":
		return got == http.SameSiteStrictMode
	case "None":
		return got == http.SameSiteNoneMode
	}
	return true
}
