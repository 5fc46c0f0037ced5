package conformance

import (
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"
)

// defineLimits registers the transport limits at and past their edges,
// read from the contract's model (T5: MaxBody, the overlay's x-max-body):
// a call of exactly the limit is served, one byte more is cleanly
// rejected (413, or any clean rejection T5 allows), never a 5xx. Both
// are get_countries calls (readonly), their size made up of whitespace
// between tokens: a failure's curl line stays short (shellQuote
// writes a long run of one character as a printf).
func (s *suite) defineLimits() {
	limit := s.contract.Model().MaxBody
	if limit <= 0 || !s.has(opCountries) {
		return
	}
	Describe("transport limits", Label("readonly"), func() {
		s.it(fmt.Sprintf("T5 a call of exactly the body limit (%d bytes) is served", limit), func(ctx SpecContext, p *probe) {
			p.refused = "T5"
			s.expectCountries(ctx, p, s.sizedCall(opCountries, limit))
		})
		s.it(fmt.Sprintf("T5 a call one byte past the body limit (%d bytes) is cleanly rejected", limit+1), func(ctx SpecContext, p *probe) {
			p.rejected(p.do(ctx, s.sizedCall(opCountries, limit+1)), "T5", fmt.Sprintf("a body of %d bytes, one past the limit", limit+1))
		})
	})
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
