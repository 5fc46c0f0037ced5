package conformance

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"

	"github.com/nebeus/nebeus-contract/schemas"
)

// defineGetCountries registers get_countries' specs (S6). The schema
// checks each country's form and that the list is not empty; uniqueness
// of ids is checked here, as JSON Schema cannot say it.
func (s *suite) defineGetCountries(op schemas.Operation) {
	Describe(op.ID, Label(LabelReadonly), func() {
		s.it("S6 "+op.ID+" answers a non-empty bare array of well-formed countries", func(ctx SpecContext, p *probe) {
			s.expectCountries(ctx, p, s.rpc(op.ID, map[string]any{}))
		})
		s.it("S6 country ids are unique", func(ctx SpecContext, p *probe) {
			r := s.rpc(op.ID, map[string]any{})
			ex := p.do(ctx, r)
			v, ok := p.answer(ex)
			p.require(ok)
			out, _ := p.documented(ex, v, successVariants(op)...)
			seen := map[string]int{}
			dup := false
			for i, c := range out.List {
				m, _ := c.(map[string]any)
				id := jsonText(m[fieldCountryID])
				if j, ok := seen[id]; ok {
					dup = true
					p.fail(ex, "S6", fmt.Sprintf("/%d/%s", i, fieldCountryID), fmt.Sprintf("an %s unlike every other country's (/%d/%s is %s)", fieldCountryID, j, fieldCountryID, id), id)
				}
				seen[id] = i
			}
			if !dup {
				p.pass(op.ID, "S6")
			}
		})
	})
}
