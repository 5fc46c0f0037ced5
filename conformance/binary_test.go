package conformance_test

import (
	"context"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startMockBinary runs the built nebeus-mock on the embedded contract
// (startMockWith, page_binary_test.go).
func startMockBinary(t *testing.T) string {
	t.Helper()
	return startMockWith(t)
}

// TestBinariesOverLoopback: the built conformance binary passes the built
// mock over loopback, in one process and with --parallel, and by default
// (several processes at once), and writes its JUnit and JSON reports.
func TestBinariesOverLoopback(t *testing.T) {
	onlyUnderGoTest(t)
	t.Parallel() // runs the binary: its waits overlap other tests
	url := startMockBinary(t)
	dir := t.TempDir()
	junit, jsonReport := filepath.Join(dir, "junit.xml"), filepath.Join(dir, "report.json")

	def := runConformanceAsIs(context.Background(), t, url, nil, "--junit-report", junit)
	if def.code != 0 {
		t.Fatalf("default run: exit status %d, want 0\n%s", def.code, tail(def.out, 80))
	}
	if !strings.Contains(def.out, "processes (run ids") {
		t.Errorf("the default run is not concurrent (no processes line in its summary):\n%s", tail(def.out, 40))
	}
	checkJUnit(t, junit)

	res := runConformance(context.Background(), t, url, nil, "--junit-report", junit, "--json-report", jsonReport)
	if res.code != 0 {
		t.Fatalf("exit status %d, want 0\n%s", res.code, tail(res.out, 80))
	}
	t.Logf("suite against the mock binary took %s", res.elapsed.Round(time.Millisecond))
	checkJUnit(t, junit)
	if b, err := os.ReadFile(jsonReport); err != nil || !strings.Contains(string(b), "nebeus-checks") {
		t.Errorf("JSON report: %v (checks entries present: %v)", err, err == nil && strings.Contains(string(b), "nebeus-checks"))
	}
	// The whole default run exercises the whole contract, and says so.
	files := reportFiles{json: jsonReport}
	if sj := files.summary(t); !sj.Coverage.Complete() || sj.Verdict != "CONFORMS" || len(sj.Findings) != 0 {
		t.Errorf("JSON summary: verdict %s, %d findings, unexercised %v", sj.Verdict, len(sj.Findings), sj.Coverage.Unexercised)
	}
	if !strings.Contains(res.out, "the run exercised the whole contract") {
		t.Errorf("the text report does not say the run exercised the whole contract:\n%s", tail(res.out, 40))
	}

	html := filepath.Join(dir, "report.html")
	par := runConformance(context.Background(), t, url, nil, "--parallel", "3", "--junit-report", junit, "--json-report", jsonReport, "--html-report", html)
	if par.code != 0 {
		t.Fatalf("--parallel 3: exit status %d, want 0\n%s", par.code, tail(par.out, 80))
	}
	if !strings.Contains(par.out, "parallel:    3 processes") || !strings.Contains(par.out, "CONFORMS") {
		t.Errorf("--parallel 3: no merged summary:\n%s", tail(par.out, 40))
	}
	checkJUnit(t, junit)
	// The merged JSON report holds the run's summary, not a shard's.
	if sj := files.summary(t); sj.Specs.Passed < 100 || !strings.Contains(sj.Header, "parallel:    3 processes") {
		t.Errorf("--parallel 3: the JSON summary is not the merged run's: %d specs passed, header %q", sj.Specs.Passed, sj.Header)
	}
	if b, err := os.ReadFile(html); err != nil || !strings.Contains(string(b), "CONFORMS") {
		t.Errorf("--parallel 3: HTML report: %v", err)
	}
}

// checkJUnit checks that a JUnit report holds every spec, none failed.
func checkJUnit(t *testing.T, path string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Errors   int `xml:"errors,attr"`
	}
	if err := xml.Unmarshal(b, &suites); err != nil {
		t.Fatalf("JUnit report: %v", err)
	}
	if suites.Tests < 100 || suites.Failures != 0 || suites.Errors != 0 {
		t.Errorf("JUnit report: %d tests, %d failures, %d errors", suites.Tests, suites.Failures, suites.Errors)
	}
}

// TestUnreachableTargetExits2: a target that cannot be reached is exit
// status 2, not a violation.
func TestUnreachableTargetExits2(t *testing.T) {
	onlyUnderGoTest(t)
	t.Parallel() // runs the binary: its waits overlap other tests
	res := runConformance(context.Background(), t, "http://127.0.0.1:1", nil)
	if res.code != 2 {
		t.Errorf("exit status %d, want 2\n%s", res.code, res.out)
	}
}
