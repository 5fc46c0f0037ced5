package conformance

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"

	. "github.com/onsi/ginkgo/v2"
)

// browserSpec registers the spec that keeps cookies as a browser does:
// every Set-Cookie applied to a net/http/cookiejar (name, path, domain,
// expiry: RFC 6265), then checked by what the jar would send next.
//   - after signin, the jar sends the session cookie, holding the result's
//     session id, to every operation of the contract (S2);
//   - logout sent with the jar's cookies; after it, the jar sends the
//     session id to no operation (S3: the cookie is cleared). A clearing
//     cookie on another path or domain than the session's, or one set
//     again after it, leaves the browser with the session.
func (s *suite) browserSpec(acct func() account) {
	ses := s.session()
	if ses.Cookie == "" || !s.has(opLogout) {
		return
	}
	s.it("S3 a browser's cookie jar sends the session cookie to every operation after "+opSignin+" and drops it at "+opLogout, func(ctx SpecContext, p *probe) {
		jar, _ := cookiejar.New(nil)
		res, ex := s.signin(ctx, p, acct())
		sid, _ := lookup(res, fieldSession).(string)
		jar.SetCookies(mustURL(ex.URL), (&http.Response{Header: ex.Header}).Cookies())
		for _, o := range s.contract.Operations() {
			if !strings.HasPrefix(o.Path, ses.Path) {
				continue // the contract sets the cookie for other paths
			}
			u := mustURL(o.URL(s.opts.BaseURL, s.pathValues(o)))
			if got := jarValue(jar, u, ses.Cookie); got != sid {
				p.fail(ex, "S2", "", "a browser to send "+ses.Cookie+"="+sid+" to "+o.Path+" after "+opSignin+" (Set-Cookie name, path, domain, expiry)", "it sends "+describeCookie(ses.Cookie, got))
			} else {
				p.pass(opSignin, "S2")
			}
		}
		logout := s.op(opLogout)
		r := s.rpc(logout.ID, map[string]any{})
		lu := mustURL(logout.URL(s.opts.BaseURL, nil))
		var pairs []string
		for _, c := range jar.Cookies(lu) {
			pairs = append(pairs, c.Name+"="+c.Value)
		}
		if len(pairs) > 0 {
			r.Header = http.Header{"Cookie": {strings.Join(pairs, "; ")}}
		}
		out := p.do(ctx, r)
		s.expectLogout(p, out)
		jar.SetCookies(mustURL(out.URL), (&http.Response{Header: out.Header}).Cookies())
		for _, o := range s.contract.Operations() {
			u := mustURL(o.URL(s.opts.BaseURL, s.pathValues(o)))
			if got := jarValue(jar, u, ses.Cookie); got == sid && sid != "" {
				p.fail(out, "S3", "", "a browser to send no session to "+o.Path+" after "+opLogout+" (the cookie cleared on the path and domain it was set on)", "it still sends "+ses.Cookie+"="+got+": "+jsonText(out.Header.Values("Set-Cookie")))
			} else {
				p.pass(opLogout, "S3")
			}
		}
	})
}

// jarValue is the value of the cookie named name the jar sends to u ("" none).
func jarValue(jar http.CookieJar, u *url.URL, name string) string {
	for _, c := range jar.Cookies(u) {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

func describeCookie(name, v string) string {
	if v == "" {
		return "no " + name + " cookie"
	}
	return name + "=" + v
}

// mustURL parses a URL the suite built.
func mustURL(raw string) *url.URL {
	u, err := url.Parse(raw)
	if err != nil {
		Fail("conformance: bad URL " + raw)
	}
	return u
}
