package conformance

import (
	"fmt"
	"net/http"
	"strings"

	. "github.com/onsi/ginkgo/v2"
)

// defineLimits registers the transport limits at and past their edges
// (issue 18, item 8), at the size the contract's model names (T5: MaxBody,
// the overlay's x-max-body, the limit the mock enforces). A deployment's
// own limit is its choice (T5 fixes none), so at the edge and one byte past
// it the suite demands what T5 demands of any request: a clean answer,
// served as documented or cleanly rejected, never a 5xx, never a hang.
// Both are get_countries calls (readonly), their size made up of
// whitespace between tokens: a failure's curl line stays short (shellQuote
// writes a long run of one character as a printf).
func (s *suite) defineLimits() {
	limit := s.contract.Model().MaxBody
	if limit <= 0 || !s.has(opCountries) {
		return
	}
	Describe("transport limits", Label(LabelReadonly), func() {
		s.it(fmt.Sprintf("T5 a call of exactly the body limit (%d bytes) is answered cleanly", limit), func(ctx SpecContext, p *probe) {
			s.expectServedOrRejected(ctx, p, s.sizedCall(opCountries, limit), fmt.Sprintf("a body of %d bytes, the limit", limit))
		})
		s.it(fmt.Sprintf("T5 a call one byte past the body limit (%d bytes) is answered cleanly", limit+1), func(ctx SpecContext, p *probe) {
			s.expectServedOrRejected(ctx, p, s.sizedCall(opCountries, limit+1), fmt.Sprintf("a body of %d bytes, one past the limit", limit+1))
		})
	})
}

// expectServedOrRejected checks get_countries' answer to r: a 200 that is
// not a JSON-RPC error is its documented success; anything else must be a
// clean rejection (T5).
func (s *suite) expectServedOrRejected(ctx SpecContext, p *probe, r request, what string) {
	ex := p.do(ctx, r)
	if ex.Err == nil && ex.Status == http.StatusOK {
		if v, err := ex.checked().Decode(); err == nil {
			if m, isObj := v.(map[string]any); !isObj || m["error"] == nil {
				v, ok := p.answer(ex)
				p.require(ok)
				p.documented(ex, v, successVariants(s.op(opCountries))...)
				return
			}
		}
	}
	p.rejected(ex, "T5", what)
}

// sizedCall is a call of op without params whose body is exactly n bytes:
// padded with the whitespace JSON allows between tokens (RFC 8259, 2), not
// in the id, which T3 echoes: an answer as long as the call would be one
// the suite does not read whole (MaxBody).
func (s *suite) sizedCall(op string, n int64) request {
	id := fmt.Sprintf("nc-%s-%d", s.opts.RunID, s.seq.Add(1))
	head := `{"jsonrpc":"2.0","method":"call","params":{},"id":"` + id + `"`
	pad := n - int64(len(head)+1)
	if pad < 0 {
		pad = 0 // a limit smaller than a call: the call as it is
	}
	return request{Op: op, Body: []byte(head + strings.Repeat(" ", int(pad)) + "}"), ID: id, HasID: true}
}
