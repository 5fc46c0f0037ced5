package conformance

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
)

// The report files a run writes (Options.JSONReport, JUnitReport,
// HTMLReport). The suite writes them itself rather than through Ginkgo's
// reporter flags, so that each is scrubbed first (scrub.go), the JUnit
// cases are classed by operation and the JSON report carries the summary.

// summaryEntry is the report entry that carries the summary in the JSON
// report, on a spec report of its own ("conformance summary").
const summaryEntry = "nebeus-summary"

// SummaryJSON is the summary as the JSON and HTML reports hold it.
type SummaryJSON struct {
	Verdict  string `json:"verdict"` // "CONFORMS" or "DOES NOT CONFORM"
	Header   string `json:"header"`
	Conforms bool   `json:"conforms"`
	// Findings are the failures grouped by root cause, most specs first.
	Findings []Cause `json:"findings"`
	// Checks are the tallies per operation and decision.
	Checks   []CheckRow `json:"checks"`
	Coverage Coverage   `json:"coverage"`
	Specs    struct {
		Passed  int `json:"passed"`
		Failed  int `json:"failed"`
		Skipped int `json:"skipped"`
	} `json:"specs"`
	// NotRun and FailFastNotRun count the skipped specs the run's
	// --max-time, and its --fail-fast after the first failure, left unrun.
	NotRun         int              `json:"notRunMaxTime,omitempty"`
	FailFastNotRun int              `json:"notRunFailFast,omitempty"`
	SkippedAfter   []SkippedSpec    `json:"skippedAfterFailure,omitempty"`
	Warnings       []Finding        `json:"warnings,omitempty"`
	Relaxations    []string         `json:"relaxations,omitempty"`
	Relaxed        map[string]int   `json:"relaxedResponses,omitempty"`
	Unchecked      []string         `json:"uncheckedDecisions,omitempty"`
	SpecResults    []SpecResultJSON `json:"specResults,omitempty"`
}

// CheckRow is one row of the table of checks.
type CheckRow struct {
	Operation string `json:"operation"`
	Decision  string `json:"decision"`
	Tally
}

// SpecResultJSON is one spec's outcome, for the HTML report.
type SpecResultJSON struct {
	// Spec is its text (starting with its decision), Container its
	// containers' (Spec is the full text when it has none).
	Spec      string   `json:"spec"`
	Container string   `json:"container,omitempty"`
	Operation string   `json:"operation"`
	Decision  string   `json:"decision"`
	State     string   `json:"state"`
	Findings  []string `json:"findings,omitempty"`
	Cause     string   `json:"cause,omitempty"`
}

// JSON is the summary as the reports hold it.
func (sum Summary) JSON() SummaryJSON {
	out := SummaryJSON{Header: sum.Header, Conforms: sum.Conforms(), Findings: sum.Causes, Coverage: sum.Coverage,
		SkippedAfter: sum.SkippedAfter, Warnings: sum.Warnings, Relaxations: sum.Relaxations, Relaxed: sum.Relaxed, Unchecked: sum.Unchecked}
	out.Verdict = "CONFORMS"
	if !out.Conforms {
		out.Verdict = "DOES NOT CONFORM"
	}
	for _, k := range sum.sortedKeys() {
		out.Checks = append(out.Checks, CheckRow{Operation: k[0], Decision: k[1], Tally: sum.Tallies[k]})
	}
	out.Specs.Passed, out.Specs.Failed, out.Specs.Skipped = sum.Specs.Passed, sum.Specs.Failed, sum.Specs.Skipped
	out.NotRun, out.FailFastNotRun = sum.NotRun, sum.FailFastNotRun
	if out.Findings == nil {
		out.Findings = []Cause{}
	}
	return out
}

// ScrubReport returns r with every secret sc knows replaced by "***":
// failure messages, report entries, captured output.
func ScrubReport(r types.Report, sc *Scrubber) (types.Report, error) {
	b, err := json.Marshal(r)
	if err != nil {
		return r, err
	}
	var out types.Report
	if err := json.Unmarshal([]byte(sc.String(string(b))), &out); err != nil {
		return r, fmt.Errorf("scrubbing the report: %w", err)
	}
	return out, nil
}

