package conformance

import (
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"
)

// account is a login and password the suite signs in with.
type account struct {
	Login, Password string
}

// defineSignin registers signin's readonly specs: S1's failure for an
// unknown login, and, with an account given to the run, the session specs.
func (s *suite) defineSignin() {
	Describe("signin", Label("readonly"), func() {
		s.it("S1 signin failure text is the same for an unknown login", func(ctx SpecContext, p *probe) {
			s.expectSigninFailure(ctx, p, s.rpc("signin", map[string]any{"login": s.email(), "password": s.password()}))
		})
		if s.opts.Login != "" {
			Describe("with the account given to the run", func() {
				s.sessionSpecs(func() account { return account{s.opts.Login, s.opts.Password} })
			})
		}
	})
}

// signin signs in and checks the success (S1) and the session it starts
// (S2): user_context.uid equals uid, and the session id is also set as the
// session_id cookie, HttpOnly, SameSite=Lax, Path=/.
func (s *suite) signin(ctx SpecContext, p *probe, a account) (map[string]any, *exchange) {
	GinkgoHelper()
	ex := s.do(ctx, s.rpc("signin", map[string]any{"login": a.Login, "password": a.Password}))
	v, ok := p.answer(ex)
	p.require(ok)
	out, ok := p.documented(ex, v, "success")
	p.require(ok && out.Result != nil)
	res := out.Result
	ptr := "/user_context/uid"
	if env := envelopeOf(v, "array"); env != nil {
		ptr = "/0/result" + ptr
	} else {
		ptr = "/result" + ptr
	}
	uc, _ := res["user_context"].(map[string]any)
	if sameJSON(uc["uid"], res["uid"]) {
		p.pass("signin", "S1")
	} else {
		p.fail(ex, "S1", ptr, "user_context.uid equal to uid "+jsonText(res["uid"]), jsonText(uc["uid"]))
	}
	sid, _ := res["session_id"].(string)
	c := ex.cookie("session_id")
	switch {
	case c == nil:
		p.fail(ex, "S2", "", "a Set-Cookie session_id carrying the session id", "no session_id cookie: "+jsonText(ex.Header.Values("Set-Cookie")))
	case c.Value != sid:
		p.fail(ex, "S2", "", "the session_id cookie equal to the result's session_id "+jsonText(sid), jsonText(c.Value))
	case !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/":
		p.fail(ex, "S2", "", "the session_id cookie HttpOnly, SameSite=Lax, Path=/", jsonText(ex.Header.Values("Set-Cookie")))
	default:
		p.pass("signin", "S2")
	}
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
