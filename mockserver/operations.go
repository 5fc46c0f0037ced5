package mockserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"net/http"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/nebeus/nebeus-contract/fixtures"
	"github.com/nebeus/nebeus-contract/mockserver/state"
	"github.com/nebeus/nebeus-contract/mockserver/wire"
	"github.com/nebeus/nebeus-contract/schemas"
	"github.com/nebeus/nebeus-contract/spec/model"
)

// operation is one operation of the contract with the mock's business logic.
type operation struct {
	schemas.Operation
	logic
	// body is a read-only operation's answer, computed once (S6).
	once sync.Once
	body []byte
	// layouts are its variants' fields arranged for result, by variant
	// name, built once.
	layouts map[string]*wire.Layout
}

// logic is the mock's business logic of one operation.
type logic struct {
	run func(c *call) reply // nil: answer the documented example
	// readOnly: run touches no state, so a forced success (Prefer, a
	// fault) may answer with it rather than with the page's example.
	readOnly bool
	// createsAccounts: its arguments are an account's keys, and every demo
	// account must pass its request schema (fixtures.Set.Check).
	createsAccounts bool
	// readAhead starts the state reads run will make, with the fault
	// check (state/readahead.go); nil: none.
	readAhead func(ns *state.Namespace, params map[string]any) *state.AccountRead
	// decision is the one its rules implement (S1..S6), and args the
	// arguments run reads: on a contract that does not state the decision
	// (another API's page, issue 17), an operation that merely shares the
	// id gets the logic only if it has them all (as the suite binds its
	// specs, conformance/bind.go), else its documented example.
	decision string
	args     []string
}

// needsStore: the operation's answer depends on the store. One that does
// not (get_countries, an operation answered from its example) never
// waits for a file or Redis store, and is answered while it is down
// (issue 19).
func (op *operation) needsStore() bool { return op.run != nil && !op.readOnly }

// readLoginAccount reads ahead the account signin authenticates (S1).
func readLoginAccount(ns *state.Namespace, params map[string]any) *state.AccountRead {
	login, _ := params["login"].(string)
	return ns.ReadAccount(login)
}

// encode is the answer of variant vr: its result, the documented fields
// filled from known and the example (appendResult), wrapped as shape says
// (T4). The variant's layout is built once, by name.
func (op *operation) encode(vr model.Variant, shape string, id json.RawMessage, known any) ([]byte, error) {
	if vr.Name == "" {
		// The page documents no usable response: the answer is JSON the
		// suite built from the same page accepts (issue 17, T3), an empty
		// object, in a bare envelope for a JSON-RPC operation.
		shape = schemas.ShapeBare
		if op.JSONRPC() {
			shape = schemas.ShapeEnvelope
		}
		return wire.Wrap(shape, id, func(dst []byte) ([]byte, error) { return append(dst, "{}"...), nil })
	}
	l := op.layouts[vr.Name]
	if l == nil {
		l = wire.NewLayout(vr)
	}
	return wire.Wrap(shape, id, func(dst []byte) ([]byte, error) { return l.AppendResult(dst, l.Example, known) })
}

// call is one operation request, after the protocol checks.
type call struct {
	s      *Server
	op     *operation
	r      *http.Request
	ns     *state.Namespace
	id     json.RawMessage
	params map[string]any      // never nil
	bizVs  []schemas.Violation // request-schema failures under /params, keyed by Field
	read   *state.AccountRead  // started by the logic's readAhead; nil: none
}

// reply is a business outcome (T3): always HTTP 200.
type reply struct {
	variant string // a documented variant of the operation
	// known are the values the business logic knows; appendResult puts them
	// into the variant's documented fields (T6) with its fixed texts.
	known any
	raw   []byte // or the whole body, already encoded
	// cookie is set on the answer; clear ends the session cookie (S3).
	cookie *http.Cookie
	// err: the store failed (state.Failure), so there is no business
	// answer: the call is answered 503 (errStore), never a variant.
	err error
}

// Variant names of the model.
const (
	variantSuccess = model.VariantSuccess
	variantError   = model.VariantError
)

