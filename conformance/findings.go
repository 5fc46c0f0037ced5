package conformance

import (
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/onsi/ginkgo/v2/types"
)

// One bug, one finding (issue 18, item 5). A deployment's bug breaks every
// spec that meets it: a cookie attribute missing from signin's answer fails
// every flow that signs in, under the decision each flow is about. Each
// spec records its findings (the deviations it saw, rendered and scrubbed)
// in its report entry; Summarize groups them by root cause: the same
// operation, decision, JSON pointer, expected and got, from the same kind
// of request (method and path). The report opens with these causes, each
// with every spec it broke; a spec that failed without a finding (a
// timeout, a panic) is a cause of its own, keyed by its failure.

// Cause is one root cause: the findings of a run alike in operation,
// decision, pointer, expected and got from the same kind of request, with
// every spec they broke.
type Cause struct {
	// ID names the cause in the report (F1, F2, ...: most specs broken
	// first).
	ID string `json:"id"`
	// Finding is its first occurrence: the request, repro and response
	// shown are that one's.
	Finding
	// Title is the decision's title in the contract.
	Title string `json:"title"`
	// Specs are the specs it broke (their full text), in the order they
	// ran; Occurrences counts its findings in all of them.
	Specs       []string `json:"specs"`
	Occurrences int      `json:"occurrences"`
}

// runValues are the parts of a finding that differ from one request to
// the next though the cause is the same: the run's emails and passwords
// (nc-RUNID-PROC-N, Pw-RUNID-N, in any letter case) and the JSON-RPC ids
// and numbers it made up (4 digits and more; an HTTP status has 3).
var runValues = []struct {
	re   *regexp.Regexp
	with string
}{
	{regexp.MustCompile(`(?i)\b(nc|pw)-[0-9a-z]+(-[0-9]+)+`), "${1}-*"},
	{regexp.MustCompile(`\b[0-9]{4,}\b`), "#"},
}

// causeKey is what findings of one root cause share.
func causeKey(f Finding) string {
	norm := func(t string) string {
		// Logins come in every letter case (S1, S5 compare them
		// case-insensitively): case does not tell causes apart.
		t = strings.ToLower(t)
		for _, r := range runValues {
			t = r.re.ReplaceAllString(t, r.with)
		}
		return t
	}
	return strings.Join([]string{f.Operation, f.Decision, f.Pointer, norm(f.Expected), norm(f.Got), f.Kind}, "\x00")
}

// failedSpec is a failed spec as Summarize saw it: its full text, the
// operation and decision it is about, the first line of its failure and
// the findings it recorded (none when it failed without one: a timeout).
type failedSpec struct {
	text, op, dec, failure string
	found                  []Finding
}

// groupCauses groups the findings of the failed specs by root cause. It
// returns the causes, most specs first, and for each spec the ids of the
// causes it broke with.
func groupCauses(specs []failedSpec, title func(string) string) ([]Cause, [][]string) {
	var out []*Cause
	byKey := map[string]*Cause{}
	perSpec := make([][]*Cause, len(specs))
	for i, sp := range specs {
		found := sp.found
		if len(found) == 0 {
			found = []Finding{{Operation: sp.op, Decision: sp.dec, Expected: "the spec to run to its end", Got: sp.failure}}
		}
		for _, f := range found {
			k := causeKey(f)
			c := byKey[k]
			if c == nil {
				c = &Cause{Finding: f, Title: title(f.Decision)}
				byKey[k] = c
				out = append(out, c)
			}
			c.Occurrences++
			if len(c.Specs) == 0 || c.Specs[len(c.Specs)-1] != sp.text {
				c.Specs = append(c.Specs, sp.text)
				perSpec[i] = append(perSpec[i], c)
			}
		}
	}
	// Most specs broken first: the likeliest single bug behind many
	// failures leads; ties keep the order the specs ran in.
	sorted := make([]*Cause, len(out))
	copy(sorted, out)
	for i := 1; i < len(sorted); i++ {
		for j := i; j > 0 && len(sorted[j].Specs) > len(sorted[j-1].Specs); j-- {
			sorted[j], sorted[j-1] = sorted[j-1], sorted[j]
		}
	}
	causes := make([]Cause, len(sorted))
	for i, c := range sorted {
		c.ID = fmt.Sprintf("F%d", i+1)
		causes[i] = *c
	}
	ids := make([][]string, len(specs))
	for i, cs := range perSpec {
		for _, c := range cs {
			ids[i] = append(ids[i], c.ID)
		}
	}
	return causes, ids
}

// specText is a spec's full text: its containers' and its own.
func specText(sr types.SpecReport) string { return sr.FullText() }

// writeCauses prints the findings the report opens with.
func (sum Summary) writeCauses(w io.Writer) {
	if len(sum.Causes) == 0 {
		if sum.Specs.Failed == 0 {
			fmt.Fprintln(w, "findings: none")
		}
		return
	}
	n := 0
	for _, c := range sum.Causes {
		n += c.Occurrences
	}
	fmt.Fprintf(w, "findings: %d (one a root cause: %d failed checks in %d failed specs)\n", len(sum.Causes), n, sum.Specs.Failed)
	const shown = 8
	for _, c := range sum.Causes {
		f := c.Finding
		f.title = c.Title
		fmt.Fprintf(w, "%s %s", c.ID, f.String())
		fmt.Fprintf(w, "  broke %d spec(s) (%d failed checks):\n", len(c.Specs), c.Occurrences)
		for i, sp := range c.Specs {
			if i == shown {
				fmt.Fprintf(w, "    ... and %d more (the JSON, JUnit and HTML reports list them all)\n", len(c.Specs)-shown)
				break
			}
			fmt.Fprintf(w, "    %q\n", sp)
		}
	}
	fmt.Fprintln(w)
}
