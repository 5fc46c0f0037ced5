package conformance_test

import (
	"bufio"
	"context"
	"encoding/xml"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startMockBinary runs the built nebeus-mock on a free loopback port and
// returns its base URL, read from its banner.
func startMockBinary(t *testing.T) string {
	t.Helper()
	_, mockBin := binaries(t)
	cmd := exec.Command(mockBin, "--addr", "127.0.0.1:0", "--log-level", "error")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if _, url, ok := strings.Cut(sc.Text(), "listening on "); ok {
				lines <- strings.TrimSpace(url)
				break
			}
		}
		io.Copy(io.Discard, stdout) // keep the pipe drained
	}()
	select {
	case url := <-lines:
		return url
	case <-time.After(20 * time.Second):
		t.Fatal("nebeus-mock printed no 'listening on' banner")
		return ""
	}
}

// TestBinariesOverLoopback: the built conformance binary passes the built
// mock over loopback, sequentially and with --parallel, and writes its
// JUnit and JSON reports.
func TestBinariesOverLoopback(t *testing.T) {
	onlyUnderGoTest(t)
	t.Parallel() // runs the binary: its waits overlap other tests
	url := startMockBinary(t)
	dir := t.TempDir()
	junit, jsonReport := filepath.Join(dir, "junit.xml"), filepath.Join(dir, "report.json")
	res := runConformance(context.Background(), t, url, nil, "--junit-report", junit, "--json-report", jsonReport)
	if res.code != 0 {
		t.Fatalf("exit status %d, want 0\n%s", res.code, tail(res.out, 80))
	}
	t.Logf("suite against the mock binary took %s", res.elapsed.Round(time.Millisecond))
	checkJUnit(t, junit)
	if b, err := os.ReadFile(jsonReport); err != nil || !strings.Contains(string(b), "nebeus-checks") {
		t.Errorf("JSON report: %v (checks entries present: %v)", err, err == nil && strings.Contains(string(b), "nebeus-checks"))
	}

	par := runConformance(context.Background(), t, url, nil, "--parallel", "3", "--junit-report", junit)
	if par.code != 0 {
		t.Fatalf("--parallel 3: exit status %d, want 0\n%s", par.code, tail(par.out, 80))
	}
	if !strings.Contains(par.out, "parallel:    3 processes") || !strings.Contains(par.out, "CONFORMS") {
		t.Errorf("--parallel 3: no merged summary:\n%s", tail(par.out, 40))
	}
	checkJUnit(t, junit)
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