// businessLogic binds the operations the mock knows the rules of to their
// logic, by operation id: the one place an operation is named in Go. Every
// other operation of the contract is served from its documented example
// (like Prism), its request still validated.
var businessLogic = map[string]logic{
	"signin":         {run: (*call).signin, readAhead: readLoginAccount, decision: "S1", args: []string{"login", "password"}},
	"logout":         {run: (*call).logout, decision: "S3"},
	"reset_password": {run: (*call).resetPassword, decision: "S4", args: []string{"login"}},
	"signup":         {run: (*call).signup, createsAccounts: true, decision: "S5", args: []string{"login", "password", "confirm_password", "country"}},
	"get_countries":  {run: (*call).getCountries, readOnly: true, decision: "S6"},
}

// logicFor is o's business logic: businessLogic's by id, unless the
// contract does not state its decision and o lacks what the logic reads
// (a success variant, a JSON-RPC call, its arguments).
func (s *Server) logicFor(o schemas.Operation) logic {
	lg, ok := businessLogic[o.ID]
	if !ok {
		return lg
	}
	for _, d := range s.contract.Model().Decisions {
		if d.ID == lg.decision {
			return lg
		}
	}
	_, success := o.Variant(variantSuccess)
	fits := success && o.JSONRPC()
	for _, a := range lg.args {
		if _, has := o.Argument(a); !has {
			fits = false
		}
	}
	if !fits {
		s.log.Warn("operation shares the id of one the mock has rules for, not its arguments or answers, and the contract states no "+lg.decision+": answering its documented example", "op", o.ID)
		return logic{}
	}
	return lg
}

// buildOperations binds every operation of the contract (T1: the list
// comes from the contract, never from this file) to its business logic.
func (s *Server) buildOperations() error {
	s.ops = map[string]*operation{}
	for _, o := range s.contract.Operations() {
		op := &operation{Operation: o, logic: s.logicFor(o), layouts: map[string]*wire.Layout{}}
		for _, vr := range o.Variants {
			op.layouts[vr.Name] = wire.NewLayout(vr)
		}
		if _, ok := o.Variant(variantSuccess); !ok && op.run != nil {
			return fmt.Errorf("mockserver: operation %s has no %q variant", o.ID, variantSuccess)
		}
		if op.run == nil {
			s.log.Warn("operation has no business logic; answering its documented example", "op", o.ID)
		}
		if op.createsAccounts {
			if err := s.fixtures.Check(fixtures.Rules{Contract: s.contract, Operation: o.ID}); err != nil {
				return fmt.Errorf("mockserver: demo accounts break the contract: %w", err)
			}
		}
		s.ops[o.ID] = op
	}
	return nil
}

// documentedAnswer is the variant a valid call of an operation without
// business rules is answered with: its success, or, where the page shows
// only other outcomes (an error), the first of them: an answer the suite
// built from the same page accepts (issue 17, item 8).
func documentedAnswer(o model.Operation) string {
	if _, ok := o.Variant(variantSuccess); ok || len(o.Variants) == 0 {
		return variantSuccess
	}
	return o.Variants[0].Name
}

// paramFailures keeps the violations of the arguments (not the envelope's,
// T5), which the operations report as business errors (S1, S4, S5).
func paramFailures(vs []schemas.Violation) []schemas.Violation {
	var out []schemas.Violation
	for _, v := range vs {
		if v.Code == 0 && !v.Warning && strings.HasPrefix(v.Pointer, "/params") {
			out = append(out, v)
		}
	}
	return out
}

// signinResult is what the mock knows of S1's success result (M1); the
// documented fields it does not know come from the page's example.
func (c *call) signinResult(acc state.Account, sessionID string) map[string]any {
	return map[string]any{
		"company_id": c.s.cfg.CompanyID, "db": c.s.cfg.DB, "session_id": sessionID, "uid": acc.UID,
		"name": acc.Name, "surname": acc.Surname, "username": acc.Login,
		"user_context": map[string]any{"lang": acc.Lang, "tz": acc.TZ, "uid": acc.UID},
	}
}

