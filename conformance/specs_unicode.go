package conformance

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
)

// Unicode in logins (issue 18, item 8): people sign in with the address
// they have, in the script they write. signin's login is a string (no
// email format: an address with a Unicode local part, RFC 6531, or an
// internationalised domain is one a client may send), and S1 fails an
// unknown login alike whatever its script: a text of its own for some
// scripts (a domain check before the lookup, a driver that chokes on
// four-byte UTF-8) tells a caller which logins are looked up at all.
// Readonly: the logins are unique to the run, no account has them, and the
// given --login is never sent.

// unicodeLogins are the local parts and domains of addresses no account
// has, in the scripts real users type; an empty domain is the run's
// --email-domain.
var unicodeLogins = []struct{ what, local, domain string }{
	{"Latin accents", "jos\u00e9.\u00f1and\u00fa", ""},
	{"CJK characters", "\u7528\u6237", ""},
	{"Cyrillic letters", "\u043f\u043e\u043b\u044c\u0437\u043e\u0432\u0430\u0442\u0435\u043b\u044c", ""},
	{"an emoji in the local part", "nc\U0001F600", ""},
	{"an internationalised domain", "nc", "b\u00fccher.example"},
}

// defineUnicodeLogins registers, for each script, a signin of an unknown
// login in it compared whole with a signin of an unknown ASCII login
// (expectAlike, as the differential pairs compare).
func (s *suite) defineUnicodeLogins() {
	if !s.has(opSignin) || !s.bindable(opSignin) {
		return
	}
	op := s.op(opSignin)
	Describe("Unicode in logins", Label(LabelReadonly), func() {
		for _, u := range unicodeLogins {
			s.it("S1 "+op.ID+" fails an unknown login with "+u.what+" as an unknown ASCII login", func(ctx SpecContext, p *probe) {
				ascii := p.do(ctx, s.rpc(op.ID, map[string]any{argLogin: s.email(), argPassword: s.password()}))
				v, ok := p.answer(ascii)
				p.require(ok)
				_, ok = p.documented(ascii, v, errorVariants(op)...)
				p.require(ok)
				domain := u.domain
				if domain == "" {
					domain = s.opts.EmailDomain
				}
				// Unique to the run, as s.email() is.
				local, _, _ := strings.Cut(strings.TrimPrefix(s.email(), "nc-"), "@")
				login := u.local + "-" + local + "@" + domain
				ex := p.do(ctx, s.rpc(op.ID, map[string]any{argLogin: login, argPassword: s.password()}))
				v, ok = p.answer(ex)
				p.require(ok)
				_, ok = p.documented(ex, v, errorVariants(op)...)
				p.require(ok)
				s.expectAlike(p, "S1", ascii, ex, "an unknown ASCII login", "an unknown login with "+u.what, true)
			})
		}
	})
}
