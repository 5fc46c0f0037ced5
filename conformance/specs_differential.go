package conformance

import (
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"

	. "github.com/onsi/ginkgo/v2"
)

// Differential checks (issue 18, item 8): pairs of requests the contract
// says must be answered alike, compared whole rather than each against the
// documented variant. S1 and S4 forbid account enumeration: a signin
// failure is the same for an unknown login and a wrong password (and for a
// password missing or not a string), a reset_password the same for an
// existing account and a missing one. A documented answer with an extra
// field (a T6 warning on its own) or an extra header on one side only tells
// an attacker which accounts exist: the differential check catches it.
//
// Alike means: the same status, the same media type, the same header names
// between two well-formed requests (values vary: dates, request ids; Date
// and Content-Length are left out, a body's length may differ with its
// id; a malformed request may be flagged in a header), the same cookies
// set, and the
// same body once the envelope's id (which echoes each request's own) is
// taken out.

// The differential specs are labelled LabelDifferential beside
// LabelMutating: they create the account they compare.

// defineDifferential registers the differential specs.
func (s *suite) defineDifferential() {
	if !s.bindable(opSignup) {
		return
	}
	Describe("differential: answered alike", Label(LabelMutating, LabelDifferential), func() {
		if s.has(opSignin) {
			signin := s.op(opSignin)
			s.it("S1 "+signin.ID+" fails alike for a wrong password, an unknown login, a missing and a non-string password", func(ctx SpecContext, p *probe) {
				a := s.newAccount(ctx, p)
				reqs := []struct {
					what   string
					params map[string]any
				}{
					{"an existing account with a wrong password", map[string]any{argLogin: a.Login, argPassword: s.password()}},
					{"an unknown login", map[string]any{argLogin: s.email(), argPassword: s.password()}},
					{"an existing account without a password", map[string]any{argLogin: a.Login}},
					{"an existing account with a number for its password", map[string]any{argLogin: a.Login, argPassword: 12345678}},
				}
				var first *exchange
				for i, r := range reqs {
					ex := p.do(ctx, s.rpc(signin.ID, r.params))
					v, ok := p.answer(ex)
					p.require(ok)
					_, ok = p.documented(ex, v, errorVariants(signin)...)
					p.require(ok)
					if i == 0 {
						first = ex
						continue
					}
					// Header names only between the two well-formed
					// requests: a deployment may flag a malformed one in a
					// header (the mock's X-Mock-Violations).
					s.expectAlike(p, "S1", first, ex, reqs[0].what, r.what, i == 1)
				}
			})
		}
		if s.has(opReset) {
			reset := s.op(opReset)
			s.it("S4 "+reset.ID+" answers alike for an existing account and an unknown email", func(ctx SpecContext, p *probe) {
				a := s.newAccount(ctx, p)
				known := p.do(ctx, s.rpc(reset.ID, map[string]any{argLogin: a.Login}))
				unknown := p.do(ctx, s.rpc(reset.ID, map[string]any{argLogin: s.email()}))
				for _, ex := range []*exchange{known, unknown} {
					v, ok := p.answer(ex)
					p.require(ok)
					_, ok = p.documented(ex, v, successVariants(reset)...)
					p.require(ok)
				}
				s.expectAlike(p, "S4", known, unknown, "an existing account", "an unknown email", true)
			})
		}
	})
}

// newAccount signs up a new account with valid arguments (a country
// get_countries lists: ids are the deployment's) and returns it.
func (s *suite) newAccount(ctx SpecContext, p *probe) account {
	GinkgoHelper()
	op := s.op(opSignup)
	params := s.validParams(op, false)
	if _, ok := op.Argument(argCountry); ok && s.has(opCountries) {
		params[argCountry] = s.firstCountry(ctx, p)
	}
	return s.signupAccount(ctx, p, params)
}

// variesPerAnswer are the headers whose presence may differ between two
// answers alike: a body's length varies with the id it echoes.
var variesPerAnswer = []string{"Date", "Content-Length"}

