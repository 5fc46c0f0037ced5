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
		if op, ok := s.sharedRPC(); ok {
			s.it("T5 a call of an unknown method at "+op.Path+" is rejected", func(ctx SpecContext, p *probe) {
				r := request{Op: op.ID, Body: []byte(`{"jsonrpc": "2.0", "method": "no_such_method", "params": [], "id": 7}`), ID: 7, HasID: true}
				p.rejected(p.do(ctx, r), "T5", "an unknown method")
			})
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
	wrong := s.wrongMethods(o)
	for _, pp := range protocolProbes {
		if pp.method != "" {
			// A method the operation does not take, nor any other the
			// page documents at its path (issue 17: a REST page's PUT and
			// GET share a URL; each is served, neither is a T5 error).
			if len(wrong) == 0 {
				continue
			}
			pp.method, wrong = wrong[0], wrong[1:]
			pp.what = pp.method + " instead of " + o.CallMethod()
		}
		if o.ParamsByPosition && strings.Contains(pp.body, `"params": [`) {
			// An array is what this operation takes (JSON-RPC 2.0 by
			// position): an object is the wrong params here.
			pp.what, pp.body = "params that is not an array", strings.Replace(pp.body, `["x"]`, `{"x": 1}`, 1)
		}
		if o.RPCMethod != "" {
			// Its calls name it (issue 17): the probe is malformed only
			// where it says.
			pp.body = strings.ReplaceAll(pp.body, `"method": "call"`, `"method": `+jsonText(o.RPCMethod))
		}
		s.it("T5 "+o.ID+" rejects "+pp.what, func(ctx SpecContext, p *probe) {
			r := request{Op: o.ID, Method: pp.method, ID: pp.id, HasID: pp.id != nil}
			if pp.body != "" {
				r.Body = []byte(pp.body)
			}
			p.rejected(p.do(ctx, r), "T5", pp.what)
		})
	}
}

// wrongMethods are the HTTP methods no operation at op's path takes (any
// operation whose template the same URL may fill).
func (s *suite) wrongMethods(op schemas.Operation) []string {
	var out []string
	for _, m := range []string{http.MethodGet, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodPost} {
		taken := false
		for _, o := range s.contract.Operations() {
			if o.CallMethod() == m && overlap(o.Path, op.Path) {
				taken = true
				break
			}
		}
		if !taken {
			out = append(out, m)
		}
	}
	return out
}

// overlap reports whether one URL may be an instance of both path
// templates: segment by segment equal, or either a template
// (/{object}/{object_id}/addresses and /companies/{id}/addresses).
func overlap(a, b string) bool {
	as, bs := strings.Split(a, "/"), strings.Split(b, "/")
	if len(as) != len(bs) {
		return false
	}
	for i := range as {
		if as[i] != bs[i] && !strings.HasPrefix(as[i], "{") && !strings.HasPrefix(bs[i], "{") {
			return false
		}
	}
	return true
}

// sharedRPC is an operation selected by its JSON-RPC method (issue 17),
// safe to call under readonly: an unknown method at its URL must be
// rejected, never served as one of them.
func (s *suite) sharedRPC() (schemas.Operation, bool) {
	ops := s.contract.Operations()
next:
	for _, o := range ops {
		if o.RPCMethod == "" || !o.JSONRPC() {
			continue
		}
		for _, other := range ops {
			if other.Method == o.Method && other.Path == o.Path && other.RPCMethod == "" {
				continue next // it takes the calls no method selects
			}
		}
		return o, true
	}
	return schemas.Operation{}, false
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
