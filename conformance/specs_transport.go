package conformance

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"

	"github.com/nebeus/nebeus-contract/schemas"
)

// defineTransport registers the request and envelope rules every
// operation shares: T2's leniencies a client may rely on and T3's id echo.
// Each uses an answer that creates nothing.
func (s *suite) defineTransport() {
	Describe("transport", Label(LabelReadonly), func() {
		if s.has(opCountries) {
			s.it("T2 a Content-Type with a charset parameter is accepted", func(ctx SpecContext, p *probe) {
				p.refused = "T2"
				r := s.rpc(opCountries, map[string]any{})
				r.ContentType = jsonMediaType + "; charset=utf-8"
				s.expectCountries(ctx, p, r)
			})
		}

		if s.has(opSignin) {
			s.it("T2 a call without method is accepted (the path names the operation)", func(ctx SpecContext, p *probe) {
				p.refused = "T2"
				id := s.nextID()
				r := request{Op: opSignin, ID: id, HasID: true, Body: marshal(map[string]any{
					"jsonrpc": "2.0", "id": id,
					"params": map[string]any{argLogin: s.email(), argPassword: s.password()},
				})}
				s.expectSigninFailure(ctx, p, r)
			})
		}

		// T2: JSON as any JSON encoder may write it: indented, keys in
		// another order, strings with escapes. Checked on logout (S3: it
		// always succeeds).
		if s.has(opLogout) {
			bodies := []struct{ what, body string }{
				{"a pretty-printed call", "{\n  \"jsonrpc\": \"2.0\",\n  \"method\": \"call\",\n  \"params\": {},\n  \"id\": %q\n}\n"},
				{"a call with its keys in another order", `{"params":{},"id":%q,"method":"call","jsonrpc":"2.0"}`},
				{"a call whose strings use JSON escapes", `{"jsonrpc":"2\u002e0","method":"c\u0061ll","params":{},"id":%q}`},
			}
			for _, b := range bodies {
				s.it("T2 "+b.what+" is accepted", func(ctx SpecContext, p *probe) {
					p.refused = "T2"
					id := fmt.Sprintf("nc-%s-\u00e9-%d", s.opts.RunID, s.seq.Add(1))
					body := fmt.Sprintf(b.body, id)
					if strings.Contains(b.body, `\u002e`) {
						body = strings.Replace(body, "\u00e9", `\u00e9`, 1) // keep the escape in the id too
					}
					s.expectLogout(p, p.do(ctx, request{Op: opLogout, ID: id, HasID: true, Body: []byte(body)}))
				})
			}
		}

		// T2: params may be omitted where no argument is required; checked
		// on every such operation safe to call.
		for _, op := range s.contract.Operations() {
			if !op.JSONRPC() || !op.ParamsOptional || !op.Safe {
				continue
			}
			s.it("T2 "+op.ID+" accepts a call without params", func(ctx SpecContext, p *probe) {
				p.refused = "T2"
				id := s.nextID()
				r := request{Op: op.ID, ID: id, HasID: true, Body: marshal(map[string]any{"jsonrpc": "2.0", "method": s.rpcMethod(op.ID), "id": id})}
				ex := p.do(ctx, r)
				v, ok := p.answer(ex)
				p.require(ok)
				p.documented(ex, v, successVariants(op)...)
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
			{"a negative id", -7, true},
			{"an id beyond float64's precision", json.Number("9007199254740993"), true},
			{"an empty string id", "", true},
			{"an explicit null id", nil, true},
			{"no id (null comes back)", nil, false},
		}
		for _, c := range ids {
			for _, op := range []string{opSignin, opLogout} {
				if !s.has(op) {
					continue
				}
				s.it("T3 "+op+" echoes "+c.what, func(ctx SpecContext, p *probe) {
					p.refused = "T2" // T2 allows a string, number or null id
					body := map[string]any{"jsonrpc": "2.0", "method": "call", "params": map[string]any{}}
					if op == opSignin {
						body["params"] = map[string]any{argLogin: s.email(), argPassword: s.password()}
					}
					if c.hasID {
						body["id"] = c.id
					}
					r := request{Op: op, ID: c.id, HasID: c.hasID, Body: marshal(body)}
					if op == opSignin {
						s.expectSigninFailure(ctx, p, r)
						return
					}
					ex := p.do(ctx, r)
					v, ok := p.answer(ex)
					p.require(ok)
					p.documented(ex, v, successVariants(s.op(op))...)
				})
			}
		}

		// T1: each operation safe to call, or whose business rules make an
		// empty call harmless, is served at its method and path; the others
		// are checked by their generic specs (specs_generic.go).
		var served []schemas.Operation
		for _, o := range s.contract.Operations() {
			if s.callable(o) {
				served = append(served, o)
			}
		}
		s.it("T1 every operation answers at {base} followed by its path in the contract", func(ctx SpecContext, p *probe) {
			for _, o := range served {
				s.expectServed(p, o, p.do(ctx, s.emptyCall(o)))
			}
		})
	})
}

// emptyCall is a call of op with no arguments: a call object with empty
// params, or a plain request to its path (templates from the model).
func (s *suite) emptyCall(o schemas.Operation) request {
	if !o.JSONRPC() {
		return request{Op: o.ID, PathValues: s.pathValues(o), ContentType: "-"}
	}
	return request{Op: o.ID, Body: []byte(`{"jsonrpc":"2.0","method":"call","params":{},"id":1}`), ID: 1, HasID: true}
}

// expectServed checks that ex reached an operation (T1): any answer but
// 404 or 405 will do.
func (s *suite) expectServed(p *probe, o schemas.Operation, ex *exchange) bool {
	switch {
	case ex.Err != nil:
		p.fail(ex, "T1", "", "an answer at "+o.Path, ex.failure())
	case ex.Status == http.StatusNotFound || ex.Status == http.StatusMethodNotAllowed:
		p.fail(ex, "T1", "", "the operation served at "+o.Method+" "+o.Path, fmt.Sprintf("HTTP %d", ex.Status))
	default:
		p.pass(o.ID, "T1")
		return true
	}
	return false
}

// expectCountries sends r (a get_countries call) and checks the answer is
// the documented list.
func (s *suite) expectCountries(ctx SpecContext, p *probe, r request) []any {
	ex := p.do(ctx, r)
	v, ok := p.answer(ex)
	p.require(ok)
	out, _ := p.documented(ex, v, successVariants(s.op(opCountries))...)
	return out.List
}

// expectSigninFailure sends r (a signin that must fail) and checks S1's
// failure: the documented error variant, whose fixed texts (the model's
// consts: the same message every time) its schema demands.
func (s *suite) expectSigninFailure(ctx SpecContext, p *probe, r request) {
	ex := p.do(ctx, r)
	v, ok := p.answer(ex)
	p.require(ok)
	p.documented(ex, v, errorVariants(s.op(opSignin))...)
}