// signin (S1): the same failure for an unknown login, a wrong password or
// bad arguments; success starts a new session (S2) with the M1 fields.
func (c *call) signin() reply {
	// The failure's text is the contract's fixed text (S1).
	fail := reply{variant: variantError}
	if len(c.bizVs) > 0 {
		return fail
	}
	login, _ := c.params["login"].(string)
	password, _ := c.params["password"].(string)
	acc, ok, err := c.ns.AuthenticateRead(c.read, login, password)
	if err != nil { // an outage is not a wrong password (issue 19)
		return reply{err: err}
	}
	if !ok {
		return fail
	}
	sess, err := c.ns.StartSessionFor(acc)
	if state.Failure(err) != nil {
		return reply{err: err}
	}
	if err != nil { // the account vanished between the two calls (a reset)
		return fail
	}
	return reply{variant: variantSuccess, known: c.signinResult(acc, sess.ID), cookie: c.s.session.CookieFor(sess.ID)}
}

// logout (S3): ends the session the request carries, always succeeds, clears
// the cookie.
func (c *call) logout() reply {
	for _, id := range c.s.session.IDs(c.r, c.params) {
		if _, err := c.ns.EndSessionErr(id); err != nil {
			return reply{err: err} // the session may still be live: no cleared cookie
		}
	}
	return reply{variant: variantSuccess, cookie: c.s.session.Cleared()}
}

// resetPassword (S4): success for any well-formed email, existing or not
// (no account enumeration); an outbox message when the account exists.
func (c *call) resetPassword() reply {
	if len(c.bizVs) > 0 {
		return reply{variant: variantError, known: map[string]any{"message": c.s.message(c.op, c.bizVs[0])}}
	}
	login, _ := c.params["login"].(string)
	if _, _, err := c.ns.RequestResetErr(login); err != nil {
		return reply{err: err}
	}
	return reply{variant: variantSuccess}
}

// getCountries (S6): the active countries, encoded once.
func (c *call) getCountries() reply {
	c.op.once.Do(func() {
		vr, _ := c.op.Variant(variantSuccess)
		var list any
		if err := json.Unmarshal(c.s.countries, &list); err == nil {
			c.op.body, _ = c.op.encode(vr, schemas.ShapeBare, nil, list)
		}
	})
	return reply{variant: variantSuccess, raw: c.op.body}
}

// fieldError is one entry of signup's errors (S5).
type fieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// signupErrors is what the mock knows of S5's error result.
func signupErrors(errs map[string]fieldError) map[string]any {
	m := make(map[string]any, len(errs))
	for k, e := range errs {
		m[k] = map[string]any{"field": e.Field, "message": e.Message}
	}
	return map[string]any{"errors": m}
}

// signup (S5): every problem at once, keyed by field: first what the request
// schema finds (keys from x-error-key), then the checks that need state.
func (c *call) signup() reply {
	errs, in, err := c.s.checkSignup(c.op, c.ns, c.params, c.bizVs)
	if err != nil {
		return reply{err: err}
	}
	if len(errs) == 0 {
		if _, err := c.ns.Signup(in); state.Failure(err) != nil {
			return reply{err: err} // not a field's problem: the store's (issue 19)
		} else if err != nil {
			errs = map[string]fieldError{}
			addErr(errs, c.op.ErrorKey(argLogin), signupErrorMessage(err))
		}
	}
	if len(errs) > 0 {
		return reply{variant: variantError, known: signupErrors(errs)}
	}
	return reply{variant: variantSuccess}
}

