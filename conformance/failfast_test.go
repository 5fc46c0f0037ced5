package conformance_test

import (
	"context"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

var (
	specsLine   = regexp.MustCompile(`(?m)^specs: (\d+) passed, (\d+) failed, (\d+) skipped$`)
	stoppedLine = regexp.MustCompile(`(?m)^STOPPED at the first failure \(--fail-fast\): (\d+) specs not run$`)
)

// specCounts reads the summary's specs line: passed, failed, skipped.
func specCounts(t *testing.T, out string) (passed, failed, skipped int) {
	t.Helper()
	m := specsLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no specs line in the summary:\n%s", tail(out, 60))
	}
	n := func(s string) int { v, _ := strconv.Atoi(s); return v }
	return n(m[1]), n(m[2]), n(m[3])
}

// notRun is the STOPPED line's count, or -1 without one.
func notRun(out string) int {
	m := stoppedLine.FindStringSubmatch(out)
	if m == nil {
		return -1
	}
	v, _ := strconv.Atoi(m[1])
	return v
}

// TestFailFastStopsAtTheFirstFailureAndCountsTheRest: --fail-fast ends a
// failing run at its first failing spec (exit status 1) and counts every
// spec the run meant to run and did not (the label filter's left out are
// not among them); a conforming run with it runs everything and says
// nothing of stopping; with --parallel each shard gets the flag.
func TestFailFastStopsAtTheFirstFailureAndCountsTheRest(t *testing.T) {
	onlyUnderGoTest(t)
	t.Parallel() // runs the binary: its waits overlap other tests
	args := []string{"--timeout", "2s", "--steps", "0", "--seed", "1", "--label-filter", "readonly", "--fail-fast"}

	ok := runConformance(context.Background(), t, startMockBinary(t), nil, args...)
	if ok.code != 0 {
		t.Fatalf("conforming mock with --fail-fast: exit status %d, want 0\n%s", ok.code, tail(ok.out, 60))
	}
	readonly, failed, _ := specCounts(t, ok.out)
	if failed != 0 || readonly == 0 || notRun(ok.out) != -1 {
		t.Fatalf("conforming mock with --fail-fast: %d passed, %d failed, STOPPED count %d; want all readonly specs run and no STOPPED line\n%s", readonly, failed, notRun(ok.out), tail(ok.out, 60))
	}
	if !strings.Contains(ok.out, "fail-fast:   on") {
		t.Errorf("the header does not say the run stops at its first failure:\n%s", tail(ok.out, 60))
	}

	srv := mutantServer(t, "countries-lower-case-code")
	files := newReportFiles(t)
	bad := runConformance(context.Background(), t, srv.URL, nil, append(files.args(), args...)...)
	if bad.code != 1 {
		t.Fatalf("mutant with --fail-fast: exit status %d, want 1\n%s", bad.code, tail(bad.out, 60))
	}
	passed, failed, _ := specCounts(t, bad.out)
	stopped := notRun(bad.out)
	if failed != 1 || stopped <= 0 {
		t.Errorf("mutant with --fail-fast: %d failed, %d not run; want 1 failed and the rest not run\n%s", failed, stopped, tail(bad.out, 60))
	}
	if passed+failed+stopped != readonly {
		t.Errorf("mutant with --fail-fast: %d passed + %d failed + %d not run = %d, want the %d readonly specs", passed, failed, stopped, passed+failed+stopped, readonly)
	}
	if !strings.Contains(bad.out, "[S6] violation") {
		t.Errorf("the run that stopped does not report the finding that stopped it:\n%s", tail(bad.out, 60))
	}
	sj := files.summary(t)
	if sj.FailFastNotRun != stopped {
		t.Errorf("the JSON summary counts %d specs not run after the first failure, the summary %d", sj.FailFastNotRun, stopped)
	}
	// In JUnit each names why: those of an ordered flow the failure it
	// was skipped after, the rest the stop; the specs the label filter
	// left out are not among them.
	junit, err := os.ReadFile(files.junit)
	if err != nil {
		t.Fatal(err)
	}
	if n, want := strings.Count(string(junit), "not run: the run stopped at its first failure (--fail-fast)"), stopped-len(sj.SkippedAfter); n != want || want <= 0 {
		t.Errorf("%d JUnit test cases say the run stopped at its first failure, want %d (%d not run, %d skipped after a failure)", n, want, stopped, len(sj.SkippedAfter))
	}
	if html, err := os.ReadFile(files.html); err != nil || !strings.Contains(string(html), "Stopped at the first failure (--fail-fast): "+strconv.Itoa(stopped)+" specs not run") {
		t.Errorf("the HTML report does not say the run stopped (%v)", err)
	}

	whole := runConformance(context.Background(), t, srv.URL, nil, args[:len(args)-1]...)
	if _, f, _ := specCounts(t, whole.out); whole.code != 1 || f <= failed || notRun(whole.out) != -1 {
		t.Errorf("mutant without --fail-fast: exit status %d, %d failed, STOPPED count %d; want 1, more failures than one, no STOPPED line", whole.code, f, notRun(whole.out))
	}

	par := runConformanceAsIs(context.Background(), t, srv.URL, nil, append(args, "--parallel", "2")...)
	if par.code != 1 || notRun(par.out) <= 0 {
		t.Errorf("mutant with --fail-fast --parallel 2: exit status %d, STOPPED count %d; want 1 and the shards' specs left counted\n%s", par.code, notRun(par.out), tail(par.out, 60))
	}
}
