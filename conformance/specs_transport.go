package conformance

import (
	"fmt"
	"net/http"

	. "github.com/onsi/ginkgo/v2"
)

// defineTransport registers the request and envelope rules every
// operation shares: T2's leniencies a client may rely on and T3's id echo.
// Each uses an answer that creates nothing.
func (s *suite) defineTransport() {
	Describe("transport", Label("readonly"), func() {
		s.it("T2 a Content-Type with a charset parameter is accepted", func(ctx SpecContext, p *probe) {
			p.refused = "T2"
			r := s.rpc("get_countries", map[string]any{})
			r.ContentType = "application/json; charset=utf-8"
			s.expectCountries(ctx, p, r)
		})

		s.it("T2 a call without method is accepted (the path names the operation)", func(ctx SpecContext, p *probe) {
			p.refused = "T2"
			id := s.nextID()
			r := request{Op: "signin", ID: id, HasID: true, Body: marshal(map[string]any{
				"jsonrpc": "2.0", "id": id,
				"params": map[string]any{"login": s.email(), "password": s.password()},
			})}
			s.expectSigninFailure(ctx, p, r)
		})

		for _, op := range []string{"logout", "get_countries"} {
			s.it("T2 "+op+" accepts a call without params", func(ctx SpecContext, p *probe) {
				p.refused = "T2"
				id := s.nextID()
				r := request{Op: op, ID: id, HasID: true, Body: marshal(map[string]any{"jsonrpc": "2.0", "method": "call", "id": id})}
				if op == "get_countries" {
					s.expectCountries(ctx, p, r)
					return
				}
				ex := s.do(ctx, r)
				v, ok := p.answer(ex)
				p.require(ok)
				p.documented(ex, v, "success")
			})
		}

		// T3: the id comes back as sent, whatever its type, and null when
		// the call has none. Checked on a bare envelope (signin failure)
		// and on an array (logout).
		ids := []struct {
			what  string
			id    any
			hasID bool
		}{
			{"a string id", "nc-id-\u00e9-\"quoted\"", true},
			{"a number id", 1234567, true},
			{"a zero id", 0, true},
			{"no id (null comes back)", nil, false},
		}
		for _, c := range ids {
			for _, op := range []string{"signin", "logout"} {
				s.it("T3 "+op+" echoes "+c.what, func(ctx SpecContext, p *probe) {
					p.refused = "T2" // T2 allows a string, number or null id
					body := map[string]any{"jsonrpc": "2.0", "method": "call", "params": map[string]any{}}
					if op == "signin" {
						body["params"] = map[string]any{"login": s.email(), "password": s.password()}
					}
					if c.hasID {
						body["id"] = c.id
					}
					r := request{Op: op, ID: c.id, HasID: c.hasID, Body: marshal(body)}
					if op == "signin" {
						s.expectSigninFailure(ctx, p, r)
						return
					}
					ex := s.do(ctx, r)
					v, ok := p.answer(ex)
					p.require(ok)
					p.documented(ex, v, "success")
				})
			}
		}

		s.it("T1 every operation answers POST at {base}/{operation}/1.0/json", func(ctx SpecContext, p *probe) {
			for _, o := range s.contract.Operations() {
				ex := s.do(ctx, request{Op: o.ID, Body: []byte(`{"jsonrpc":"2.0","method":"call","params":{},"id":1}`), ID: 1, HasID: true})
				switch {
				case ex.Err != nil:
					p.fail(ex, "T1", "", "an answer at "+o.Path, ex.failure())
				case ex.Status == http.StatusNotFound || ex.Status == http.StatusMethodNotAllowed:
					p.fail(ex, "T1", "", "the operation served at POST "+o.Path, fmt.Sprintf("HTTP %d", ex.Status))
				default:
					p.pass(o.ID, "T1")
				}
			}
		})
	})
}

// expectCountries sends r (a get_countries call) and checks the answer is
// the documented list.
func (s *suite) expectCountries(ctx SpecContext, p *probe, r request) []any {
	ex := s.do(ctx, r)
	v, ok := p.answer(ex)
	p.require(ok)
	out, _ := p.documented(ex, v, "success")
	return out.List
}

// expectSigninFailure sends r (a signin that must fail) and checks S1's
// failure: a bare envelope whose result is the fixed text (the schema's
// const, S1).
func (s *suite) expectSigninFailure(ctx SpecContext, p *probe, r request) {
	ex := s.do(ctx, r)
	v, ok := p.answer(ex)
	p.require(ok)
	p.documented(ex, v, "error")
}