// checkSignup runs S5's checks and returns the errors by field and, when
// there are none, the account to create. The control API's account creation
// shares it.
func (s *Server) checkSignup(op *operation, ns *state.Namespace, p map[string]any, vs []schemas.Violation) (map[string]fieldError, state.NewAccount, error) {
	errs := map[string]fieldError{}
	bad := map[string]bool{} // arguments with a schema violation
	for _, v := range vs {
		addErr(errs, v.Field, s.message(op, v))
		bad[v.Argument] = true
	}
	str := func(k string) string { x, _ := p[k].(string); return x }
	in := state.NewAccount{
		Login: str("login"), Password: str("password"), Name: str("name"), Surname: str("surname"),
		Language: str("language"), Identifier: str("identifier"), AppVersion: str("app_version"),
		DeviceModel: str("device_model"), DeviceOS: str("device_os"),
	}
	// M5: free text the mock keeps has a length limit of its own, reported
	// under the field's own key (S5), so that no account holds megabytes.
	for _, a := range op.Arguments {
		if a.Type != "string" || a.Secret {
			continue // only text the mock keeps; a secret is hashed, never kept (M4)
		}
		k := a.Name
		if v := str(k); !bad[k] && len(v) > MaxFieldLength && utf8.RuneCountInString(v) > MaxFieldLength {
			addErr(errs, op.ErrorKey(k), fmt.Sprintf("longer than %d characters (the mock's limit, M5)", MaxFieldLength))
			bad[k] = true
		}
	}
	if !bad["password"] && !bad["confirm_password"] && str("password") != str("confirm_password") {
		addErr(errs, op.ErrorKey("confirm_password"), "password and confirm_password differ")
	}
	if !bad["country"] {
		id, ok := intArg(p["country"])
		if !ok || !s.activeIDs[id] {
			addErr(errs, op.ErrorKey("country"), "country "+wire.Cut(fmt.Sprint(p["country"]))+" is not the id of an active country")
		}
		in.Country = id
	}
	if !bad["login"] {
		_, exists, err := ns.LookupErr(in.Login)
		if err != nil {
			return nil, state.NewAccount{}, err
		}
		if exists {
			addErr(errs, op.ErrorKey(argLogin), "this email is already registered")
		}
	}
	if n, ok := intArg(p["timezone"]); ok && !bad["timezone"] {
		in.Timezone = &n
	}
	if n, ok := intArg(p["device_type"]); ok && !bad["device_type"] {
		in.DeviceType = &n
	}
	if len(errs) > 0 {
		return errs, state.NewAccount{}, nil
	}
	return nil, in, nil
}

// MaxFieldLength is the longest free-text argument the mock stores, in
// characters (M5: the mock's own choice, not the contract's).
const MaxFieldLength = 1024

// addErr keeps the first problem of each field: one message a form can show
// under it.
func addErr(errs map[string]fieldError, key, msg string) {
	if key == "" {
		key = "params"
	}
	if _, dup := errs[key]; !dup {
		errs[key] = fieldError{Field: key, Message: msg}
	}
}

// argLogin is the argument signin, signup and reset_password take the
// account's email in: the business logic's name for it.
const argLogin = "login"

func signupErrorMessage(err error) string {
	if errors.Is(err, state.ErrDuplicateLogin) {
		return "this email is already registered"
	}
	return "the account cannot be created: " + strings.TrimPrefix(err.Error(), "state: ")
}

// intArg converts a JSON integer (json.Number, possibly "2.0") to int.
func intArg(v any) (int, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	if i, err := n.Int64(); err == nil {
		if i < math.MinInt32 || i > math.MaxInt32 {
			return 0, false
		}
		return int(i), true
	}
	f, err := n.Float64()
	if err != nil || f != math.Trunc(f) || f < math.MinInt32 || f > math.MaxInt32 {
		return 0, false
	}
	return int(f), true
}

// accountOperation is the operation that creates accounts (signup, S5),
// by the binding table; nil when the contract has none.
func (s *Server) accountOperation() *operation {
	for _, o := range s.contract.Operations() {
		if op := s.ops[o.ID]; op.createsAccounts {
			return op
		}
	}
	return nil
}

// firstError is the operation's first documented error variant.
func firstError(o schemas.Operation) (schemas.Variant, bool) {
	for _, v := range o.Variants {
		if v.Error {
			return v, true
		}
	}
	return schemas.Variant{}, false
}

// violationText lists violations for an error message, bounded.
func violationText(vs []schemas.Violation) string {
	const most = 5
	parts := make([]string, 0, most)
	for i, v := range vs {
		if i == most {
			parts = append(parts, fmt.Sprintf("and %d more", len(vs)-most))
			break
		}
		parts = append(parts, v.String())
	}
	return strings.Join(parts, "; ")
}
