package conformance

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
)

// protocolProbe is one malformed request of T5, sent to every operation.
type protocolProbe struct {
	what   string
	method string
	body   string
	id     any // the body's id, where a documented answer would echo it
}

// protocolProbes are the malformed requests T5 names. Each must be
// rejected cleanly: any 4xx, or 200 with a JSON-RPC error or a documented
// error variant; never a 5xx, a hang or a 200 that is not JSON.
var protocolProbes = []protocolProbe{
	{what: "a body that is not JSON", body: `{"jsonrpc": "2.0", "method": "call", "params": {`},
	{what: "a JSON array body (a batch)", body: `[{"jsonrpc": "2.0", "method": "call", "params": {}, "id": 1}]`},
	{what: "a JSON body that is not an object", body: `"call"`},
	{what: `jsonrpc "1.0"`, body: `{"jsonrpc": "1.0", "method": "call", "params": {}, "id": 2}`, id: 2},
	{what: "params that is not an object", body: `{"jsonrpc": "2.0", "method": "call", "params": ["x"], "id": 3}`, id: 3},
	{what: "GET instead of POST", method: http.MethodGet},
}

// defineProtocol registers T5's protocol errors for every operation and
// for an unknown operation path.
func (s *suite) defineProtocol() {
	Describe("protocol errors", Label("readonly"), func() {
		for _, o := range s.contract.Operations() {
			for _, pp := range protocolProbes {
				s.it("T5 "+o.ID+" rejects "+pp.what, func(ctx SpecContext, p *probe) {
					r := request{Op: o.ID, Method: pp.method, ID: pp.id, HasID: pp.id != nil}
					if pp.body != "" {
						r.Body = []byte(pp.body)
					}
					p.rejected(s.do(ctx, r), "T5", pp.what)
				})
			}
		}
		s.it("T5 an unknown operation path is rejected", func(ctx SpecContext, p *probe) {
			r := request{Path: "/no_such_operation/1.0/json", Body: []byte(`{"jsonrpc": "2.0", "method": "call", "params": {}, "id": 4}`)}
			p.rejected(s.do(ctx, r), "T5", "an unknown operation")
		})
	})
}
