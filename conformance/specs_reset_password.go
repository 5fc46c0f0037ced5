package conformance

import (
	. "github.com/onsi/ginkgo/v2"

	"github.com/nebeus/nebeus-contract/schemas"
)

// defineResetPassword registers reset_password's readonly spec: success
// for a well-formed email without an account (S4: no account enumeration).
// The existing account's case runs in the account lifecycle (mutating), and
// malformed emails among the derived negative inputs.
func (s *suite) defineResetPassword(op schemas.Operation) {
	Describe(op.ID, Label(LabelReadonly), func() {
		s.it("S4 "+op.ID+" for an unknown well-formed email answers success", func(ctx SpecContext, p *probe) {
			s.expectResetSuccess(ctx, p, s.email())
		})
	})
}

func (s *suite) expectResetSuccess(ctx SpecContext, p *probe, login string) {
	op := s.op(opReset)
	ex := p.do(ctx, s.rpc(op.ID, map[string]any{argLogin: login}))
	v, ok := p.answer(ex)
	p.require(ok)
	p.documented(ex, v, successVariants(op)...)
}
