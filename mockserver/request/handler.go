package request

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/nebeus/nebeus-contract/mockserver/faults"
	"github.com/nebeus/nebeus-contract/mockserver/metrics"
	"github.com/nebeus/nebeus-contract/mockserver/ops"
	"github.com/nebeus/nebeus-contract/mockserver/state"
	"github.com/nebeus/nebeus-contract/mockserver/wire"
	"github.com/nebeus/nebeus-contract/schemas"
	"github.com/nebeus/nebeus-contract/spec/model"
)

// OperationHandler serves a JSON-RPC operation at its path (T1). A
// request's path through the mock, top to bottom, each step once:
//
//  1. decode: the protocol checks (T1 method, T2 media type and encoding,
//     the body within its limit, T5) and the body decoded;
//  2. validate: the request schema (T5's -32600/-32602 for the envelope);
//  3. admit: Prefer, the namespace, the fault in force and any delay;
//  4. dispatch: the business logic (package ops), or the variant forced;
//  5. answer: the documented shape (T3, T4), cookie and outcome;
//
// and the journal, once, as the answer is written (exchange.write) or,
// for a request answered otherwise, when the handler returns.
func (s *Path) OperationHandler(op *ops.Operation) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ex, ok := s.beginExchange(w, r, op)
		if !ok {
			return
		}
		defer ex.record()

		v, id, ok := s.decode(w, r, ex)
		if !ok {
			return
		}
		if !s.validate(w, ex, v, id) {
			return
		}
		adm, ok := s.admitCall(w, r, ex, v, id)
		if !ok {
			return
		}
		if adm.obj == nil { // the schema's type check answers first (T5); a second guard
			ex.fail(w, id, wire.ErrInvalidRequest("the body is not a JSON object"))
			return
		}
		c := s.Ops.NewCall(op, r, ex.ns, id, adm.read, adm.obj, adm.params, ex.violations)
		rep, ok := c.Dispatch(firstNonEmpty(adm.pref.Variant, adm.fault.Variant))
		if !ok {
			ex.fail(w, id, wire.ErrArguments(ops.ViolationText(c.ArgViolations)))
			return
		}
		s.answer(w, r, ex, id, rep, adm.faulted)
	})
}

// decode is step 1: the protocol checks and the body, read and decoded
// once. false: refused, and answered.
func (s *Path) decode(w http.ResponseWriter, r *http.Request, ex *exchange) (any, json.RawMessage, bool) {
	op := ex.op
	if m := op.CallMethod(); r.Method != m {
		// The page's method (a REST page's PUT or PATCH read without
		// our overlay, issue 17), POST for ours (T1).
		w.Header().Set("Allow", m)
		ex.fail(w, wire.NullID, wire.ErrMethodOf(r.Method, []string{m}))
		return nil, nil, false
	}
	if ct := wire.Header(r.Header, "Content-Type"); !wire.IsJSON(ct) {
		ex.fail(w, wire.NullID, wire.ErrMediaType(ct))
		return nil, nil, false
	}
	if ce := wire.Header(r.Header, "Content-Encoding"); ce != "" && !strings.EqualFold(ce, "identity") {
		ex.fail(w, wire.NullID, wire.ErrContentEncoding(ce))
		return nil, nil, false
	}
	body, v, rerr := s.readCall(w, r)
	ex.reqRaw = body
	if rerr != nil {
		ex.fail(w, wire.NullID, rerr)
		return nil, nil, false
	}
	ex.reqDecoded = v
	id := wire.RawID(v)
	if m, ok := v.(map[string]any); ok && op.RPCMethod != "" && m["method"] != op.RPCMethod {
		// The call's method selects the operation (issue 17): one
		// that names another is not this operation's call.
		ex.fail(w, id, wire.ErrUnknownMethod(m["method"]))
		return nil, nil, false
	}
	return v, id, true
}

