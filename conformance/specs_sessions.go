package conformance

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"

	. "github.com/onsi/ginkgo/v2"

	"github.com/nebeus/nebeus-contract/schemas"
	"github.com/nebeus/nebeus-contract/spec/model"
)

// carrier is one way a request carries a session (S2).
type carrier struct {
	name  string
	apply func(s *suite, sid string) request
}

// carriers are S2's ways to carry a session, as the model names them: the
// cookie, the header and logout's session argument.
func (s *suite) carriers() []carrier {
	ses := s.session()
	var cs []carrier
	if ses.Cookie != "" {
		cs = append(cs, carrier{"the " + ses.Cookie + " cookie", func(s *suite, sid string) request {
			r := s.rpc(opLogout, map[string]any{})
			r.Header = http.Header{"Cookie": {ses.Cookie + "=" + sid}}
			return r
		}})
	}
	if ses.Header != "" {
		cs = append(cs, carrier{"the " + ses.Header + " header", func(s *suite, sid string) request {
			r := s.rpc(opLogout, map[string]any{})
			r.Header = http.Header{ses.Header: {sid}}
			return r
		}})
	}
	if ses.Argument != "" {
		cs = append(cs, carrier{"params." + ses.Argument, func(s *suite, sid string) request {
			return s.rpc(opLogout, map[string]any{ses.Argument: sid})
		}})
	}
	return cs
}

// session is how the contract says a session travels (S2); the zero value
// when it says nothing.
func (s *suite) session() model.Session {
	if ses := s.contract.Model().Session; ses != nil {
		return *ses
	}
	return model.Session{}
}

// sessionSpecs registers the specs that sign in with an existing account:
// the success's result (S1), sessions (S2) and logout with each carrier
// (S3). The account comes from acct when the spec runs. given is true for
// the account given to the run (--login): it is only ever signed in with
// its own password and signed out of the sessions the run started, never
// sent a wrong password (a backend that counts failures would lock it; S1's
// failure text is probed with logins that do not exist instead).
func (s *suite) sessionSpecs(acct func() account, given bool) {
	op := s.op(opSignin)
	s.it("S1 "+op.ID+" of an existing account answers the success array with a well-formed result", func(ctx SpecContext, p *probe) {
		s.signin(ctx, p, acct())
	})

	s.it("S1 logins compare case-insensitively at "+op.ID, func(ctx SpecContext, p *probe) {
		a := acct()
		res, _ := s.signin(ctx, p, a)
		swapped := swapCase(a.Login)
		ex := p.do(ctx, s.rpc(op.ID, map[string]any{argLogin: swapped, argPassword: a.Password}))
		v, ok := p.answer(ex)
		p.require(ok)
		out, ok := p.documented(ex, v)
		p.require(ok)
		// A documented failure here is S1's case-insensitivity broken, not
		// a shape problem: judge it before asking for the success shape.
		if variantIsError(op, out.Variant) {
			p.fail(ex, "S1", "", op.ID+" of "+swapped+" to succeed like "+a.Login+" (logins compare case-insensitively)", "the "+out.Variant+" variant: "+jsonText(out.Result))
			return
		}
		if uid, other := lookup(res, fieldUID), lookup(out.Result, fieldUID); sameJSON(uid, other) {
			p.pass(op.ID, "S1")
		} else {
			p.fail(ex, "S1", "", "the "+fieldUID+" of "+a.Login+": "+jsonText(uid), jsonText(other))
		}
	})

	s.it("S2 two signins start two sessions with distinct session ids", func(ctx SpecContext, p *probe) {
		a := acct()
		first, _ := s.signin(ctx, p, a)
		second, ex := s.signin(ctx, p, a)
		if jsonText(lookup(first, fieldSession)) != jsonText(lookup(second, fieldSession)) {
			p.pass(op.ID, "S2")
		} else {
			p.fail(ex, "S2", "", "a "+fieldSession+" other than the first signin's", jsonText(lookup(second, fieldSession)))
		}
	})

	if !given {
		s.it("S1 "+op.ID+" failure text is the same for a wrong password", func(ctx SpecContext, p *probe) {
			a := acct()
			p.replaying(a.made...)
			s.expectSigninFailure(ctx, p, s.rpc(op.ID, map[string]any{argLogin: a.Login, argPassword: a.Password + "-wrong"}))
		})
	}

	if !s.has(opLogout) {
		return
	}
	s.browserSpec(acct)
	for _, c := range s.carriers() {
		s.it("S3 "+opLogout+" with the session as "+c.name+" answers success and clears the cookie, twice", func(ctx SpecContext, p *probe) {
			res, _ := s.signin(ctx, p, acct())
			sid, _ := lookup(res, fieldSession).(string)
			for range 2 { // S3: idempotent
				ex := p.do(ctx, c.apply(s, sid))
				s.expectLogout(p, ex)
				s.expectCookieCleared(p, ex)
			}
		})
	}
}

// expectLogout checks logout's one answer: success (S3).
func (s *suite) expectLogout(p *probe, ex *exchange) {
	GinkgoHelper()
	v, ok := p.answer(ex)
	p.require(ok)
	p.documented(ex, v, successVariants(s.op(opLogout))...)
}

// expectCookieCleared checks that logout cleared the session cookie (S3):
// a Set-Cookie session_id with Max-Age<=0 or an Expires in the past.
func (s *suite) expectCookieCleared(p *probe, ex *exchange) {
	s.checker().CookieCleared(p.rec(ex), ex.checked(), s.session().Cookie)
}

// defineLogout registers logout's readonly specs: success with no session
// and with an unknown one, by each carrier (S3: idempotent).
func (s *suite) defineLogout(op schemas.Operation) {
	Describe(op.ID, Label(LabelReadonly), func() {
		s.it("S3 "+op.ID+" without a session answers success", func(ctx SpecContext, p *probe) {
			s.expectLogout(p, p.do(ctx, s.rpc(op.ID, map[string]any{})))
		})
		for _, c := range s.carriers() {
			s.it("S3 "+op.ID+" with an unknown session as "+c.name+" answers success", func(ctx SpecContext, p *probe) {
				s.expectLogout(p, p.do(ctx, c.apply(s, s.unknownSession())))
			})
		}
	})
}

// unknownSession is a session id no server issued: 128 random bits, made
// up by the run (a report shows it).
func (s *suite) unknownSession() string {
	b := make([]byte, 16)
	rand.Read(b)
	return s.throwaway(hex.EncodeToString(b))
}

// variantIsError reports whether the named variant of op is a documented error.
func variantIsError(op schemas.Operation, name string) bool {
	vr, ok := op.Variant(name)
	return ok && vr.Error
}
