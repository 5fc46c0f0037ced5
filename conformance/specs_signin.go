package conformance

import (
	"context"
	"strings"

	. "github.com/onsi/ginkgo/v2"

	"github.com/nebeus/nebeus-contract/schemas"
)

// account is a login and password the suite signs in with, and the calls
// that made it (its signup: a repro replays them first).
type account struct {
	Login, Password string
	made            []*exchange
}

// defineSignin registers signin's readonly specs: S1's failure for an
// unknown login, and, with an account given to the run, the session specs.
func (s *suite) defineSignin(op schemas.Operation) {
	Describe(op.ID, Label(LabelReadonly), func() {
		s.it("S1 "+op.ID+" failure text is the same for an unknown login", func(ctx SpecContext, p *probe) {
			s.expectSigninFailure(ctx, p, s.rpc(op.ID, map[string]any{argLogin: s.email(), argPassword: s.password()}))
		})
		if s.opts.Login != "" {
			Describe("with the account given to the run", func() {
				s.sessionSpecs(func() account { return account{Login: s.opts.Login, Password: s.opts.Password} }, true)
			})
		}
	})
}

// signin signs in and checks the success (S1) and the session it starts
// (S2): user_context.uid equals uid, and the session id is also set as the
// session_id cookie, HttpOnly, SameSite=Lax, Path=/.
func (s *suite) signin(ctx context.Context, p *probe, a account) (map[string]any, *exchange) {
	GinkgoHelper()
	res, ex := s.signinAs(ctx, p, a, "")
	p.require(res != nil)
	return res, ex
}

// signinAs is signin for an account signed up as login (when it differs
// from a.Login: the same account in other letter case). A documented
// failure is S1's (or S5's "can sign in at once") rule broken, reported as
// such; it returns a nil result.
func (s *suite) signinAs(ctx context.Context, p *probe, a account, login string) (map[string]any, *exchange) {
	GinkgoHelper()
	op := s.op(opSignin)
	p.replaying(a.made...)
	ex := p.do(ctx, s.rpc(op.ID, map[string]any{argLogin: a.Login, argPassword: a.Password}))
	v, ok := p.answer(ex)
	p.require(ok)
	out, ok := p.documented(ex, v, anyVariant(op)...)
	p.require(ok && out.Result != nil)
	if variantIsError(op, out.Variant) {
		why := "the account exists"
		if login != "" && login != a.Login {
			why = "the account exists as " + login + ": logins compare case-insensitively"
		}
		p.fail(ex, "S1", "", op.ID+" of "+a.Login+" to succeed ("+why+")", "the "+out.Variant+" variant: "+jsonText(out.Result))
		return nil, ex
	}
	res := out.Result
	ptr := fieldContextUID
	if env := envelopeOf(v, schemas.ShapeArray); env != nil {
		ptr = "/0/result" + ptr
	} else {
		ptr = "/result" + ptr
	}
	uid, cuid := lookup(res, fieldUID), lookup(res, fieldContextUID)
	if sameJSON(cuid, uid) {
		p.pass(op.ID, "S1")
	} else {
		p.fail(ex, "S1", ptr, fieldContextUID+" equal to "+fieldUID+" "+jsonText(uid), jsonText(cuid))
	}
	sid, _ := lookup(res, fieldSession).(string)
	s.checker().SessionCookie(p.rec(ex), ex.checked(), s.session(), fieldSession, sid)
	return res, ex
}

// swapCase turns a login into the same login in other letter case (S1,
// S5: logins compare case-insensitively).
func swapCase(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case 'a' <= r && r <= 'z':
			r -= 'a' - 'A'
		case 'A' <= r && r <= 'Z':
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}
