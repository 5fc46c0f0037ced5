package conformance

import (
	"maps"

	. "github.com/onsi/ginkgo/v2"
)

// defineNegative registers one spec per negative input derived from the
// request schemas (negative.go). What each must get:
//   - signin: S1's failure, the same text for every bad input (S1 names
//     missing and non-string arguments), since the login is unknown anyway;
//   - reset_password: S4's error for an invalid login; for an edge value
//     any documented answer;
//   - signup: S5's error naming the argument's key (x-error-key) when the
//     value is invalid, or a clean rejection (T5). Every signup here also
//     leaves out another required argument (the "base problem"), so none
//     can create an account: the specs stay readonly, and S5's "every
//     problem together" is checked on each;
//   - logout: success (S3: always) or a clean rejection.
//
// None may get a 5xx or hang past the timeout (T5).
func (s *suite) defineNegative() {
	Describe("negative inputs derived from the request schemas", Label("readonly"), func() {
		for _, o := range s.contract.Operations() {
			for _, n := range s.negatives(o.ID) {
				switch o.ID {
				case "signin":
					s.it("S1 signin with "+n.String()+" fails with the same text", func(ctx SpecContext, p *probe) {
						params := map[string]any{"login": s.email(), "password": s.password()}
						n.apply(params)
						s.expectSigninFailure(ctx, p, s.rpc("signin", params))
					})
				case "reset_password":
					text := "S4 reset_password with " + n.String() + " answers a documented outcome"
					if n.Invalid {
						text = "S4 reset_password with " + n.String() + " answers the error"
					}
					s.it(text, func(ctx SpecContext, p *probe) {
						params := map[string]any{"login": s.email()}
						n.apply(params)
						ex := s.do(ctx, s.rpc("reset_password", params))
						v, ok := p.answer(ex)
						p.require(ok)
						if n.Invalid {
							p.documented(ex, v, "error")
						} else {
							p.documented(ex, v)
						}
					})
				case "signup":
					s.defineSignupNegative(n)
				default:
					s.it("S3 "+o.ID+" with "+n.String()+" answers success or a clean rejection", func(ctx SpecContext, p *probe) {
						params := map[string]any{}
						n.apply(params)
						ex := s.do(ctx, s.rpc(o.ID, params))
						if cleanRejection(ex) {
							p.rejected(ex, "T5", n.String())
							return
						}
						v, ok := p.answer(ex)
						p.require(ok)
						p.documented(ex, v)
					})
				}
			}
		}
	})
}

func (s *suite) defineSignupNegative(n negative) {
	// The base problem: the first required argument other than n's, under
	// another key, left out.
	var base argument
	for _, a := range s.arguments("signup") {
		if a.Required && a.Name != n.Arg.Name && a.Field != n.Arg.Field {
			base = a
			break
		}
	}
	keys := []string{base.Field}
	text := "S5 signup with " + n.String() + " (and " + base.Name + " missing) reports " + base.Field
	if n.Invalid {
		keys = appendKey(keys, n.Arg.Field)
		text += " and " + n.Arg.Field
	}
	s.it(text+" together", func(ctx SpecContext, p *probe) {
		params := s.validParams("signup", false)
		delete(params, base.Name)
		n.apply(params)
		s.expectSignupErrors(ctx, p, maps.Clone(params), keys, true)
	})
}

// apply sets or removes the negative's argument in params.
func (n negative) apply(params map[string]any) {
	if n.Missing {
		delete(params, n.Arg.Name)
		return
	}
	params[n.Arg.Name] = n.Value
}
