package conformance

import (
	"slices"

	. "github.com/onsi/ginkgo/v2"

	"github.com/nebeus/nebeus-contract/schemas"
)

// definePartitions registers, for the operations with business rules, one
// spec per valid partition of their arguments (partitions.go): each
// boundary, each form of a format, each kind of text must be accepted.
//   - signup, readonly: sent with a base problem (a required argument left
//     out), the answer reports the base problem and nothing under the
//     partition's key: the value itself is no problem (S5);
//   - signup, mutating: sent alone, it succeeds; an account made with a
//     boundary or a form of its login or password then signs in (S5: at
//     once);
//   - reset_password, readonly: every well-formed email succeeds (S4);
//   - signin, readonly: every well-formed email of no account fails with
//     S1's one text, never a rejection.
//
// The invalid side of every boundary is among the negative inputs
// (specs_negative.go).
func (s *suite) definePartitions() {
	if s.bindable(opSignup) && s.has(opCountries) {
		op := s.op(opSignup)
		b, _ := s.bound(op)
		parts := s.partitions(op, b.derived)
		Describe("valid partitions derived from the model", Label(LabelReadonly), func() {
			for _, pt := range parts {
				base := baseProblem(op, pt.Arg)
				if base.Name == "" {
					continue
				}
				s.it("S5 "+op.ID+" with "+pt.String()+" (and "+base.Name+" missing) reports "+base.Key()+" but nothing under "+pt.Arg.Key(), func(ctx SpecContext, p *probe) {
					params := s.partitionParams(ctx, p, op, pt)
					delete(params, base.Name)
					copyValues(params, "")
					s.expectSignupErrorsExactly(ctx, p, params, []string{base.Key()}, []string{pt.Arg.Key()})
				})
			}
		})
		Describe("valid partitions derived from the model, signed up", Label(LabelMutating), func() {
			for _, pt := range parts {
				account := pt.Arg.Name == argLogin || pt.Arg.Name == argPassword
				text := "S5 " + op.ID + " with " + pt.String() + " succeeds"
				if account && s.has(opSignin) {
					text += " and the account signs in"
				}
				s.it(text, func(ctx SpecContext, p *probe) {
					params := s.partitionParams(ctx, p, op, pt)
					a := s.signupAccount(ctx, p, params)
					if account && s.has(opSignin) {
						s.signin(ctx, p, a)
					}
				})
			}
		})
	}
	for _, id := range []string{opReset, opSignin} {
		if !s.bindable(id) {
			continue
		}
		op := s.op(id)
		login, _ := op.Argument(argLogin)
		var forms []partition
		for _, pt := range s.partitions(op, nil) {
			if pt.Arg.Name == argLogin {
				forms = append(forms, pt)
			}
		}
		if len(forms) == 0 && login.Format == "" {
			// signin's login has no format: its forms are signup's.
			for _, f := range s.emailForms() {
				forms = append(forms, partition{Arg: login, What: f.what, Value: f.value})
			}
		}
		Describe(op.ID+" with every form of a well-formed email", Label(LabelReadonly), func() {
			for _, pt := range forms {
				if id == opReset {
					s.it("S4 "+op.ID+" with "+pt.String()+" answers success", func(ctx SpecContext, p *probe) {
						s.expectResetSuccess(ctx, p, s.fresh(pt).(string))
					})
					continue
				}
				s.it("S1 "+op.ID+" with "+pt.String()+" and no such account fails with the same text", func(ctx SpecContext, p *probe) {
					s.expectSigninFailure(ctx, p, s.rpc(op.ID, map[string]any{argLogin: s.fresh(pt), argPassword: s.password()}))
				})
			}
		})
	}
}

// partitionParams is a valid signup with the partition's value, an
// active country (S6) and every copy (S5's confirm_password) made.
func (s *suite) partitionParams(ctx SpecContext, p *probe, op schemas.Operation, pt partition) map[string]any {
	GinkgoHelper()
	params := s.validParams(op, false)
	params[pt.Arg.Name] = s.fresh(pt)
	copyValues(params, "")
	if _, ok := op.Argument(argCountry); ok && s.has(opCountries) {
		params[argCountry] = s.firstCountry(ctx, p)
	}
	return params
}

// firstCountry is the id of the first active country (S6), fetched once
// per process (get_countries' own specs check every answer).
func (s *suite) firstCountry(ctx SpecContext, p *probe) any {
	GinkgoHelper()
	s.mu.Lock()
	id := s.country
	s.mu.Unlock()
	if id != nil {
		return id
	}
	list := s.expectCountries(ctx, p, s.rpc(opCountries, map[string]any{}))
	p.require(len(list) > 0)
	first, _ := list[0].(map[string]any)
	s.mu.Lock()
	s.country = first[fieldCountryID]
	s.mu.Unlock()
	return first[fieldCountryID]
}

// expectSignupErrorsExactly is expectSignupErrors for a readonly probe of
// a valid value: the keys in want are reported, and none in unwanted.
func (s *suite) expectSignupErrorsExactly(ctx SpecContext, p *probe, params map[string]any, want, unwanted []string) {
	GinkgoHelper()
	errs, ex := s.signupErrors(ctx, p, params, want)
	if ex == nil {
		return
	}
	var bad []string
	for _, k := range unwanted {
		if _, has := errs[k]; has && !slices.Contains(want, k) {
			bad = append(bad, k)
		}
	}
	if len(bad) == 0 {
		p.pass(opSignup, "S5")
		return
	}
	for _, k := range bad {
		p.fail(ex, "S5", "/errors/"+k, "no error under "+k+": the value sent is valid ("+s.redact(jsonText(params))+")", jsonText(errs[k]))
	}
}