// WriteReports writes the report files opts names (JSON, JUnit, HTML) for
// the suite report r and its summary, r scrubbed of every secret sc knows
// first. A file is written whole or not at all.
func WriteReports(r types.Report, sum Summary, opts Options, sc *Scrubber) error {
	if opts.JSONReport == "" && opts.JUnitReport == "" && opts.HTMLReport == "" {
		return nil
	}
	r, err := ScrubReport(r, sc)
	if err != nil {
		return err
	}
	sj := sum.JSON()
	b, err := json.Marshal(sj)
	if err != nil {
		return err
	}
	b = []byte(sc.String(string(b)))
	if err := json.Unmarshal(b, &sj); err != nil {
		return fmt.Errorf("scrubbing the summary: %w", err)
	}
	sj.SpecResults = specResults(r, sum, opts)
	var errs []error
	if opts.JSONReport != "" {
		errs = append(errs, writeFile(opts.JSONReport, func() ([]byte, error) { return jsonReport(r, sj) }))
	}
	if opts.JUnitReport != "" {
		errs = append(errs, writeFile(opts.JUnitReport, func() ([]byte, error) { return junitReport(r, sj, opts) }))
	}
	if opts.HTMLReport != "" {
		errs = append(errs, writeFile(opts.HTMLReport, func() ([]byte, error) { return htmlReport(sj) }))
	}
	return errors.Join(errs...)
}

// writeFile writes what render makes to path through a temporary file in
// the same folder: never a half-written report.
func writeFile(path string, render func() ([]byte, error)) error {
	b, err := render()
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), path); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}

// jsonReport is Ginkgo's JSON report (a list of one suite report, as
// ginkgo --json-report writes it), with the summary as the report entry
// "nebeus-summary" of a spec report "conformance summary".
func jsonReport(r types.Report, sj SummaryJSON) ([]byte, error) {
	b, err := json.Marshal(sj)
	if err != nil {
		return nil, err
	}
	// A merged report of parallel shards holds each shard's summary: the
	// run's replaces them.
	var kept types.SpecReports
	for _, sr := range r.SpecReports {
		if !slices.ContainsFunc(sr.ReportEntries, func(e types.ReportEntry) bool { return e.Name == summaryEntry }) {
			kept = append(kept, sr)
		}
	}
	r.SpecReports = kept
	entry := types.ReportEntry{Name: summaryEntry, Time: r.EndTime, Visibility: types.ReportEntryVisibilityNever}
	entry.Value = types.WrapEntryValue(string(b))
	r.SpecReports = append(r.SpecReports, types.SpecReport{
		LeafNodeType: types.NodeTypeReportAfterSuite, LeafNodeText: "conformance summary",
		State: types.SpecStatePassed, StartTime: r.EndTime, EndTime: r.EndTime,
		ReportEntries: types.ReportEntries{entry},
	})
	return json.MarshalIndent([]types.Report{r}, "", "  ")
}

// ReportSummary is the summary a JSON report holds (the entry
// "nebeus-summary"), or false.
func ReportSummary(r types.Report) (SummaryJSON, bool) {
	for _, sr := range r.SpecReports {
		for _, e := range sr.ReportEntries {
			if e.Name == summaryEntry {
				var sj SummaryJSON
				if json.Unmarshal([]byte(entryString(e)), &sj) == nil {
					return sj, true
				}
			}
		}
	}
	return SummaryJSON{}, false
}

// generalClass is the JUnit class of the specs about no one operation (the
// protocol, unknown paths).
const generalClass = "(protocol)"

// specResults lists every It spec with its operation, decision, state and
// the root causes it failed with or was skipped after.
func specResults(r types.Report, sum Summary, opts Options) []SpecResultJSON {
	byText := map[string][]string{}
	for _, c := range sum.Causes {
		for _, sp := range c.Specs {
			byText[sp] = append(byText[sp], c.ID)
		}
	}
	skipped := map[string]SkippedSpec{}
	for _, sk := range sum.SkippedAfter {
		skipped[sk.Spec] = sk
	}
	stopped := stoppedByFailFast(r)
	var out []SpecResultJSON
	for _, sr := range r.SpecReports {
		if sr.LeafNodeType != types.NodeTypeIt {
			continue
		}
		op, dec := subject(sr.LeafNodeText, opts.Contract)
		if op == unknownOp {
			op = generalClass
		}
		res := SpecResultJSON{Spec: sr.LeafNodeText, Container: strings.Join(sr.ContainerHierarchyTexts, " "), Operation: op, Decision: dec, State: sr.State.String()}
		full := specText(sr)
		switch {
		case sr.State.Is(types.SpecStatePassed):
		case sr.State.Is(types.SpecStateSkipped | types.SpecStatePending):
			if sk, ok := skipped[sr.LeafNodeText]; ok {
				res.Cause = "after " + sk.Cause + findingRefs(sk.Findings)
				res.Findings = sk.Findings
			} else if sum.FailFastNotRun > 0 && stopped(sr) {
				res.Cause = "not run: the run stopped at its first failure (--fail-fast)"
			} else {
				res.Cause = "not run: filtered out (label filter or shard) or pending"
			}
		default:
			res.Findings = byText[full]
			res.Cause = firstFinding(sr.Failure.Message)
		}
		out = append(out, res)
	}
	return out
}

