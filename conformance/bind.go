package conformance

import (
	"github.com/nebeus/nebeus-contract/schemas"
)

// The business rules (S1..S6) are bound to the contract's operations here,
// by id: the one place the suite names an operation, an argument or a
// result field. Everything else (paths, methods, limits, fixed texts, error
// keys, variants, secrets, decision titles) is read from the contract's
// typed model (schemas/index.json). A rule whose operation the contract
// lacks is not defined; every operation, bound or not, gets the generic
// specs (specs_generic.go).

// Operation ids the business rules speak of.
const (
	opSignin    = "signin"
	opLogout    = "logout"
	opReset     = "reset_password"
	opSignup    = "signup"
	opCountries = "get_countries"
)

// Argument and result names the business rules speak of.
const (
	// argLogin and argPassword are signin's, reset_password's and signup's
	// account arguments (S1, S4, S5).
	argLogin    = "login"
	argPassword = "password"
	// argConfirm must equal argPassword (S5), and argCountry name an active
	// country (S5, S6).
	argConfirm = "confirm_password"
	argCountry = "country"
	// The fields of signin's result S1 and S2 compare, and a country's id
	// (S6: unique).
	fieldUID        = "/uid"
	fieldContextUID = "/user_context/uid"
	fieldSession    = "/session_id"
	fieldCountryID  = "id"
	// fieldErrors is signup's error result keyed by error key (S5).
	fieldErrors = "/errors"
)

// binding is what the business rules of one operation add to the suite.
type binding struct {
	// specs defines the operation's business-rule specs.
	specs func(s *suite, op schemas.Operation)
	// negative defines the spec of one bad input derived from the model
	// (negative.go); nil: the generic expectation (success or a clean
	// rejection).
	negative func(s *suite, op schemas.Operation, n negative)
	// needs are the other operations its specs call; without one of them
	// the operation's business specs are not defined.
	needs []string
	// args are the arguments its specs send by name; without one of them
	// its business specs are not defined.
	args []string
	// derived are the arguments whose valid values come from elsewhere (a
	// copy of another argument, an id another operation lists): the
	// partitions derived from the model leave them to the business specs.
	derived []string
}

// copies are the arguments whose valid value is another's (S5:
// confirm_password must equal password): every request the suite builds,
// valid or not, sends the same value in both, so a problem with the one
// is never hidden behind a mismatch with the other.
var copies = map[string]string{argConfirm: argPassword}

// bindings binds business rules to operations by id. (A function, not a
// variable: the specs it names look bindings up themselves.)
func bindings() map[string]binding {
	return map[string]binding{
		opSignin:    {specs: (*suite).defineSignin, negative: (*suite).signinNegative, args: []string{argLogin, argPassword}},
		opLogout:    {specs: (*suite).defineLogout}, // S2's carriers come from the model's Session
		opReset:     {specs: (*suite).defineResetPassword, negative: (*suite).resetNegative, args: []string{argLogin}},
		opSignup:    {specs: (*suite).defineSignup, negative: (*suite).signupNegative, needs: []string{opCountries}, args: []string{argLogin, argPassword, argConfirm, argCountry}, derived: []string{argConfirm, argCountry}},
		opCountries: {specs: (*suite).defineGetCountries},
	}
}

// bound returns the binding of op when the contract has everything its
// specs use.
func (s *suite) bound(op schemas.Operation) (binding, bool) {
	b, ok := bindings()[op.ID]
	if !ok || !op.JSONRPC() {
		return binding{}, false
	}
	for _, a := range b.args {
		if _, ok := op.Argument(a); !ok {
			return binding{}, false
		}
	}
	for _, n := range b.needs {
		if !s.has(n) {
			return binding{}, false
		}
	}
	return b, true
}

// bindable reports whether the operation id has its business specs (its
// binding and all it needs).
func (s *suite) bindable(id string) bool {
	op, ok := s.contract.Operation(id)
	if !ok {
		return false
	}
	_, ok = s.bound(op)
	return ok
}

// has reports whether the contract has every operation in ids, with the
// business rules' arguments (so a spec calling them can be defined).
func (s *suite) has(ids ...string) bool {
	for _, id := range ids {
		op, ok := s.contract.Operation(id)
		if !ok || !op.JSONRPC() {
			return false
		}
		for _, a := range bindings()[id].args {
			if _, ok := op.Argument(a); !ok {
				return false
			}
		}
	}
	return true
}

// op returns the operation with id (one the caller checked with has).
func (s *suite) op(id string) schemas.Operation {
	o, ok := s.contract.Operation(id)
	if !ok {
		panic("conformance: no operation " + id)
	}
	return o
}
