package conformance

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/onsi/ginkgo/v2/types"
)

// Finding is one deviation from the contract, or a T6 warning.
type Finding struct {
	Operation string `json:"operation"`
	Decision  string `json:"decision"`
	Pointer   string `json:"pointer"`
	Expected  string `json:"expected"`
	Got       string `json:"got"`
	Warning   bool   `json:"warning,omitempty"`
	// Request reproduces the request as a curl command (passwords '***').
	Request string `json:"request,omitempty"`
	// Response is the status line, media type and the start of the body.
	Response string `json:"response,omitempty"`
	// title is the decision's title in the contract.
	title string
}

func (f Finding) String() string {
	ptr := f.Pointer
	if ptr == "" {
		ptr = "(whole body)"
	}
	kind := "violation"
	if f.Warning {
		kind = "warning"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "[%s] %s %s, %s at %s\n", f.Decision, kind, f.Operation, f.decisionTitle(), ptr)
	fmt.Fprintf(&b, "  expected: %s\n", f.Expected)
	fmt.Fprintf(&b, "  got:      %s\n", f.Got)
	if f.Request != "" {
		fmt.Fprintf(&b, "  request:  %s\n", f.Request)
	}
	if f.Response != "" {
		fmt.Fprintf(&b, "  response: %s\n", f.Response)
	}
	return b.String()
}

// decisionTitle names the decision in the report (its title in the
// contract), so a reader need not look the id up.
func (f Finding) decisionTitle() string {
	if f.title != "" {
		return f.title
	}
	return "contract"
}

// Tally counts the checks of one operation and decision.
type Tally struct {
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Warned  int `json:"warned"`
	Relaxed int `json:"relaxed,omitempty"` // passes thanks to a relaxation
}

// checksEntry is the report entry under which every spec records its
// checks, so ReportAfterSuite can build the summary from the suite report,
// which Ginkgo aggregates across parallel processes.
const (
	checksEntry   = "nebeus-checks"
	warningsEntry = "nebeus-warnings"
	runEntry      = "nebeus-run"
)

// specChecks is a spec's tallies as recorded in its report entry.
type specChecks struct {
	Tallies  map[string]Tally `json:"tallies"` // key "op decision"
	Relaxed  []string         `json:"relaxed,omitempty"`
	Warnings []Finding        `json:"warnings,omitempty"`
}

// Summary is the run's result per operation and decision.
type Summary struct {
	Header      string
	Tallies     map[[2]string]Tally
	Warnings    []Finding
	Relaxations []string
	// Relaxed counts the responses each relaxation let through.
	Relaxed map[string]int
	Specs   struct{ Passed, Failed, Skipped int }
	// Order is the contract's operations, in its order: the table's rows.
	Order []string
}

// Summarize builds the summary of a run with opts from its suite report
// (Ginkgo's, or several shards' merged).
func Summarize(r types.Report, opts Options) Summary {
	sum := Summary{Header: Header(opts), Tallies: map[[2]string]Tally{}, Relaxations: opts.Relax, Relaxed: map[string]int{}}
	if opts.Contract != nil {
		for _, op := range opts.Contract.Operations() {
			sum.Order = append(sum.Order, op.ID)
		}
	}
	seen := map[string]bool{}
	for _, sr := range r.SpecReports {
		if sr.LeafNodeType != types.NodeTypeIt {
			continue
		}
		switch {
		case sr.State.Is(types.SpecStatePassed):
			sum.Specs.Passed++
		case sr.State.Is(types.SpecStateSkipped | types.SpecStatePending):
			sum.Specs.Skipped++
		default:
			sum.Specs.Failed++
		}
		for _, e := range sr.ReportEntries {
			if e.Name != checksEntry {
				continue
			}
			var sc specChecks
			if err := json.Unmarshal([]byte(entryString(e)), &sc); err != nil {
				continue
			}
			for k, t := range sc.Tallies {
				op, dec, _ := strings.Cut(k, " ")
				cur := sum.Tallies[[2]string{op, dec}]
				cur.Passed += t.Passed
				cur.Failed += t.Failed
				cur.Warned += t.Warned
				cur.Relaxed += t.Relaxed
				sum.Tallies[[2]string{op, dec}] = cur
			}
			for _, n := range sc.Relaxed {
				sum.Relaxed[n]++
			}
			for _, w := range sc.Warnings {
				k := w.Operation + " " + w.Pointer
				if !seen[k] {
					seen[k] = true
					sum.Warnings = append(sum.Warnings, w)
				}
			}
		}
	}
	return sum
}

// entryString is a report entry's string value, whether it was made in this
// process or decoded from a parallel process's report.
func entryString(e types.ReportEntry) string {
	if s, ok := e.Value.GetRawValue().(string); ok {
		return s
	}
	return e.Value.AsJSON
}

// unknownOp is the row of requests for no operation (an unknown path).
const unknownOp = "(unknown)"

// Conforms reports whether the run found no violation.
func (sum Summary) Conforms() bool {
	for _, t := range sum.Tallies {
		if t.Failed > 0 {
			return false
		}
	}
	return sum.Specs.Failed == 0
}

// Write prints the summary: the header, a table of operations by
// decisions, the relaxations applied, the T6 warnings and the verdict.
func (sum Summary) Write(w io.Writer) {
	fmt.Fprintf(w, "\n%s\n", sum.Header)
	keys := slices.Collect(maps.Keys(sum.Tallies))
	// The contract's order, then requests for no operation, then the rest.
	order := append(slices.Clone(sum.Order), unknownOp)
	rank := func(op string) int {
		if i := slices.Index(order, op); i >= 0 {
			return i
		}
		return len(order)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := keys[i], keys[j]
		if rank(a[0]) != rank(b[0]) {
			return rank(a[0]) < rank(b[0])
		}
		if a[0] != b[0] {
			return a[0] < b[0]
		}
		return a[1] < b[1]
	})
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "operation\tdecision\tpassed\tfailed\twarned\t")
	var total Tally
	for _, k := range keys {
		t := sum.Tallies[k]
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t\n", k[0], k[1], t.Passed, t.Failed, t.Warned)
		total.Passed += t.Passed
		total.Failed += t.Failed
		total.Warned += t.Warned
	}
	fmt.Fprintf(tw, "total\t\t%d\t%d\t%d\t\n", total.Passed, total.Failed, total.Warned)
	tw.Flush()
	fmt.Fprintf(w, "specs: %d passed, %d failed, %d skipped\n", sum.Specs.Passed, sum.Specs.Failed, sum.Specs.Skipped)
	if len(sum.Relaxations) == 0 {
		fmt.Fprintln(w, "relaxations: none (T4 shapes demanded exactly)")
	} else {
		for _, r := range sum.Relaxations {
			fmt.Fprintf(w, "relaxation %s: %s; applied to %d responses\n", r, Relaxations[r], sum.Relaxed[r])
		}
	}
	if len(sum.Warnings) > 0 {
		fmt.Fprintf(w, "warnings (T6, fields beyond the contract; not failures): %d\n", len(sum.Warnings))
		for _, f := range sum.Warnings {
			fmt.Fprintf(w, "  %s %s: %s\n", f.Operation, f.Pointer, f.Got)
		}
	}
	verdict := "CONFORMS"
	if !sum.Conforms() {
		verdict = "DOES NOT CONFORM"
	}
	fmt.Fprintln(w, verdict)
}