// junitReport is the JUnit XML report: a test case per spec, its class the
// operation it is about, its name starting with its decision; a failed
// case names the root causes it broke with, a skipped case the failure it
// was skipped after.
func junitReport(r types.Report, sj SummaryJSON, opts Options) ([]byte, error) {
	causes := map[string]Cause{}
	for _, c := range sj.Findings {
		causes[c.ID] = c
	}
	messages := map[[2]string]string{}
	for _, sr := range r.SpecReports {
		if sr.LeafNodeType == types.NodeTypeIt && sr.Failure.Message != "" {
			messages[[2]string{strings.Join(sr.ContainerHierarchyTexts, " "), sr.LeafNodeText}] = sr.Failure.Message + "\n" + sr.Failure.Location.String()
		}
	}
	suite := reporters.JUnitTestSuite{Name: r.SuiteDescription, Package: r.SuitePath, Time: r.RunTime.Seconds(),
		Timestamp: r.StartTime.Format("2006-01-02T15:04:05")}
	suite.Properties.Properties = []reporters.JUnitProperty{
		{Name: "SuiteSucceeded", Value: fmt.Sprint(sj.Conforms)},
		{Name: "Verdict", Value: sj.Verdict},
		{Name: "Findings", Value: fmt.Sprint(len(sj.Findings))},
		{Name: "Coverage", Value: fmt.Sprintf("operations %d, variants %s, fields %s, decisions %s", len(sj.Coverage.Operations), sj.Coverage.Variants, sj.Coverage.Fields, sj.Coverage.Decisions)},
	}
	for _, res := range sj.SpecResults {
		name := res.Spec
		if !strings.HasPrefix(name, res.Decision+" ") {
			name = res.Decision + " " + name
		}
		if res.Container != "" {
			name += " (" + res.Container + ")"
		}
		msgKey := [2]string{res.Container, res.Spec}
		tc := reporters.JUnitTestCase{Name: name, Classname: res.Operation, Status: res.State}
		suite.Tests++
		switch res.State {
		case types.SpecStatePassed.String():
		case types.SpecStateSkipped.String(), types.SpecStatePending.String():
			suite.Skipped++
			tc.Skipped = &reporters.JUnitSkipped{Message: "skipped " + res.Cause}
		default:
			var heads []string
			for _, id := range res.Findings {
				c := causes[id]
				heads = append(heads, fmt.Sprintf("%s [%s] %s at %s: expected %s, got %s", id, c.Decision, c.Operation, pointerText(c.Pointer), c.Expected, c.Got))
			}
			msg := strings.Join(heads, "; ")
			if msg == "" {
				msg = res.Cause
			}
			if res.State == types.SpecStateFailed.String() {
				suite.Failures++
				tc.Failure = &reporters.JUnitFailure{Message: msg, Type: "failed", Description: messages[msgKey]}
			} else {
				suite.Errors++
				tc.Error = &reporters.JUnitError{Message: msg, Type: res.State, Description: messages[msgKey]}
			}
		}
		if len(res.Findings) > 0 {
			tc.Properties = &reporters.JUnitProperties{Properties: []reporters.JUnitProperty{{Name: "findings", Value: strings.Join(res.Findings, ", ")}}}
		}
		suite.TestCases = append(suite.TestCases, tc)
	}
	suites := reporters.JUnitTestSuites{Tests: suite.Tests, Disabled: suite.Skipped, Errors: suite.Errors, Failures: suite.Failures,
		Time: suite.Time, TestSuites: []reporters.JUnitTestSuite{suite}}
	b, err := xml.MarshalIndent(suites, "", "  ")
	if err != nil {
		return nil, err
	}
	return append([]byte(xml.Header), append(b, '\n')...), nil
}

// pointerText is a pointer as the report shows it.
func pointerText(ptr string) string {
	if ptr == "" {
		return "(whole body)"
	}
	return ptr
}
