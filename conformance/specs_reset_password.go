package conformance

import (
	. "github.com/onsi/ginkgo/v2"
)

// defineResetPassword registers reset_password's readonly spec: success
// for a well-formed email without an account (S4: no account enumeration).
// The existing account's case runs in the account lifecycle (mutating), and
// malformed emails among the derived negative inputs.
func (s *suite) defineResetPassword() {
	Describe("reset_password", Label("readonly"), func() {
		s.it("S4 reset_password for an unknown well-formed email answers success", func(ctx SpecContext, p *probe) {
			s.expectResetSuccess(ctx, p, s.email())
		})
	})
}

func (s *suite) expectResetSuccess(ctx SpecContext, p *probe, login string) {
	ex := s.do(ctx, s.rpc("reset_password", map[string]any{"login": login}))
	v, ok := p.answer(ex)
	p.require(ok)
	p.documented(ex, v, "success")
}
