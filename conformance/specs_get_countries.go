package conformance

import (
	"fmt"

	. "github.com/onsi/ginkgo/v2"
)

// defineGetCountries registers get_countries' specs (S6). The schema
// checks each country's form and that the list is not empty; uniqueness
// of ids is checked here, as JSON Schema cannot say it.
func (s *suite) defineGetCountries() {
	Describe("get_countries", Label("readonly"), func() {
		s.it("S6 get_countries answers a non-empty bare array of well-formed countries", func(ctx SpecContext, p *probe) {
			s.expectCountries(ctx, p, s.rpc("get_countries", map[string]any{}))
		})
		s.it("S6 country ids are unique", func(ctx SpecContext, p *probe) {
			r := s.rpc("get_countries", map[string]any{})
			ex := s.do(ctx, r)
			v, ok := p.answer(ex)
			p.require(ok)
			out, _ := p.documented(ex, v, "success")
			seen := map[string]int{}
			dup := false
			for i, c := range out.List {
				m, _ := c.(map[string]any)
				id := jsonText(m["id"])
				if j, ok := seen[id]; ok {
					dup = true
					p.fail(ex, "S6", fmt.Sprintf("/%d/id", i), fmt.Sprintf("an id unlike every other country's (/%d/id is %s)", j, id), id)
				}
				seen[id] = i
			}
			if !dup {
				p.pass("get_countries", "S6")
			}
		})
	})
}