// validate is step 2: the request schema. The envelope's violations
// (those with a JSON-RPC code) refuse the call; the arguments' go on to
// the business logic, which reports them in its own words (S1, S4, S5).
func (s *Path) validate(w http.ResponseWriter, ex *exchange, v any, id json.RawMessage) bool {
	vs, err := s.Contract.ValidateRequest(ex.op.ID, v)
	if err != nil {
		s.Log.Error("validating request", "op", ex.op.ID, "err", err)
		ex.fail(w, id, wire.ErrInternal())
		return false
	}
	ex.violations = schemas.Failures(vs)
	if n := len(ex.violations); n > 0 {
		w.Header().Set("X-Mock-Violations", strconv.Itoa(n))
	}
	if e := wire.FromViolations(ex.violations); e != nil {
		ex.fail(w, id, e)
		return false
	}
	return true
}

// admitted is what step 3 lets through: the preferences, the fault in
// force, and the call's body and arguments, with the state reads started.
type admitted struct {
	pref        ops.Preference
	fault       faults.Fault
	faulted     bool
	obj, params map[string]any
	read        *state.AccountRead
}

// admitCall is step 3: Prefer and the namespace (accept), then the fault
// in force, its delay and the Prefer delay, a fault's close or 5xx.
// false: answered (or the client went away).
func (s *Path) admitCall(w http.ResponseWriter, r *http.Request, ex *exchange, v any, id json.RawMessage) (admitted, bool) {
	op, info := ex.op, ex.info
	var a admitted
	pref, ok := s.accept(w, r, ex, id)
	if !ok {
		return a, false
	}
	a.pref = pref
	ns := ex.ns
	// The fault check and the reads the logic will make go out
	// together (state/readahead.go): one round trip to a shared store.
	fc := s.Faults.Ahead(ns.Name(), op.ID, !op.NeedsStore())
	a.obj, _ = v.(map[string]any)
	a.params, _ = a.obj["params"].(map[string]any)
	if list, ok := a.obj["params"].([]any); ok && op.ParamsByPosition {
		a.params = op.Named(list) // by position (JSON-RPC 2.0's array)
	}
	if op.ReadAhead != nil && len(ex.violations) == 0 {
		a.read = op.ReadAhead(ns, a.params)
	}
	fault, faulted, ferr := fc.Take()
	if ferr != nil {
		ex.failStore(w, id, ferr)
		return a, false
	}
	a.fault, a.faulted = fault, faulted
	if faulted {
		info.Outcome = metrics.OutcomeFault
		w.Header().Set("X-Mock-Fault", "true") // so devtools show why
	}
	delay := min(pref.Delay+fault.Delay.D(), ops.MaxDelay)
	if delay > 0 && !ops.Sleep(r.Context(), delay) {
		ex.status = statusClientGone
		info.status = statusClientGone
		return a, false // the client went away; nobody reads an answer
	}
	if faulted && fault.Close {
		ex.status = statusClosed
		info.status = statusClosed
		faults.CloseConnection(w)
		return a, false
	}
	if faulted && fault.Status != 0 {
		ex.write(w, fault.Status, wire.EncodeError(id, faults.Error(fault)))
		return a, false
	}
	if len(pref.Applied) > 0 {
		w.Header().Set("Preference-Applied", strings.Join(pref.Applied, ", "))
	}
	return a, true
}

// answer is step 5: the reply in its variant's documented shape (T3, T4),
// its cookie (S2, S3) and the outcome for the metrics; written, and so
// journaled. A store failure is a 503, never a business answer (issue 19).
func (s *Path) answer(w http.ResponseWriter, r *http.Request, ex *exchange, id json.RawMessage, rep ops.Reply, faulted bool) {
	op, info := ex.op, ex.info
	if rep.Err != nil {
		ex.failStore(w, id, rep.Err)
		return
	}
	out := rep.Raw
	if vr, _ := op.Variant(rep.Variant); out == nil && vr.Shape == model.ShapeBinary {
		// A JSON-RPC call the page says returns a file ("returns the
		// report as a PDF"): the file, as the suite built from the same
		// page expects (issue 17, T3).
		if !faulted {
			info.Outcome = metrics.OutcomeSuccess
		}
		ex.writeBinary(w, r, vr.MediaType)
		return
	}
	if out == nil {
		vr, _ := op.Variant(rep.Variant)
		var err error
		if out, err = op.Encode(vr, vr.Shape, id, rep.Known); err != nil {
			s.Log.Error("encoding response", "op", op.ID, "err", err)
			ex.fail(w, id, wire.ErrInternal())
			return
		}
	}
	if rep.Cookie != nil {
		if t := info.trace; t != nil {
			t.cookie = rep.Cookie
		}
		http.SetCookie(w, rep.Cookie)
	}
	if !faulted {
		info.Outcome = metrics.OutcomeSuccess
		if vr, _ := op.Variant(rep.Variant); vr.Error {
			info.Outcome = metrics.OutcomeError
		}
	}
	ex.write(w, http.StatusOK, out)
}

