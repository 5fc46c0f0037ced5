package conformance_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nebeus/nebeus-contract/internal/testutil"
	"github.com/nebeus/nebeus-contract/mockserver"
)

// The mutants' servers run in a copy of this package's test binary built
// without -race (issue 20: make test under five minutes on two cores). The
// suite runs as a subprocess anyway; what the race detector slowed was the
// mock behind each mutant, ten times over, while the mock's own races are
// what mockserver's tests (with -race) look for. The copy is this very
// binary's code: the mutants are defined once, in these _test.go files.

// serveMutantsEnv, when set in a test binary's environment, makes TestMain
// serve the mutants it names (comma-separated) instead of running tests.
const serveMutantsEnv = "NEBEUS_SERVE_MUTANTS"

// allMutants is every mutant by name: the suite's (mutants) and the
// stronger checks' own (strongerMutants).
func allMutants() map[string]mutant {
	all := map[string]mutant{}
	for _, m := range mutants() {
		all[m.name] = m
	}
	for _, m := range strongerMutants() {
		all[m.name] = m.mutant
	}
	return all
}

// serveMutants serves each named mutant, in front of a mock of its own, on
// a loopback port of its own; it prints "NAME URL" per mutant, then
// "ready", and serves until its standard input closes (the test that
// started it ended) or it is killed.
func serveMutants(names string, stdin io.Reader, stdout io.Writer) error {
	all := allMutants()
	var servers []*http.Server
	for _, name := range strings.Split(names, ",") {
		m, ok := all[name]
		if !ok {
			return fmt.Errorf("no mutant %q", name)
		}
		mock, err := mockserver.New(mockserver.Config{})
		if err != nil {
			return err
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		srv := &http.Server{Handler: m.wrap(mock), ReadHeaderTimeout: 10 * time.Second}
		servers = append(servers, srv)
		go srv.Serve(ln)
		fmt.Fprintf(stdout, "%s http://%s\n", name, ln.Addr())
	}
	fmt.Fprintln(stdout, "ready")
	io.Copy(io.Discard, stdin)
	for _, s := range servers {
		s.Close()
	}
	return nil
}

// names are the mutants' names.
func names(ms []mutant) []string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.name
	}
	return out
}

// served is a mutant's server as a test sees it: where it answers.
type served struct{ URL string }

// mutantServer starts the mutant of that name, alone (mutantServers).
func mutantServer(t testing.TB, name string) served {
	t.Helper()
	if _, ok := allMutants()[name]; !ok {
		t.Fatalf("no mutant %s", name)
	}
	return served{mutantServers(t, []string{name})[name]}
}

var (
	mutantBinOnce sync.Once
	mutantBin     string
	mutantBinErr  error
)

// mutantServers starts one process serving the named mutants and returns
// each one's base URL; the process ends with the test.
func mutantServers(t testing.TB, names []string) map[string]string {
	t.Helper()
	mutantBinOnce.Do(func() {
		mutantBin = filepath.Join(binDir, "conformance-mutants.test")
		// Static as binaries(): the dependencies compiled for the static
		// binaries serve this build too.
		mutantBinErr = testutil.GoCommand(context.Background(), "", "test", "-c", "-o", mutantBin, ".")
	})
	if mutantBinErr != nil {
		t.Fatal(mutantBinErr)
	}
	cmd := exec.Command(mutantBin)
	cmd.Env = append(os.Environ(), serveMutantsEnv+"="+strings.Join(names, ","))
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("the mutants' servers: %v", err)
		}
	})
	urls := map[string]string{}
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := sc.Text()
		if line == "ready" {
			go io.Copy(io.Discard, stdout)
			return urls
		}
		name, url, ok := strings.Cut(line, " ")
		if !ok {
			t.Fatalf("the mutants' servers said %q", line)
		}
		urls[name] = url
	}
	cmd.Process.Kill()
	t.Fatalf("the mutants' servers ended before they were ready: %v", sc.Err())
	return nil
}
