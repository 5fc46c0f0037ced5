package conformance

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/nebeus/nebeus-contract/schemas"
)

// Contract coverage (issue 18, item 6): which operations, variants,
// documented fields and decisions a run exercised. An operation is
// exercised when a check was made on one of its answers; a variant when an
// answer conformed to it (a broken deployment leaves its variants
// unexercised: its findings say why); a documented field when such an
// answer held it (a field under "*" when an item of the list did); a
// decision when a check was about it (passed, failed or warned). A run
// filtered by label, or against a deployment that never answers some
// variant (an error it cannot be made to give), leaves part unexercised,
// and the report says which.

// Coverage is what of the contract a run exercised.
type Coverage struct {
	Operations []OperationCoverage `json:"operations"`
	Variants   Count               `json:"variants"`
	Fields     Count               `json:"fields"`
	Decisions  Count               `json:"decisions"`
	// Unexercised names every part no check reached: "operation X",
	// "X variant V", "X V field /p", "decision D".
	Unexercised []string `json:"unexercised,omitempty"`
}

// Count is how many of a kind of part the run exercised, of how many the
// contract has.
type Count struct {
	Exercised int `json:"exercised"`
	Total     int `json:"total"`
}

func (c Count) String() string { return fmt.Sprintf("%d/%d", c.Exercised, c.Total) }

// OperationCoverage is one operation's row.
type OperationCoverage struct {
	Operation string `json:"operation"`
	Exercised bool   `json:"exercised"`
	Variants  Count  `json:"variants"`
	Fields    Count  `json:"fields"`
	// Decisions are those a check on the operation was about.
	Decisions []string `json:"decisions"`
}

// Complete reports whether the run exercised the whole contract.
func (c Coverage) Complete() bool { return len(c.Unexercised) == 0 }

// Keys of what a spec exercised, as recorded in its report entry.
func coveredVariant(op, variant string) string { return "v " + op + " " + variant }
func coveredField(op, variant, ptr string) string {
	return "f " + op + " " + variant + " " + ptr
}
func coveredDecision(dec string) string { return "d " + dec }

// additive is T6's id: every answer checked against a variant's schema is
// checked for fields beyond it (a warning, never a failure, so no tally
// counts it when there is none).
const additive = "T6"

// cover records that ex's answer conformed to variant, and which of the
// variant's documented fields it held (result: the envelope's result, or
// the body of a bare shape).
func (p *probe) cover(op, variant string, result any) {
	if p.covered == nil {
		p.covered = map[string]bool{}
	}
	p.covered[coveredVariant(op, variant)] = true
	p.covered[coveredDecision(additive)] = true
	o, ok := p.s.contract.Operation(op)
	if !ok {
		return
	}
	for _, vr := range o.Variants {
		if vr.Name != variant {
			continue
		}
		for _, f := range vr.Fields {
			if present(result, strings.Split(strings.TrimPrefix(f.Pointer, "/"), "/")) {
				p.covered[coveredField(op, variant, f.Pointer)] = true
			}
		}
	}
}

// cover1 records one key of what a spec exercised (a state machine's).
func (p *probe) cover1(key string) {
	if p.covered == nil {
		p.covered = map[string]bool{}
	}
	p.covered[key] = true
}

// pointerToken unescapes a JSON pointer's token (RFC 6901).
var pointerToken = strings.NewReplacer("~1", "/", "~0", "~")

// present reports whether v holds the field at the pointer's tokens ("*":
// any item of an array); a field held as null is present.
func present(v any, tokens []string) bool {
	if len(tokens) == 0 || (len(tokens) == 1 && tokens[0] == "") {
		return true
	}
	t := tokens[0]
	if strings.Contains(t, "~") {
		t = pointerToken.Replace(t)
	}
	switch x := v.(type) {
	case map[string]any:
		e, ok := x[t]
		return ok && present(e, tokens[1:])
	case []any:
		if t != "*" {
			return false
		}
		for _, e := range x {
			if present(e, tokens[1:]) {
				return true
			}
		}
	}
	return false
}

