package conformance

import (
	"maps"

	. "github.com/onsi/ginkgo/v2"

	"github.com/nebeus/nebeus-contract/schemas"
)

// defineNegative registers one spec per negative input derived from the
// model's arguments (negative.go), for the operations with business rules
// (bind.go). What each must get:
//   - signin: S1's failure, the same text for every bad input (S1 names
//     missing and non-string arguments), since the login is unknown anyway;
//   - reset_password: S4's error for an invalid login; for an edge value
//     any documented answer;
//   - signup: S5's error naming the argument's error key (the model's) when
//     the value is invalid, or a clean rejection (T5). Every signup here
//     also leaves out another required argument (the "base problem"), so
//     none can create an account: the specs stay readonly, and S5's "every
//     problem together" is checked on each;
//   - logout: success (S3: always) or a clean rejection.
//
// None may get a 5xx or hang past the timeout (T5). An operation without
// business rules gets its request-validation specs among the generic ones
// (specs_generic.go), labelled by whether it is safe to call.
func (s *suite) defineNegative() {
	Describe("negative inputs derived from the request schemas", Label(LabelReadonly), func() {
		for _, op := range s.contract.Operations() {
			b, ok := s.bound(op)
			if !ok {
				continue
			}
			for _, n := range s.negatives(op) {
				if b.negative != nil {
					b.negative(s, op, n)
				} else {
					s.anyNegative(op, n)
				}
			}
		}
	})
}

// signinNegative: S1's failure, the same text every time.
func (s *suite) signinNegative(op schemas.Operation, n negative) {
	s.it("S1 "+op.ID+" with "+n.String()+" fails with the same text", func(ctx SpecContext, p *probe) {
		params := map[string]any{argLogin: s.email(), argPassword: s.password()}
		n.apply(params)
		s.expectSigninFailure(ctx, p, s.rpc(op.ID, params))
	})
}

// resetNegative: S4's error for an invalid login, any documented answer
// for an edge value.
func (s *suite) resetNegative(op schemas.Operation, n negative) {
	text := "S4 " + op.ID + " with " + n.String() + " answers a documented outcome"
	if n.Invalid {
		text = "S4 " + op.ID + " with " + n.String() + " answers the error"
	}
	s.it(text, func(ctx SpecContext, p *probe) {
		params := map[string]any{argLogin: s.email()}
		n.apply(params)
		ex := p.do(ctx, s.rpc(op.ID, params))
		v, ok := p.answer(ex)
		p.require(ok)
		if n.Invalid {
			p.documented(ex, v, errorVariants(op)...)
		} else {
			p.documented(ex, v)
		}
	})
}

// anyNegative: a documented answer or a clean rejection (S3's logout).
func (s *suite) anyNegative(op schemas.Operation, n negative) {
	dec := "T5"
	if len(op.Variants) > 0 && op.Variants[0].Decision != "" {
		dec = op.Variants[0].Decision
	}
	s.it(dec+" "+op.ID+" with "+n.String()+" answers success or a clean rejection", func(ctx SpecContext, p *probe) {
		params := map[string]any{}
		n.apply(params)
		ex := p.do(ctx, s.rpc(op.ID, params))
		if cleanRejection(ex) {
			p.rejected(ex, "T5", n.String())
			return
		}
		v, ok := p.answer(ex)
		p.require(ok)
		p.documented(ex, v)
	})
}

// signupNegative: S5's errors, the argument's key and a base problem's
// reported together.
func (s *suite) signupNegative(op schemas.Operation, n negative) {
	base := baseProblem(op, n.Arg)
	keys := []string{base.Key()}
	text := "S5 " + op.ID + " with " + n.String() + " (and " + base.Name + " missing) reports " + base.Key()
	if n.Invalid {
		keys = appendKey(keys, n.Arg.Key())
		text += " and " + n.Arg.Key()
	}
	s.it(text+" together", func(ctx SpecContext, p *probe) {
		params := s.validParams(op, false)
		delete(params, base.Name)
		n.apply(params)
		// A password too short goes with a confirm_password just as short:
		// a mismatch must not hide whether the length is checked (S5).
		copyValues(params, n.Arg.Name)
		s.expectSignupErrors(ctx, p, maps.Clone(params), keys, true)
	})
}

// baseProblem is the argument a readonly signup leaves out so that it
// cannot create an account whatever else it sends: the first required
// argument other than arg, under another key.
func baseProblem(op schemas.Operation, arg schemas.Argument) schemas.Argument {
	for _, a := range op.Arguments {
		if a.Required && a.Name != arg.Name && a.Key() != arg.Key() {
			if _, copied := copies[a.Name]; !copied {
				return a
			}
		}
	}
	return schemas.Argument{}
}

// apply sets or removes the negative's argument in params.
func (n negative) apply(params map[string]any) {
	if n.Missing {
		delete(params, n.Arg.Name)
		return
	}
	params[n.Arg.Name] = n.Value
}
