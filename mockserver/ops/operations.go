package ops

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/nebeus/nebeus-contract/fixtures"
	"github.com/nebeus/nebeus-contract/mockserver/session"
	"github.com/nebeus/nebeus-contract/mockserver/state"
	"github.com/nebeus/nebeus-contract/mockserver/wire"
	"github.com/nebeus/nebeus-contract/schemas"
	"github.com/nebeus/nebeus-contract/spec/model"
)

// Operation is one operation of the contract with the mock's business logic.
type Operation struct {
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
	Run func(c *Call) Reply // nil: answer the documented example
	// readOnly: run touches no state, so a forced success (Prefer, a
	// fault) may answer with it rather than with the page's example.
	readOnly bool
	// CreatesAccounts: its arguments are an account's keys, and every demo
	// account must pass its request schema (fixtures.Set.Check).
	CreatesAccounts bool
	// ReadAhead starts the state reads run will make, with the fault
	// check (state/readahead.go); nil: none.
	ReadAhead func(ns *state.Namespace, params map[string]any) *state.AccountRead
	// decision is the one its rules implement (S1..S6), and args the
	// arguments run reads: on a contract that does not state the decision
	// (another API's page, issue 17), an operation that merely shares the
	// ID gets the logic only if it has them all (as the suite binds its
	// specs, conformance/bind.go), else its documented example.
	decision string
	args     []string
}

// NeedsStore: the operation's answer depends on the store. One that does
// not (get_countries, an operation answered from its example) never
// waits for a file or Redis store, and is answered while it is down
// (issue 19).
func (op *Operation) NeedsStore() bool { return op.Run != nil && !op.readOnly }

// readLoginAccount reads ahead the account signin authenticates (S1).
func readLoginAccount(ns *state.Namespace, params map[string]any) *state.AccountRead {
	login, _ := params["login"].(string)
	return ns.ReadAccount(login)
}

