package conformance

import (
	. "github.com/onsi/ginkgo/v2"
)

// defineAccountFlows registers the flows that create accounts (mutating):
// signup, then signin, sessions and logout with the new account, a
// duplicate signup and reset_password for an account that exists. The
// container is Ordered: once signup fails, what depends on it is skipped.
func (s *suite) defineAccountFlows() {
	if !s.has(opSignup, opSignin, opCountries) || !s.bindable(opSignup) {
		return
	}
	signup := s.op(opSignup)
	Describe("account lifecycle", Label("mutating"), Ordered, func() {
		// The container's specs depend on each other: one shard runs them all.
		if !s.claim() {
			return
		}
		s.whole = true
		defer func() { s.whole = false }()
		var acct, full account
		var country any

		BeforeAll(func(ctx SpecContext) {
			p := s.probe()
			list := s.expectCountries(ctx, p, s.rpc(opCountries, map[string]any{}))
			p.require(len(list) > 0)
			first, _ := list[0].(map[string]any)
			country = first[fieldCountryID]
			p.verify()
		}, NodeTimeout(s.nodeTimeout()))

		s.it("S5 "+signup.ID+" of a new account answers success", func(ctx SpecContext, p *probe) {
			params := s.validParams(signup, false)
			params[argCountry] = country
			s.expectSignupSuccess(ctx, p, params)
			acct = account{params[argLogin].(string), params[argPassword].(string)}
		})

		s.it("S5 "+signup.ID+" with every optional argument answers success", func(ctx SpecContext, p *probe) {
			params := s.validParams(signup, true)
			params[argCountry] = country
			s.expectSignupSuccess(ctx, p, params)
			full = account{params[argLogin].(string), params[argPassword].(string)}
		})

		loginKey := signup.ErrorKey(argLogin)
		s.it("S5 "+signup.ID+" again with the "+argLogin+" in other letter case reports "+loginKey, func(ctx SpecContext, p *probe) {
			params := s.validParams(signup, false)
			params[argCountry] = country
			params[argLogin] = swapCase(acct.Login)
			s.expectSignupErrors(ctx, p, params, []string{loginKey}, false)
		})

		s.it("S5 the account signed up with every optional argument can sign in at once", func(ctx SpecContext, p *probe) {
			s.signin(ctx, p, full)
		})

		s.sessionSpecs(func() account { return acct })

		if s.has(opReset) {
			s.it("S4 "+opReset+" for an existing account answers success", func(ctx SpecContext, p *probe) {
				s.expectResetSuccess(ctx, p, acct.Login)
			})
		}
	})
}

// expectSignupSuccess sends a signup that must succeed (S5).
func (s *suite) expectSignupSuccess(ctx SpecContext, p *probe, params map[string]any) {
	GinkgoHelper()
	op := s.op(opSignup)
	ex := s.do(ctx, s.rpc(op.ID, params))
	v, ok := p.answer(ex)
	p.require(ok)
	_, ok = p.documented(ex, v, successVariants(op)...)
	p.require(ok)
}
