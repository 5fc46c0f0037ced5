package conformance

import (
	"bytes"
	"mime/multipart"
	"net/url"

	. "github.com/onsi/ginkgo/v2"

	"github.com/nebeus/nebeus-contract/spec/model"

	"github.com/nebeus/nebeus-contract/schemas"
)

// defineGeneric registers, for every operation of the contract, business
// rules known or not, the specs its model alone implies:
//   - called with valid arguments built from the model (types, limits,
//     formats, enums; path templates from the model's examples), it
//     answers one of its documented variants: for JSON, HTTP 200 with
//     application/json (T3), the variant's shape (T4) and schema; for a
//     binary variant, HTTP 200 and the variant's media type (T3);
//   - for a JSON-RPC operation, a required argument of the wrong type is
//     cleanly rejected or answered with a documented error (T5).
//
// An operation may have side effects the suite cannot know of (a ticket, a
// message): its specs are labelled mutating, unless the contract marks it
// safe (the overlay's x-safe), then readonly.
func (s *suite) defineGeneric() {
	for _, op := range s.contract.Operations() {
		label := LabelMutating
		if op.Safe {
			label = LabelReadonly
		}
		Describe(op.ID+" (generic, from the contract)", Label(label), func() {
			s.it(decisionOf(op)+" "+op.ID+" called with valid arguments answers a documented variant", func(ctx SpecContext, p *probe) {
				ex := p.do(ctx, s.validCall(op))
				s.expectServed(p, op, ex)
				p.require(p.ok())
				s.expectDocumented(p, op, ex)
			})
			if !op.JSONRPC() {
				return
			}
			for _, a := range op.Arguments {
				if !a.Required {
					continue
				}
				for _, w := range wrongTypes(a.Type, false) {
					what := a.Name + " of the wrong type (" + jsonText(w) + ")"
					s.it("T5 "+op.ID+" with "+what+" is rejected or answered with a documented error", func(ctx SpecContext, p *probe) {
						params := s.validParams(op, false)
						params[a.Name] = w
						p.rejected(p.do(ctx, s.rpc(op.ID, params)), "T5", what)
					})
				}
			}
		})
	}
}

// decisionOf is the decision an operation's answers are checked under:
// its first variant's, T4 without one.
func decisionOf(op schemas.Operation) string {
	for _, vr := range op.Variants {
		if vr.Decision != "" {
			return vr.Decision
		}
	}
	return "T4"
}

// validCall is a call of op with a valid value for every argument: a
// JSON-RPC call object, or a plain request with the path templates and
// the query filled.
func (s *suite) validCall(op schemas.Operation) request {
	params := s.validParams(op, true)
	if op.JSONRPC() {
		return s.rpc(op.ID, params)
	}
	r := request{Op: op.ID, PathValues: s.pathValues(op), Query: query(op, params), ContentType: "-"}
	if op.RequestMediaType != "" {
		r.ContentType, r.Body = formBody(op, params)
	}
	return r
}

// formBody is a plain HTTP operation's form arguments (issue 17) as the
// body its RequestMediaType names, with that Content-Type.
func formBody(op schemas.Operation, params map[string]any) (string, []byte) {
	fields := url.Values{}
	var names []string
	for _, a := range op.Arguments {
		if v, ok := params[a.Name]; ok && a.In == model.InForm {
			fields.Set(a.Name, plain(v))
			names = append(names, a.Name)
		}
	}
	if op.RequestMediaType != model.MediaMultipart {
		return op.RequestMediaType, []byte(fields.Encode())
	}
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for _, n := range names {
		_ = mw.WriteField(n, fields.Get(n)) // into memory: cannot fail
	}
	_ = mw.Close()
	return mw.FormDataContentType(), b.Bytes()
}

// expectDocumented checks that ex is one of op's documented variants.
func (s *suite) expectDocumented(p *probe, op schemas.Operation, ex *exchange) {
	GinkgoHelper()
	if p.binary(ex, op) {
		return
	}
	v, ok := p.answer(ex)
	p.require(ok)
	p.documented(ex, v)
}
