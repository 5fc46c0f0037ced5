package conformance

import (
	"slices"

	. "github.com/onsi/ginkgo/v2"
)

// defineValueForms registers one readonly spec per form of a documented
// value (valueforms.go) that no other spec sends, for every operation with
// arguments:
//   - signup: sent with a base problem, as the partitions are, the answer
//     reports the base problem and nothing under the form's key (S5);
//   - any other operation: sent with fresh values for the rest (a login
//     no account has, a made-up password: the given --login is never
//     sent), the answer is a documented one, success or error, never a 5xx
//     or a protocol error. The forms of signin's and reset_password's
//     login that the partitions send (specs_partitions.go) are left out,
//     their other arguments' partitions are sent here.
func (s *suite) defineValueForms() {
	for _, op := range s.contract.Operations() {
		if !s.bindable(op.ID) || len(op.Arguments) == 0 {
			continue
		}
		b, _ := s.bound(op)
		parts := s.partitions(op, b.derived)
		var forms []partition
		for _, a := range op.Arguments {
			if a.In == "path" || slices.Contains(b.derived, a.Name) {
				continue
			}
			if op.ID != opSignup && !((op.ID == opSignin || op.ID == opReset) && a.Name == argLogin) {
				for _, pt := range parts {
					if pt.Arg.Name == a.Name {
						forms = append(forms, pt)
					}
				}
			}
			forms = append(forms, s.valueForms(op, a)...)
		}
		if len(forms) == 0 {
			continue
		}
		Describe(op.ID+" with every documented form of its values", Label(LabelReadonly), func() {
			for _, f := range forms {
				// T2 (the request body a client may send) unless the
				// argument names its own decision.
				dec := f.Arg.Decision
				if dec == "" {
					dec = "T2"
				}
				if op.ID == opSignup {
					base := baseProblem(op, f.Arg)
					if base.Name == "" || !s.has(opCountries) {
						continue
					}
					s.it("S5 "+op.ID+" with "+f.String()+" (and "+base.Name+" missing) reports "+base.Key()+" but nothing under "+f.Arg.Key(), func(ctx SpecContext, p *probe) {
						params := s.partitionParams(ctx, p, op, f)
						delete(params, base.Name)
						copyValues(params, "")
						s.expectSignupErrorsExactly(ctx, p, params, []string{base.Key()}, []string{f.Arg.Key()})
					})
					continue
				}
				s.it(dec+" "+op.ID+" with "+f.String()+" is answered as documented", func(ctx SpecContext, p *probe) {
					params := s.validParams(op, false)
					for _, a := range op.Arguments {
						switch {
						case a.Name == argLogin:
							params[a.Name] = s.email() // no account's: readonly
						case a.Secret && a.Required:
							params[a.Name] = s.password()
						}
					}
					params[f.Arg.Name] = s.fresh(f) // an email afresh: used once
					copyValues(params, f.Arg.Name)
					ex := p.do(ctx, s.rpc(op.ID, params))
					v, ok := p.answer(ex)
					p.require(ok)
					p.documented(ex, v, append(successVariants(op), errorVariants(op)...)...)
				})
			}
		})
	}
}