// coverage builds the run's coverage from its tallies and what its specs
// recorded as exercised.
func coverage(c *schemas.Contract, tallies map[[2]string]Tally, covered map[string]bool) Coverage {
	var cov Coverage
	if c == nil {
		return cov
	}
	decided := map[string]bool{}
	opDecisions := map[string][]string{}
	for k, t := range tallies {
		if t.Passed+t.Failed+t.Warned == 0 {
			continue
		}
		decided[k[1]] = true
		opDecisions[k[0]] = append(opDecisions[k[0]], k[1])
	}
	for k := range covered {
		if d, ok := strings.CutPrefix(k, "d "); ok {
			decided[d] = true
		}
	}
	for _, op := range c.Operations() {
		row := OperationCoverage{Operation: op.ID, Decisions: sortedDecisions(c, opDecisions[op.ID])}
		// A check reached it, whether or not the contract states the
		// decision (a page read without our overlay states none, issue 17).
		row.Exercised = len(opDecisions[op.ID]) > 0
		if !row.Exercised {
			cov.Unexercised = append(cov.Unexercised, "operation "+op.ID)
		}
		for _, vr := range op.Variants {
			row.Variants.Total++
			if covered[coveredVariant(op.ID, vr.Name)] {
				row.Variants.Exercised++
			} else if row.Exercised {
				cov.Unexercised = append(cov.Unexercised, op.ID+" variant "+vr.Name)
			}
			for _, f := range vr.Fields {
				row.Fields.Total++
				if covered[coveredField(op.ID, vr.Name, f.Pointer)] {
					row.Fields.Exercised++
				} else if row.Exercised && covered[coveredVariant(op.ID, vr.Name)] {
					cov.Unexercised = append(cov.Unexercised, op.ID+" "+vr.Name+" field "+f.Pointer)
				}
			}
		}
		cov.Variants.Total += row.Variants.Total
		cov.Variants.Exercised += row.Variants.Exercised
		cov.Fields.Total += row.Fields.Total
		cov.Fields.Exercised += row.Fields.Exercised
		cov.Operations = append(cov.Operations, row)
	}
	for _, d := range c.Model().Decisions {
		if mockChoice(d.ID) {
			continue
		}
		cov.Decisions.Total++
		if decided[d.ID] {
			cov.Decisions.Exercised++
		} else {
			cov.Unexercised = append(cov.Unexercised, "decision "+d.ID)
		}
	}
	return cov
}

// mockChoice reports whether a decision is the mock's own choice, not the
// contract's: the notes list those as M1.. under "What is the mock's own
// choice (not contract)", and the suite never demands them.
func mockChoice(id string) bool { return strings.HasPrefix(id, "M") }

// sortedDecisions orders decision ids as the contract lists them.
func sortedDecisions(c *schemas.Contract, ds []string) []string {
	var out []string
	for _, d := range c.Model().Decisions {
		for _, x := range ds {
			if x == d.ID {
				out = append(out, d.ID)
				break
			}
		}
	}
	return out
}

// writeCoverage prints the coverage table and what the run left
// unexercised.
func (sum Summary) writeCoverage(w io.Writer) {
	cov := sum.Coverage
	if len(cov.Operations) == 0 {
		return
	}
	fmt.Fprintln(w, "contract coverage (exercised/documented):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "operation\texercised\tvariants\tfields\tdecisions\t")
	for _, r := range cov.Operations {
		ex := "no"
		if r.Exercised {
			ex = "yes"
		}
		ds := strings.Join(r.Decisions, " ")
		if ds == "" {
			ds = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", r.Operation, ex, r.Variants, r.Fields, ds)
	}
	fmt.Fprintf(tw, "total\t\t%s\t%s\t%s decisions\t\n", cov.Variants, cov.Fields, cov.Decisions)
	tw.Flush()
	if cov.Complete() {
		fmt.Fprintln(w, "the run exercised the whole contract")
		return
	}
	fmt.Fprintf(w, "the run left %d part(s) of the contract unexercised:\n", len(cov.Unexercised))
	const shown = 30
	for i, u := range cov.Unexercised {
		if i == shown {
			fmt.Fprintf(w, "  ... and %d more (the JSON report lists them all)\n", len(cov.Unexercised)-shown)
			break
		}
		fmt.Fprintf(w, "  %s\n", u)
	}
}
