package ops

import (
	"encoding/json"
	"net/http"

	"github.com/nebeus/nebeus-contract/mockserver/state"
	"github.com/nebeus/nebeus-contract/schemas"
)

// NewCall is the call of op that a request makes once accepted: obj is its
// body (a JSON object), params its arguments (by name, nil when absent),
// violations what the request schema found, read the state reads started
// ahead (Operation.ReadAhead; nil: none).
func (s *Set) NewCall(op *Operation, r *http.Request, ns *state.Namespace, id json.RawMessage, read *state.AccountRead,
	obj, params map[string]any, violations []schemas.Violation) *Call {
	c := &Call{Set: s, Op: op, Request: r, NS: ns, ID: id, Read: read}
	c.Params = params
	c.ArgViolations = ParamFailures(violations)
	if c.Params == nil {
		c.Params = map[string]any{}
		if !op.ParamsOptional {
			// T2: params missing where the operation takes arguments is
			// reported like missing arguments, each under its field.
			norm := make(map[string]any, len(obj)+1)
			for k, x := range obj {
				norm[k] = x
			}
			norm["params"] = c.Params
			nvs, _ := s.contract.ValidateRequest(op.ID, norm)
			c.ArgViolations = ParamFailures(schemas.Failures(nvs))
		}
	}
	return c
}

// Dispatch answers the call: with variant when one is forced (Prefer or a
// fault; never touching state), else with the operation's business logic,
// else, for an operation without rules, with its documented answer. false:
// no rules, arguments that break the request schema and no documented
// error variant, which the caller rejects with -32602 (T5).
func (c *Call) Dispatch(variant string) (Reply, bool) {
	op := c.Op
	switch {
	case variant != "":
		return c.Forced(variant), true // never touches state
	case op.Run != nil:
		return op.Run(c), true
	case len(c.ArgViolations) > 0:
		// No business rules known: arguments that break the request
		// schema get the documented error variant, or a clean -32602
		// rejection when the page documents none (T5).
		if vr, ok := FirstError(op.Operation); ok {
			return c.Forced(vr.Name), true
		}
		return Reply{}, false
	default:
		return c.Forced(DocumentedAnswer(op.Operation)), true
	}
}
