package conformance

import (
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"

	"github.com/nebeus/nebeus-contract/schemas"
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
	{what: "params null", body: `{"jsonrpc": "2.0", "method": "call", "params": null, "id": 5}`, id: 5},
	{what: "a body of JSON null", body: `null`},
	{what: "GET instead of POST", method: http.MethodGet},
	{what: "PUT instead of POST", method: http.MethodPut, body: `{"jsonrpc": "2.0", "method": "call", "params": {}, "id": 6}`, id: 6},
}

// defineProtocol registers T5's protocol errors for every JSON-RPC
// operation and for an unknown operation path. An operation without
// business rules and not safe to call gets them under the mutating label:
// a server may answer a malformed call by serving it (that is what T5
// forbids) and so create something.
func (s *suite) defineProtocol() {
	Describe("protocol errors", Label(LabelReadonly), func() {
		for _, o := range s.contract.Operations() {
			if s.callable(o) {
				s.protocolSpecs(o)
			}
		}
		if path, ok := s.unknownPath(); ok {
			s.it("T5 an unknown operation path is rejected", func(ctx SpecContext, p *probe) {
				r := request{Path: path, Body: []byte(`{"jsonrpc": "2.0", "method": "call", "params": {}, "id": 4}`)}
				p.rejected(p.do(ctx, r), "T5", "an unknown operation")
			})
		}
	})
	Describe("protocol errors of operations that may have side effects", Label(LabelMutating), func() {
		for _, o := range s.contract.Operations() {
			if !s.callable(o) {
				s.protocolSpecs(o)
			}
		}
	})
}

// callable reports whether the suite may call op under readonly: it is
// safe (the overlay's x-safe), or its business rules are known (bind.go)
// and the specs call it only in ways that create nothing.
func (s *suite) callable(op schemas.Operation) bool {
	_, bound := s.bound(op)
	return op.Safe || bound
}

func (s *suite) protocolSpecs(o schemas.Operation) {
	if !o.JSONRPC() {
		return
	}
	for _, pp := range protocolProbes {
		s.it("T5 "+o.ID+" rejects "+pp.what, func(ctx SpecContext, p *probe) {
			r := request{Op: o.ID, Method: pp.method, ID: pp.id, HasID: pp.id != nil}
			if pp.body != "" {
				r.Body = []byte(pp.body)
			}
			p.rejected(p.do(ctx, r), "T5", pp.what)
		})
	}
}

// unknownPath is a path no operation is served at, shaped like the
// contract's: a JSON-RPC operation's path with the segment naming it
// replaced.
func (s *suite) unknownPath() (string, bool) {
	for _, o := range s.contract.Operations() {
		if !o.JSONRPC() {
			continue
		}
		segs := strings.Split(o.Path, "/")
		for i, seg := range segs {
			if seg == "" || strings.HasPrefix(seg, "{") || !strings.Contains(o.ID, seg) {
				continue
			}
			segs[i] = "no_such_operation"
			p := strings.Join(segs, "/")
			if _, taken := s.contract.OperationByPath(p); !taken {
				return p, true
			}
			break
		}
	}
	return "", false
}
