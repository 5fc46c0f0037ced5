package conformance

import (
	. "github.com/onsi/ginkgo/v2"
)

// defineAccountFlows registers the flows that create accounts (mutating):
// signup, then signin, sessions and logout with the new account, a
// duplicate signup and reset_password for an account that exists. The
// container is Ordered: once signup fails, what depends on it is skipped.
func (s *suite) defineAccountFlows() {
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
			list := s.expectCountries(ctx, p, s.rpc("get_countries", map[string]any{}))
			p.require(len(list) > 0)
			first, _ := list[0].(map[string]any)
			country = first["id"]
			p.verify()
		}, NodeTimeout(s.nodeTimeout()))

		s.it("S5 signup of a new account answers success", func(ctx SpecContext, p *probe) {
			params := s.validParams("signup", false)
			params["country"] = country
			s.expectSignupSuccess(ctx, p, params)
			acct = account{params["login"].(string), params["password"].(string)}
		})

		s.it("S5 signup with every optional argument answers success", func(ctx SpecContext, p *probe) {
			params := s.validParams("signup", true)
			params["country"] = country
			s.expectSignupSuccess(ctx, p, params)
			full = account{params["login"].(string), params["password"].(string)}
		})

		s.it("S5 signup again with the email in other letter case reports email", func(ctx SpecContext, p *probe) {
			params := s.validParams("signup", false)
			params["country"] = country
			params["login"] = swapCase(acct.Login)
			s.expectSignupErrors(ctx, p, params, []string{"email"}, false)
		})

		s.it("S5 the account signed up with every optional argument can sign in at once", func(ctx SpecContext, p *probe) {
			s.signin(ctx, p, full)
		})

		s.sessionSpecs(func() account { return acct })

		s.it("S4 reset_password for an existing account answers success", func(ctx SpecContext, p *probe) {
			s.expectResetSuccess(ctx, p, acct.Login)
		})
	})
}

// expectSignupSuccess sends a signup that must succeed (S5).
func (s *suite) expectSignupSuccess(ctx SpecContext, p *probe, params map[string]any) {
	GinkgoHelper()
	ex := s.do(ctx, s.rpc("signup", params))
	v, ok := p.answer(ex)
	p.require(ok)
	_, ok = p.documented(ex, v, "success")
	p.require(ok)
}