// Encode is the answer of variant vr: its result, the documented fields
// filled from known and the example (appendResult), wrapped as shape says
// (T4). The variant's layout is built once, by name.
func (op *Operation) Encode(vr model.Variant, shape string, id json.RawMessage, known any) ([]byte, error) {
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

// Call is one operation request, after the protocol checks.
type Call struct {
	Set           *Set
	Op            *Operation
	Request       *http.Request
	NS            *state.Namespace
	ID            json.RawMessage
	Params        map[string]any      // never nil
	ArgViolations []schemas.Violation // request-schema failures under /params, keyed by Field
	Read          *state.AccountRead  // started by the logic's readAhead; nil: none
}

// Reply is a business outcome (T3): always HTTP 200.
type Reply struct {
	Variant string // a documented variant of the operation
	// Known are the values the business logic knows; appendResult puts them
	// into the variant's documented fields (T6) with its fixed texts.
	Known any
	Raw   []byte // or the whole body, already encoded
	// Cookie is set on the answer; clear ends the session cookie (S3).
	Cookie *http.Cookie
	// Err: the store failed (state.Failure), so there is no business
	// answer: the call is answered 503 (errStore), never a variant.
	Err error
}

// Variant names of the model.
const (
	VariantSuccess = model.VariantSuccess
	variantError   = model.VariantError
)

// businessLogic binds the operations the mock knows the rules of to their
// logic, by operation id: the one place an operation is named in Go. Every
// other operation of the contract is served from its documented example
// (like Prism), its request still validated.
var businessLogic = map[string]logic{
	"signin":         {Run: (*Call).signin, ReadAhead: readLoginAccount, decision: "S1", args: []string{"login", "password"}},
	"logout":         {Run: (*Call).logout, decision: "S3"},
	"reset_password": {Run: (*Call).resetPassword, decision: "S4", args: []string{"login"}},
	"signup":         {Run: (*Call).signup, CreatesAccounts: true, decision: "S5", args: []string{"login", "password", "confirm_password", "country"}},
	"get_countries":  {Run: (*Call).getCountries, readOnly: true, decision: "S6"},
}

// Set is the contract's operations bound to the mock's business logic,
// with what that logic reads besides the state: built once per contract
// (New), read-only after.
type Set struct {
	contract  *schemas.Contract
	session   session.Rules
	companyID int
	db        string
	countries []byte       // the active countries, encoded once (S6)
	activeIDs map[int]bool // ids of the active countries (S5)
	log       *slog.Logger
	ByID      map[string]*Operation
}

// Config is what New binds the operations with.
type Config struct {
	Contract  *schemas.Contract
	Fixtures  fixtures.Set
	Session   session.Rules
	CompanyID int
	DB        string
	Countries []byte
	ActiveIDs map[int]bool
	Log       *slog.Logger
}

// logicFor is o's business logic: businessLogic's by id, unless the
// contract does not state its decision and o lacks what the logic reads
// (a success variant, a JSON-RPC call, its arguments).
func (s *Set) logicFor(o schemas.Operation) logic {
	lg, ok := businessLogic[o.ID]
	if !ok {
		return lg
	}
	for _, d := range s.contract.Model().Decisions {
		if d.ID == lg.decision {
			return lg
		}
	}
	_, success := o.Variant(VariantSuccess)
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

// New binds every operation of the contract (T1: the list comes from
// the contract, never from this file) to its business logic.
func New(cfg Config) (*Set, error) {
	s := &Set{contract: cfg.Contract, session: cfg.Session, companyID: cfg.CompanyID, db: cfg.DB,
		countries: cfg.Countries, activeIDs: cfg.ActiveIDs, log: cfg.Log, ByID: map[string]*Operation{}}
	for _, o := range s.contract.Operations() {
		op := &Operation{Operation: o, logic: s.logicFor(o), layouts: map[string]*wire.Layout{}}
		for _, vr := range o.Variants {
			op.layouts[vr.Name] = wire.NewLayout(vr)
		}
		if _, ok := o.Variant(VariantSuccess); !ok && op.Run != nil {
			return nil, fmt.Errorf("mockserver: operation %s has no %q variant", o.ID, VariantSuccess)
		}
		if op.Run == nil {
			s.log.Warn("operation has no business logic; answering its documented example", "op", o.ID)
		}
		if op.CreatesAccounts {
			if err := cfg.Fixtures.Check(fixtures.Rules{Contract: s.contract, Operation: o.ID}); err != nil {
				return nil, fmt.Errorf("mockserver: demo accounts break the contract: %w", err)
			}
		}
		s.ByID[o.ID] = op
	}
	return s, nil
}

// DocumentedAnswer is the variant a valid call of an operation without
// business rules is answered with: its success, or, where the page shows
// only other outcomes (an error), the first of them: an answer the suite
// built from the same page accepts (issue 17, item 8).
func DocumentedAnswer(o model.Operation) string {
	if _, ok := o.Variant(VariantSuccess); ok || len(o.Variants) == 0 {
		return VariantSuccess
	}
	return o.Variants[0].Name
}

// ParamFailures keeps the violations of the arguments (not the envelope's,
// T5), which the operations report as business errors (S1, S4, S5).
func ParamFailures(vs []schemas.Violation) []schemas.Violation {
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
func (c *Call) signinResult(acc state.Account, sessionID string) map[string]any {
	return map[string]any{
		"company_id": c.Set.companyID, "db": c.Set.db, "session_id": sessionID, "uid": acc.UID,
		"name": acc.Name, "surname": acc.Surname, "username": acc.Login,
		"user_context": map[string]any{"lang": acc.Lang, "tz": acc.TZ, "uid": acc.UID},
	}
}

// signin (S1): the same failure for an unknown login, a wrong password or
// bad arguments; success starts a new session (S2) with the M1 fields.
func (c *Call) signin() Reply {
	// The failure's text is the contract's fixed text (S1).
	fail := Reply{Variant: variantError}
	if len(c.ArgViolations) > 0 {
		return fail
	}
	login, _ := c.Params["login"].(string)
	password, _ := c.Params["password"].(string)
	acc, ok, err := c.NS.AuthenticateRead(c.Read, login, password)
	if err != nil { // an outage is not a wrong password (issue 19)
		return Reply{Err: err}
	}
	if !ok {
		return fail
	}
	sess, err := c.NS.StartSessionFor(acc)
	if state.Failure(err) != nil {
		return Reply{Err: err}
	}
	if err != nil { // the account vanished between the two calls (a reset)
		return fail
	}
	return Reply{Variant: VariantSuccess, Known: c.signinResult(acc, sess.ID), Cookie: c.Set.session.CookieFor(sess.ID)}
}

// logout (S3): ends the session the request carries, always succeeds, clears
// the cookie.
func (c *Call) logout() Reply {
	for _, id := range c.Set.session.IDs(c.Request, c.Params) {
		if _, err := c.NS.EndSessionErr(id); err != nil {
			return Reply{Err: err} // the session may still be live: no cleared cookie
		}
	}
	return Reply{Variant: VariantSuccess, Cookie: c.Set.session.Cleared()}
}

// resetPassword (S4): success for any well-formed email, existing or not
// (no account enumeration); an outbox message when the account exists.
func (c *Call) resetPassword() Reply {
	if len(c.ArgViolations) > 0 {
		return Reply{Variant: variantError, Known: map[string]any{"message": c.Set.message(c.Op, c.ArgViolations[0])}}
	}
	login, _ := c.Params["login"].(string)
	if _, _, err := c.NS.RequestResetErr(login); err != nil {
		return Reply{Err: err}
	}
	return Reply{Variant: VariantSuccess}
}

// getCountries (S6): the active countries, encoded once.
func (c *Call) getCountries() Reply {
	c.Op.once.Do(func() {
		vr, _ := c.Op.Variant(VariantSuccess)
		var list any
		if err := json.Unmarshal(c.Set.countries, &list); err == nil {
			c.Op.body, _ = c.Op.Encode(vr, schemas.ShapeBare, nil, list)
		}
	})
	return Reply{Variant: VariantSuccess, Raw: c.Op.body}
}

// FieldError is one entry of signup's errors (S5).
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// signupErrors is what the mock knows of S5's error result.
func signupErrors(errs map[string]FieldError) map[string]any {
	m := make(map[string]any, len(errs))
	for k, e := range errs {
		m[k] = map[string]any{"field": e.Field, "message": e.Message}
	}
	return map[string]any{"errors": m}
}

// signup (S5): every problem at once, keyed by field: first what the request
// schema finds (keys from x-error-key), then the checks that need state.
func (c *Call) signup() Reply {
	errs, in, err := c.Set.CheckSignup(c.Op, c.NS, c.Params, c.ArgViolations)
	if err != nil {
		return Reply{Err: err}
	}
	if len(errs) == 0 {
		if _, err := c.NS.Signup(in); state.Failure(err) != nil {
			return Reply{Err: err} // not a field's problem: the store's (issue 19)
		} else if err != nil {
			errs = map[string]FieldError{}
			AddErr(errs, c.Op.ErrorKey(ArgLogin), SignupErrorMessage(err))
		}
	}
	if len(errs) > 0 {
		return Reply{Variant: variantError, Known: signupErrors(errs)}
	}
	return Reply{Variant: VariantSuccess}
}

// CheckSignup runs S5's checks and returns the errors by field and, when
// there are none, the account to create. The control API's account creation
// shares it.
func (s *Set) CheckSignup(op *Operation, ns *state.Namespace, p map[string]any, vs []schemas.Violation) (map[string]FieldError, state.NewAccount, error) {
	errs := map[string]FieldError{}
	bad := map[string]bool{} // arguments with a schema violation
	for _, v := range vs {
		AddErr(errs, v.Field, s.message(op, v))
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
			AddErr(errs, op.ErrorKey(k), fmt.Sprintf("longer than %d characters (the mock's limit, M5)", MaxFieldLength))
			bad[k] = true
		}
	}
	if !bad["password"] && !bad["confirm_password"] && str("password") != str("confirm_password") {
		AddErr(errs, op.ErrorKey("confirm_password"), "password and confirm_password differ")
	}
	if !bad["country"] {
		id, ok := intArg(p["country"])
		if !ok || !s.activeIDs[id] {
			AddErr(errs, op.ErrorKey("country"), "country "+wire.Cut(fmt.Sprint(p["country"]))+" is not the id of an active country")
		}
		in.Country = id
	}
	if !bad["login"] {
		_, exists, err := ns.LookupErr(in.Login)
		if err != nil {
			return nil, state.NewAccount{}, err
		}
		if exists {
			AddErr(errs, op.ErrorKey(ArgLogin), "this email is already registered")
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

// AddErr keeps the first problem of each field: one message a form can show
// under it.
func AddErr(errs map[string]FieldError, key, msg string) {
	if key == "" {
		key = "params"
	}
	if _, dup := errs[key]; !dup {
		errs[key] = FieldError{Field: key, Message: msg}
	}
}

// ArgLogin is the argument signin, signup and reset_password take the
// account's email in: the business logic's name for it.
const ArgLogin = "login"

// SignupErrorMessage is the field error of an account the store refused
// to create (a login registered meanwhile, S5).
func SignupErrorMessage(err error) string {
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

// AccountOperation is the operation that creates accounts (signup, S5),
// by the binding table; nil when the contract has none.
func (s *Set) AccountOperation() *Operation {
	for _, o := range s.contract.Operations() {
		if op := s.ByID[o.ID]; op.CreatesAccounts {
			return op
		}
	}
	return nil
}

// FirstError is the operation's first documented error variant.
func FirstError(o schemas.Operation) (schemas.Variant, bool) {
	for _, v := range o.Variants {
		if v.Error {
			return v, true
		}
	}
	return schemas.Variant{}, false
}

// ViolationText lists violations for an error message, bounded.
func ViolationText(vs []schemas.Violation) string {
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
