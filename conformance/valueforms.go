package conformance

import (
	"encoding/json"
	"math"
	"slices"

	"github.com/nebeus/nebeus-contract/schemas"
)

// Every documented type of value (issue 18, item 8): beyond the boundaries
// and kinds of text of the partitions (partitions.go), the forms in which
// real clients legitimately write a value the documented type admits:
//   - a string that may be empty, sent empty (a form's untouched field, a
//     device model the platform does not report);
//   - a whole number written with a fraction part (1.0: Python's and
//     Ruby's floats, JavaScript's toFixed), which JSON Schema counts as an
//     integer, and for a number both 1 and 1.0;
//   - an integer with no maximum sent large (2^31-1, 2^53-1: ids and
//     counters of 32-bit and JavaScript-safe width), and negative where no
//     minimum forbids it.
//
// Every form is filtered by the contract's own request schema: a form it
// refuses is not one the documented type admits (schemaRejects).

// valueForm is one such form of an argument's value.
type valueForm = partition

// valueForms are the forms of a's value that argPartitions does not send
// already, each admitted by op's request schema.
func (s *suite) valueForms(op schemas.Operation, a schemas.Argument) []valueForm {
	var out []valueForm
	add := func(what string, v any) { out = append(out, valueForm{Arg: a, What: what, Value: v}) }
	switch a.Type {
	case "string":
		add("sent empty", "")
	case "integer", "number":
		whole := 0.0
		switch {
		case a.Minimum != nil && *a.Minimum > 0:
			whole = math.Ceil(*a.Minimum)
		case a.Maximum != nil && *a.Maximum < 0:
			whole = math.Floor(*a.Maximum)
		}
		n := numberOf(whole)
		add("written with a fraction part ("+n.String()+".0)", json.Number(n.String()+".0"))
		if a.Type == "number" {
			add("written as a whole number ("+n.String()+")", n)
		}
		if a.Maximum == nil {
			add("large (2^31-1)", json.Number("2147483647"))
			add("large (2^53-1)", json.Number("9007199254740991"))
		}
		if a.Minimum == nil {
			add("negative (-1)", json.Number("-1"))
		}
	}
	sent := s.argPartitions(a)
	var kept []valueForm
	for _, f := range out {
		if s.schemaRejects(op, a.Name, f.Value) || slices.ContainsFunc(sent, func(p partition) bool { return jsonText(p.Value) == jsonText(f.Value) }) {
			continue
		}
		kept = append(kept, f)
	}
	return kept
}