// beginExchange starts the journaled exchange of one operation request:
// the request's info and its namespace, peeked at so that a request the
// mock then rejects takes no namespace slot (admit takes one once the
// request is accepted). false: the namespace was refused, and answered.
func (s *Path) beginExchange(w http.ResponseWriter, r *http.Request, op *ops.Operation) (*exchange, bool) {
	info := InfoOf(w)
	info.op = op.ID
	ns, rerr := s.peekNamespace(w, r)
	if rerr != nil {
		s.fail(w, info, rerr)
		return nil, false
	}
	info.namespace = ns.Name()
	ex := &info.exchangeVal
	if ex.s != nil { // a second exchange in one request: its own
		ex = &exchange{}
	}
	*ex = exchange{s: s, op: op, ns: ns, info: info}
	return ex, true
}

// accept reads the request's Prefer header and admits its namespace, which
// takes a slot now that the request is accepted (peekNamespace). false:
// refused, and answered.
func (s *Path) accept(w http.ResponseWriter, r *http.Request, ex *exchange, id json.RawMessage) (ops.Preference, bool) {
	pref, rerr := ops.ParsePrefer(r.Header.Values("Prefer"), ex.op)
	var ns *state.Namespace
	if rerr == nil {
		ns, rerr = s.admit(ex.ns, ex.op.NeedsStore())
	}
	if rerr != nil {
		ex.fail(w, id, rerr) // journaled under the namespace peeked at
		return pref, false
	}
	ex.ns = ns
	return pref, true
}

// exchange collects what the journal and the metrics need of one operation
// request.
type exchange struct {
	s          *Path
	op         *ops.Operation
	ns         *state.Namespace
	info       *Info
	reqRaw     []byte
	reqDecoded any
	violations []schemas.Violation
	status     int
	resp       []byte
	recorded   bool
}

// Pseudo statuses for the journal and the log: no HTTP answer was sent.
const (
	statusClientGone = 499 // the client went away during a delay
	statusClosed     = 0   // a fault closed the connection
)

// write records the exchange, then answers: a client that has its answer
// finds it in the journal.
func (ex *exchange) write(w http.ResponseWriter, status int, b []byte) {
	ex.status, ex.resp = status, b
	ex.record()
	wire.WriteJSON(w, status, b)
}

func (ex *exchange) fail(w http.ResponseWriter, id json.RawMessage, e *wire.Error) {
	if ex.info.Outcome == "" {
		ex.info.Outcome = metrics.OutcomeProtocolError
	}
	ex.write(w, e.Status, wire.EncodeError(id, e))
}

// failStore answers a store failure (issue 19): 503 with Retry-After and
// the failure's kind, never a business answer and never the store's own
// text, which goes to the log (redacted by the store: no URL password).
func (ex *exchange) failStore(w http.ResponseWriter, id json.RawMessage, err error) {
	if !errors.Is(err, state.ErrDown) { // a store known down was logged when it went down
		ex.s.Log.Warn("store failure", "op", ex.op.ID, "namespace", ex.ns.Name(), "err", err)
	}
	ex.info.Outcome = metrics.OutcomeStore
	w.Header().Set("Retry-After", wire.RetryAfter)
	ex.fail(w, id, wire.ErrStore(err))
}

// fail answers a protocol error outside an exchange (a bad namespace).
func (s *Path) fail(w http.ResponseWriter, info *Info, e *wire.Error) {
	info.Outcome = metrics.OutcomeProtocolError
	wire.WriteError(w, wire.NullID, e)
}