// expectAlike checks that b, the answer for whatB, is answered as a, the
// answer for whatA (dec: the decision demanding it); the first difference
// is the finding. Header names are compared when headers is set.
func (s *suite) expectAlike(p *probe, dec string, a, b *exchange, whatA, whatB string, headers bool) {
	alike := func(what, got, want string) {
		p.fail(b, dec, what, fmt.Sprintf("the answer for %s as for %s: %s (nobody can tell which accounts exist)", whatB, whatA, want), got)
	}
	switch {
	case a.Status != b.Status:
		alike("", fmt.Sprintf("HTTP %d", b.Status), fmt.Sprintf("HTTP %d", a.Status))
		return
	case a.Header.Get("Content-Type") != b.Header.Get("Content-Type"):
		alike("", fmt.Sprintf("Content-Type %q", b.Header.Get("Content-Type")), fmt.Sprintf("Content-Type %q", a.Header.Get("Content-Type")))
		return
	}
	if ha, hb := headerNames(a.Header), headerNames(b.Header); headers && !slices.Equal(ha, hb) {
		alike("", "headers "+strings.Join(hb, ", "), "headers "+strings.Join(ha, ", "))
		return
	}
	if ca, cb := cookieNames(a.Header), cookieNames(b.Header); !slices.Equal(ca, cb) {
		alike("", "cookies set: "+strings.Join(cb, ", "), "cookies set: "+strings.Join(ca, ", "))
		return
	}
	va, erra := a.decode()
	vb, errb := b.decode()
	if erra != nil || errb != nil {
		if string(a.Body) != string(b.Body) {
			alike("", s.snippet(b.Body), s.snippet(a.Body))
			return
		}
		p.pass(b.Req.Op, dec)
		return
	}
	dropIDs(va)
	dropIDs(vb)
	if ptr, ok := firstDifference(va, vb, ""); !ok {
		alike(ptr, jsonText(lookup(vb, ptr)), jsonText(lookup(va, ptr)))
		return
	}
	p.pass(b.Req.Op, dec)
}

// headerNames are the names of an answer's headers, sorted, without those
// that vary per answer.
func headerNames(h http.Header) []string {
	var out []string
	for k := range h {
		if !slices.Contains(variesPerAnswer, http.CanonicalHeaderKey(k)) {
			out = append(out, http.CanonicalHeaderKey(k))
		}
	}
	sort.Strings(out)
	return out
}

// cookieNames are the names of the cookies an answer sets, sorted.
func cookieNames(h http.Header) []string {
	var out []string
	for _, c := range (&http.Response{Header: h}).Cookies() {
		out = append(out, c.Name)
	}
	sort.Strings(out)
	return out
}

// dropIDs takes the envelope's id out of an answer (bare or in an array):
// it echoes each request's own.
func dropIDs(v any) {
	switch x := v.(type) {
	case map[string]any:
		if _, ok := x["jsonrpc"]; ok {
			delete(x, "id")
		}
	case []any:
		for _, e := range x {
			dropIDs(e)
		}
	}
}

// firstDifference is the JSON pointer of the first place a and b differ
// (keys in order), false when they differ.
func firstDifference(a, b any, ptr string) (string, bool) {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return ptr, false
		}
		keys := make([]string, 0, len(x)+len(y))
		for k := range x {
			keys = append(keys, k)
		}
		for k := range y {
			if _, ok := x[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			ea, oka := x[k]
			eb, okb := y[k]
			p := ptr + "/" + strings.NewReplacer("~", "~0", "/", "~1").Replace(k)
			if oka != okb {
				return p, false
			}
			if d, ok := firstDifference(ea, eb, p); !ok {
				return d, false
			}
		}
		return "", true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return ptr, false
		}
		for i := range x {
			if d, ok := firstDifference(x[i], y[i], fmt.Sprintf("%s/%d", ptr, i)); !ok {
				return d, false
			}
		}
		return "", true
	}
	if !sameJSON(a, b) {
		return ptr, false
	}
	return "", true
}
