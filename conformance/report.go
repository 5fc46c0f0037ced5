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

	"github.com/nebeus/nebeus-contract/schemas"
)

// Finding is one deviation from the contract, or a T6 warning.
type Finding struct {
	Operation string `json:"operation"`
	Decision  string `json:"decision"`
	Pointer   string `json:"pointer"`
	Expected  string `json:"expected"`
	Got       string `json:"got"`
	Warning   bool   `json:"warning,omitempty"`
	// Request reproduces the request as a curl command (the given
	// account's password and sessions '***').
	Request string `json:"request,omitempty"`
	// Repro replays the finding from scratch when the request depends on
	// calls before it (the signup of the account it signs in with, the
	// signin whose session it ends): a POSIX shell script, one command a
	// line, the request last.
	Repro []string `json:"repro,omitempty"`
	// Response is the status line, media type and the start of the body.
	Response string `json:"response,omitempty"`
	// Kind is the kind of request found at fault (its method and path):
	// findings alike from the same kind of request share a root cause.
	Kind string `json:"kind,omitempty"`
	// title is the decision's title in the contract.
	title string
	// ex is the request found at fault and hist the calls made before
	// it: Request and Repro are rendered from them when reported.
	ex   *exchange
	hist []*exchange
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
	if len(f.Repro) > 0 {
		fmt.Fprintf(&b, "  repro:    (sh; every call from scratch, the failing one last)\n")
		for _, l := range f.Repro {
			fmt.Fprintf(&b, "    %s\n", l)
		}
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
	// Skipped counts specs of this row that did not run because a spec
	// before them in their ordered container failed.
	Skipped int `json:"skipped,omitempty"`
}

// SkippedSpec is a spec that did not run because one before it in its ordered
// container failed.
type SkippedSpec struct {
	Spec string
	// Cause is the spec that failed and the first line of its failure.
	Cause string
	// Findings are the ids of the root causes that spec failed with.
	Findings []string `json:"findings,omitempty"`
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
	// Findings are the spec's violations, rendered and scrubbed: the
	// summary groups them by root cause (findings.go).
	Findings []Finding `json:"findings,omitempty"`
	// Covered is what of the contract the spec exercised (coverage.go).
	Covered []string `json:"covered,omitempty"`
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
	// SkippedAfter lists the specs skipped after a failure, with it.
	SkippedAfter []SkippedSpec
	// Unchecked are the contract's decisions no check of the run was about
	// (none ran: filtered out by label, or skipped).
	Unchecked []string
	// NotRun counts the specs the run's --max-time left unrun (bounds.go).
	NotRun int
	// FailFastNotRun counts the specs a run with Options.FailFast left
	// unrun after its first failure.
	FailFastNotRun int
	// Causes are the run's failures grouped by root cause (findings.go):
	// the report opens with them.
	Causes []Cause
	// Coverage is what of the contract the run exercised (coverage.go).
	Coverage Coverage
}

// stoppedByFailFast says whether a spec of r was left unrun by a stop at
// the first failure: Ginkgo skips those as it skips the specs its label
// filter leaves out, without a message and in no time, so the filter
// (r's own, a merged report's from its first shard) tells them apart.
func stoppedByFailFast(r types.Report) func(types.SpecReport) bool {
	keep := func([]string) bool { return true }
	if f := r.SuiteConfig.LabelFilter; f != "" {
		if lf, err := types.ParseLabelFilter(f); err == nil {
			keep = lf
		}
	}
	return func(sr types.SpecReport) bool {
		return sr.State.Is(types.SpecStateSkipped) && sr.Failure.Message == "" && sr.RunTime == 0 && keep(sr.Labels())
	}
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
	// The last failure in each container: what skipped the specs after it.
	failedIn := map[string]string{}
	failedAt := map[string]int{} // the index in failed of that failure
	var failed []failedSpec
	skippedBy := map[int]int{} // index in SkippedAfter -> in failed
	covered := map[string]bool{}
	stopped := stoppedByFailFast(r)
	for _, sr := range r.SpecReports {
		if sr.LeafNodeType != types.NodeTypeIt {
			continue
		}
		if opts.FailFast && stopped(sr) {
			sum.FailFastNotRun++
		}
		container := fmt.Sprint(sr.ContainerHierarchyLocations)
		failedHere := false
		switch {
		case sr.State.Is(types.SpecStatePassed):
			sum.Specs.Passed++
		case sr.State.Is(types.SpecStateSkipped | types.SpecStatePending):
			sum.Specs.Skipped++
			cause, ok := failedIn[container]
			if bound := boundCause(sr.Failure.Message); bound != "" {
				// A bound stopped it: the finding that blocked its
				// operation, or the run's --max-time (bounds.go).
				cause, ok = bound, true
				if strings.HasPrefix(bound, maxTimePrefix) {
					sum.NotRun++
				}
			}
			if ok {
				if j, failed := failedAt[container]; failed && cause == failedIn[container] {
					skippedBy[len(sum.SkippedAfter)] = j
				}
				sum.SkippedAfter = append(sum.SkippedAfter, SkippedSpec{Spec: sr.LeafNodeText, Cause: cause})
				op, dec := subject(sr.LeafNodeText, opts.Contract)
				t := sum.Tallies[[2]string{op, dec}]
				t.Skipped++
				sum.Tallies[[2]string{op, dec}] = t
			}
		default:
			sum.Specs.Failed++
			failedIn[container] = fmt.Sprintf("%q: %s", sr.LeafNodeText, firstFinding(sr.Failure.Message))
			failedAt[container] = len(failed)
			op, dec := subject(sr.LeafNodeText, opts.Contract)
			failed = append(failed, failedSpec{text: specText(sr), op: op, dec: dec, failure: firstFinding(sr.Failure.Message)})
			failedHere = true
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
			if failedHere {
				failed[len(failed)-1].found = append(failed[len(failed)-1].found, sc.Findings...)
			}
			for _, c := range sc.Covered {
				covered[c] = true
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
	if sum.Specs.Failed == 0 {
		sum.FailFastNotRun = 0 // nothing failed, so nothing was stopped
	}
	title := func(string) string { return "contract" }
	if opts.Contract != nil {
		title = func(d string) string {
			if t := opts.Contract.Model().DecisionTitle(d); t != "" {
				return t
			}
			return "contract"
		}
	}
	var ids [][]string
	sum.Causes, ids = groupCauses(failed, title)
	for i := range sum.SkippedAfter {
		// A spec a bound stopped (bounds.go) names its cause, not a finding.
		if j, ok := skippedBy[i]; ok {
			sum.SkippedAfter[i].Findings = ids[j]
		}
	}
	sum.Coverage = coverage(opts.Contract, sum.Tallies, covered)
	if opts.Contract != nil {
		checked := map[string]bool{}
		for k := range sum.Tallies {
			checked[k[1]] = true
		}
		for _, d := range contractDecisions(opts.Contract) {
			if !checked[d] {
				sum.Unchecked = append(sum.Unchecked, d)
			}
		}
	}
	return sum
}

// subject is the operation and decision a spec is about, read from its
// text: the decision id it starts with, the first operation id it names
// (unknownOp when none).
func subject(text string, c *schemas.Contract) (op, dec string) {
	words := strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == ',' || r == '(' || r == ')' })
	op, dec = unknownOp, "contract"
	if len(words) > 0 {
		dec = words[0]
	}
	if c == nil {
		return op, dec
	}
	for _, w := range words {
		if _, ok := c.Operation(w); ok {
			return w, dec
		}
	}
	return op, dec
}

// contractDecisions are the decisions the contract's model puts on
// something (an operation, an argument, a variant, a field, the session),
// in the order the decisions are listed: each gets its row.
func contractDecisions(c *schemas.Contract) []string {
	m := c.Model()
	used := map[string]bool{}
	if m.Session != nil {
		used[m.Session.Decision] = true
	}
	for _, op := range m.Operations {
		used[op.Decision] = true
		for _, a := range op.Arguments {
			used[a.Decision] = true
		}
		for _, v := range op.Variants {
			used[v.Decision] = true
			for _, f := range v.Fields {
				used[f.Decision] = true
			}
		}
	}
	var out []string
	for _, d := range m.Decisions {
		if used[d.ID] {
			out = append(out, d.ID)
		}
	}
	return out
}

// firstFinding is the first finding line of a failure message, or its
// first line.
func firstFinding(msg string) string {
	lines := strings.Split(strings.TrimSpace(msg), "\n")
	for _, l := range lines {
		if strings.Contains(l, "] violation ") {
			return strings.TrimSpace(l)
		}
	}
	if len(lines) > 0 {
		return strings.TrimSpace(lines[0])
	}
	return "(no message)"
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
	sum.writeCauses(w)
	keys := sum.sortedKeys()
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "operation\tdecision\tpassed\tfailed\twarned\tskipped\t")
	var total Tally
	for _, k := range keys {
		t := sum.Tallies[k]
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\t\n", k[0], k[1], t.Passed, t.Failed, t.Warned, t.Skipped)
		total.Passed += t.Passed
		total.Failed += t.Failed
		total.Warned += t.Warned
		total.Skipped += t.Skipped
	}
	fmt.Fprintf(tw, "total\t\t%d\t%d\t%d\t%d\t\n", total.Passed, total.Failed, total.Warned, total.Skipped)
	tw.Flush()
	fmt.Fprintf(w, "specs: %d passed, %d failed, %d skipped\n", sum.Specs.Passed, sum.Specs.Failed, sum.Specs.Skipped)
	sum.writeCoverage(w)
	if len(sum.SkippedAfter) > 0 {
		fmt.Fprintf(w, "skipped after a failure (%d; they depend on it):\n", len(sum.SkippedAfter))
		for _, sk := range sum.SkippedAfter {
			fmt.Fprintf(w, "  %q\n    after %s%s\n", sk.Spec, sk.Cause, findingRefs(sk.Findings))
		}
	}
	if sum.NotRun > 0 {
		fmt.Fprintf(w, "INCOMPLETE: %d specs not run, the run's --max-time was reached\n", sum.NotRun)
	}
	if sum.FailFastNotRun > 0 {
		fmt.Fprintf(w, "STOPPED at the first failure (--fail-fast): %d specs not run\n", sum.FailFastNotRun)
	}
	if len(sum.Unchecked) > 0 {
		fmt.Fprintf(w, "decisions no check of this run was about: %s\n", strings.Join(sum.Unchecked, ", "))
	}
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

// findingRefs names the root causes behind a skip: " (F1, F3)".
func findingRefs(ids []string) string {
	if len(ids) == 0 {
		return ""
	}
	return " (" + strings.Join(ids, ", ") + ")"
}

// sortedKeys are the table's rows: the contract's order of operations,
// then requests for no operation, then the rest; decisions sorted.
func (sum Summary) sortedKeys() [][2]string {
	keys := slices.Collect(maps.Keys(sum.Tallies))
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
	return keys
}