// record appends the exchange to the journal, once (write does, before
// answering; a deferred call covers the requests answered otherwise).
func (ex *exchange) record() {
	if ex.recorded {
		return
	}
	ex.recorded = true
	ex.s.journalAppend(ex)
}

// readCall reads and decodes a call's body, once: when the router
// (byArguments) or the session trace did already, their result is taken
// (decodedOf).
func (s *Path) readCall(w http.ResponseWriter, r *http.Request) ([]byte, any, *wire.Error) {
	d := decodedOf(w, r)
	if d == nil {
		d = s.keepBody(w, r)
	}
	return d.raw, d.Value, d.Err
}

// WithBody reads and decodes a call's body ahead of its operation handler
// (for the router's byArguments, the session trace), once: the handler
// takes it from the request's info (readCall, decodedOf), or from the
// returned request's context when the handler runs outside the mock's
// middleware (observe). A request the handler refuses before reading its
// body (not a POST of JSON) is left unread, and nil returned.
func (s *Path) WithBody(w http.ResponseWriter, r *http.Request) (*http.Request, *DecodedBody) {
	if d := decodedOf(w, r); d != nil {
		return r, d
	}
	if r.Body == nil || r.Method != http.MethodPost || !wire.IsJSON(wire.Header(r.Header, "Content-Type")) || wire.Header(r.Header, "Content-Encoding") != "" {
		return r, nil
	}
	if _, ok := w.(*statusWriter); ok {
		return r, s.keepBody(w, r) // no new request: the info is the request's already
	}
	d := s.decodeBody(w, r)
	return r.WithContext(context.WithValue(r.Context(), decodedKey{}, d)), d
}

// keepBody reads and decodes the body into the request's info, where
// decodedOf finds it (outside the middleware, a body of its own).
func (s *Path) keepBody(w http.ResponseWriter, r *http.Request) *DecodedBody {
	sw, ok := w.(*statusWriter)
	if !ok || sw.info.body != nil {
		return s.decodeBody(w, r)
	}
	d := &sw.info.bodyVal // allocated with the info
	*d = s.decodedBody(w, r)
	sw.info.body = d
	return d
}

// decodedOf is the body withBody decoded, or nil.
func decodedOf(w http.ResponseWriter, r *http.Request) *DecodedBody {
	if sw, ok := w.(*statusWriter); ok && sw.info.body != nil {
		return sw.info.body
	}
	d, _ := r.Context().Value(decodedKey{}).(*DecodedBody)
	return d
}

// DecodedBody is a request body read and decoded.
type DecodedBody struct {
	raw   []byte
	Value any
	Err   *wire.Error
}

type decodedKey struct{}

func (s *Path) decodeBody(w http.ResponseWriter, r *http.Request) *DecodedBody {
	d := s.decodedBody(w, r)
	return &d
}

func (s *Path) decodedBody(w http.ResponseWriter, r *http.Request) DecodedBody {
	body, rerr := readBody(w, r, s.MaxBody)
	if rerr != nil {
		return DecodedBody{raw: body, Err: rerr}
	}
	v, err := schemas.Decode(body)
	if err != nil {
		return DecodedBody{raw: body, Err: wire.ErrParse(wire.ErrText(err))}
	}
	return DecodedBody{raw: body, Value: v}
}

// readBody reads at most limit bytes (T5: 413 above).
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, *wire.Error) {
	if r.ContentLength > limit {
		return nil, wire.ErrTooLarge(limit)
	}
	var b []byte
	var err error
	if n := r.ContentLength; n > 0 {
		// The length is known: one buffer of that size, and a check
		// that nothing follows.
		b = make([]byte, n)
		if _, err = io.ReadFull(r.Body, b); err == nil {
			var one [1]byte
			if m, _ := r.Body.Read(one[:]); m > 0 {
				err = errors.New("body longer than its Content-Length")
			}
		}
	} else {
		b, err = io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	}
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, wire.ErrTooLarge(limit)
		}
		return nil, wire.ErrInvalidRequest("reading the body: " + wire.ErrText(err))
	}
	return b, nil
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
