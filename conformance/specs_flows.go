package conformance

import (
	"context"

	. "github.com/onsi/ginkgo/v2"

	"github.com/nebeus/nebeus-contract/schemas"
)

// defineAccountFlows registers the flows that create accounts (mutating):
// signup, then signin, sessions and logout with the new account, a
// duplicate signup and reset_password for an account that exists. The
// container is Ordered: once signup fails, what depends on it is skipped
// (and the summary lists each skipped spec with the failure that caused
// it).
func (s *suite) defineAccountFlows() {
	if !s.has(opSignup, opSignin, opCountries) || !s.bindable(opSignup) {
		return
	}
	signup := s.op(opSignup)
	Describe("account lifecycle", Label(LabelMutating), Ordered, func() {
		// The container's specs depend on each other: one shard runs them all.
		if !s.claim() {
			return
		}
		s.whole = true
		defer func() { s.whole = false }()
		var acct, full account
		var country any
		var countriesCall *exchange

		BeforeAll(func(ctx SpecContext) {
			p := s.probe()
			list := s.expectCountries(ctx, p, s.rpc(opCountries, map[string]any{}))
			p.require(len(list) > 0)
			first, _ := list[0].(map[string]any)
			country = first[fieldCountryID]
			countriesCall = p.calls[len(p.calls)-1]
			p.verify()
		}, NodeTimeout(s.nodeTimeout()))

		s.it("S5 "+signup.ID+" of a new account answers success", func(ctx SpecContext, p *probe) {
			p.replaying(countriesCall)
			params := s.validParams(signup, false)
			params[argCountry] = country
			acct = s.signupAccount(ctx, p, params)
		})

		s.it("S5 "+signup.ID+" with every optional argument answers success", func(ctx SpecContext, p *probe) {
			p.replaying(countriesCall)
			params := s.validParams(signup, true)
			params[argCountry] = country
			full = s.signupAccount(ctx, p, params)
		})

		loginKey := signup.ErrorKey(argLogin)
		s.it("S5 "+signup.ID+" again with the "+argLogin+" in other letter case reports "+loginKey, func(ctx SpecContext, p *probe) {
			p.replaying(acct.made...)
			params := s.validParams(signup, false)
			params[argCountry] = country
			params[argLogin] = swapCase(acct.Login)
			s.expectSignupErrors(ctx, p, params, []string{loginKey}, false)
		})

		s.it("S5 the account signed up with every optional argument can sign in at once", func(ctx SpecContext, p *probe) {
			s.signin(ctx, p, full)
		})

		s.sessionSpecs(func() account { return acct }, false)

		if s.has(opReset) {
			s.it("S4 "+opReset+" for an existing account answers success", func(ctx SpecContext, p *probe) {
				p.replaying(acct.made...)
				s.expectResetSuccess(ctx, p, acct.Login)
			})
		}
	})
}

// signupAccount signs up with params, which must succeed (S5), and returns
// the account, with the calls that made it.
func (s *suite) signupAccount(ctx context.Context, p *probe, params map[string]any) account {
	GinkgoHelper()
	ex := s.expectSignupSuccess(ctx, p, params)
	login, _ := params[argLogin].(string)
	pw, _ := params[argPassword].(string)
	return account{Login: login, Password: pw, made: p.history(ex)}
}

// expectSignupSuccess sends a signup that must succeed (S5).
func (s *suite) expectSignupSuccess(ctx context.Context, p *probe, params map[string]any) *exchange {
	GinkgoHelper()
	op := s.op(opSignup)
	ex := p.do(ctx, s.rpc(op.ID, params))
	v, ok := p.answer(ex)
	p.require(ok)
	out, ok := p.documented(ex, v, anyVariant(op)...)
	p.require(ok)
	if variantIsError(op, out.Variant) {
		p.fail(ex, "S5", "", op.ID+" to succeed: every argument is valid ("+s.redact(jsonText(params))+")", "the "+out.Variant+" variant: "+jsonText(out.Result))
		p.require(false)
	}
	return ex
}

// anyVariant names every documented variant of op: an answer that is
// documented but the wrong one is judged by the business rule, not by
// the shape.
func anyVariant(op schemas.Operation) []string {
	var out []string
	for _, vr := range op.Variants {
		out = append(out, vr.Name)
	}
	return out
}
