package loadtest_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nebeus/nebeus-contract/internal/testutil"
)

// Bounds of the process benchmarks.
const (
	buildTimeout    = 5 * time.Minute
	healthyDeadline = 5 * time.Second
	probeTimeout    = 100 * time.Millisecond
	// probePause spaces the readiness probes. Not synchronisation: the
	// probes are the measurement, and on two cores a probe loop that never
	// yields would take CPU from the very process being timed. It bounds
	// the error of a start-up figure to a quarter of a millisecond.
	probePause     = 250 * time.Microsecond
	startsPerRound = 5
)

// baselineMain is the smallest Go HTTP server a mock could be: the standard
// library's mux, a health route and one fixed JSON answer.
const baselineMain = `package main

import (
	"flag"
	"io"
	"log"
	"net/http"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	flag.Parse()
	ok := []byte(` + "`" + `{"status":"ok"}` + "`" + `)
	answer := func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(ok)
	}
	http.HandleFunc("GET /healthz", answer)
	http.HandleFunc("POST /", answer)
	log.Fatal(http.ListenAndServe(*addr, nil))
}
`

// builds holds the two binaries, built once per test process and removed
// by TestMain.
var builds struct {
	once       sync.Once
	dir        string
	mock, base string
	err        error
}

// binaries builds cmd/nebeus-mock and the baseline server, once.
func binaries(b *testing.B) (mock, base string) {
	b.Helper()
	builds.once.Do(func() { builds.mock, builds.base, builds.err = build() })
	if builds.err != nil {
		b.Fatal(builds.err)
	}
	return builds.mock, builds.base
}

func build() (mock, base string, err error) {
	if _, err := exec.LookPath("go"); err != nil {
		return "", "", fmt.Errorf("the go command is needed to build the binaries: %w", err)
	}
	if builds.dir, err = os.MkdirTemp("", "nebeus-loadtest-"); err != nil {
		return "", "", err
	}
	ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
	defer cancel()

	// The mock exactly as `make build` builds it; the working directory,
	// this package's, is inside the module.
	mock = filepath.Join(builds.dir, "nebeus-mock")
	if err := testutil.GoBuild(ctx, "", mock, "github.com/nebeus/nebeus-contract/cmd/nebeus-mock"); err != nil {
		return "", "", err
	}

	// The baseline in a module of its own, so it links nothing of ours.
	src := filepath.Join(builds.dir, "baseline")
	if err := os.Mkdir(src, 0o755); err != nil {
		return "", "", err
	}
	// go 1.22: the first version whose mux understands "GET /healthz".
	if err := os.WriteFile(filepath.Join(src, "go.mod"), []byte("module baseline\n\ngo 1.22\n"), 0o644); err != nil {
		return "", "", err
	}
	if err := os.WriteFile(filepath.Join(src, "main.go"), []byte(baselineMain), 0o644); err != nil {
		return "", "", err
	}
	base = filepath.Join(builds.dir, "baseline-server")
	if err := testutil.GoBuild(ctx, src, base, "."); err != nil {
		return "", "", err
	}
	return mock, base, nil
}

func removeBinaries() {
	if builds.dir != "" {
		_ = os.RemoveAll(builds.dir)
	}
}

// proc is a started server process.
type proc struct {
	name   string
	addr   string
	cmd    *exec.Cmd
	start  time.Time
	done   chan struct{} // closed when the process has exited and been waited for
	stderr bytes.Buffer  // read only after done
	once   sync.Once
}

// startProc starts bin listening on a free loopback port. The process is
// killed and waited for when b ends, if nobody stopped it before.
func startProc(b *testing.B, bin string) *proc {
	b.Helper()
	addr, err := freeAddr()
	if err != nil {
		b.Fatal(err)
	}
	p := &proc{name: filepath.Base(bin), addr: addr, done: make(chan struct{})}
	p.cmd = exec.Command(bin, "--addr", addr)
	p.cmd.Env = cleanEnv()
	p.cmd.Stderr = &p.stderr // stdout (the banner) goes to /dev/null
	p.start = time.Now()
	if err := p.cmd.Start(); err != nil {
		b.Fatalf("starting %s: %v", bin, err)
	}
	go func() {
		_ = p.cmd.Wait()
		close(p.done)
	}()
	b.Cleanup(p.stop)
	return p
}

// stop kills the process and waits until it is gone; safe to call twice.
func (p *proc) stop() {
	p.once.Do(func() {
		_ = p.cmd.Process.Kill()
		<-p.done
	})
}

// cleanEnv is this process's environment without NEBEUS_MOCK_* variables:
// a developer's settings must not change what is measured.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "NEBEUS_MOCK_") {
			env = append(env, kv)
		}
	}
	return env
}

// freeAddr asks the kernel for a free loopback port. Another process could
// take it before ours binds; that start then fails loudly, never silently.
func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// untilHealthy probes GET /healthz until it answers 200 and returns the time
// from the process's start to that answer.
func (p *proc) untilHealthy() (time.Duration, error) {
	client := &http.Client{
		Timeout: probeTimeout,
		// Each probe a fresh connection, as the first client's would be.
		Transport: &http.Transport{DisableKeepAlives: true},
	}
	url := "http://" + p.addr + "/healthz"
	deadline := p.start.Add(healthyDeadline)
	for {
		resp, err := client.Get(url)
		if err == nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return time.Since(p.start), nil
			}
		}
		select {
		case <-p.done:
			return 0, fmt.Errorf("%s exited before answering /healthz: %s\n%s", p.name, p.cmd.ProcessState, p.stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			return 0, fmt.Errorf("%s did not answer /healthz within %s (last error: %v)", p.name, healthyDeadline, err)
		}
		time.Sleep(probePause)
	}
}

// BenchmarkStartup times process start to the first answered request, for
// the mock and the baseline in alternation so that any drift of the machine
// hits both. Each b.Loop iteration starts each binary startsPerRound times.
func BenchmarkStartup(b *testing.B) {
	mock, base := binaries(b)
	var mockSum, baseSum time.Duration
	n := 0
	for b.Loop() {
		for range startsPerRound {
			for _, x := range []struct {
				bin string
				sum *time.Duration
			}{{base, &baseSum}, {mock, &mockSum}} {
				p := startProc(b, x.bin)
				d, err := p.untilHealthy()
				p.stop()
				if err != nil {
					b.Fatal(err)
				}
				*x.sum += d
			}
			n++
		}
	}
	mockMS, baseMS := ms(mockSum)/float64(n), ms(baseSum)/float64(n)
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(mockMS, "ms")
	b.ReportMetric(baseMS, "base-ms")
	b.ReportMetric(mockMS/baseMS, "ratio")
	b.ReportMetric(float64(n), "starts")
}

// BenchmarkIdleRSS reads the resident memory of each server once it has
// answered /healthz and a few operations: what a developer's machine pays
// for keeping the mock running.
func BenchmarkIdleRSS(b *testing.B) {
	mock, base := binaries(b)
	var mockSum, baseSum float64
	n := 0
	for b.Loop() {
		for _, x := range []struct {
			bin string
			sum *float64
		}{{base, &baseSum}, {mock, &mockSum}} {
			p := startProc(b, x.bin)
			if _, err := p.untilHealthy(); err != nil {
				b.Fatal(err)
			}
			for _, sc := range scenarios {
				// The baseline answers every POST with the same small
				// body; what matters is that it served the request.
				if _, err := post(sc.target("http://" + p.addr)); err != nil {
					b.Fatalf("%s: %s: %v", p.name, sc.op, err)
				}
			}
			rss, err := residentBytes(p.cmd.Process.Pid)
			p.stop()
			if err != nil {
				b.Fatal(err)
			}
			*x.sum += float64(rss) / 1e6
		}
		n++
	}
	mockMB, baseMB := mockSum/float64(n), baseSum/float64(n)
	b.ReportMetric(0, "ns/op")
	b.ReportMetric(mockMB, "MB")
	b.ReportMetric(baseMB, "base-MB")
	b.ReportMetric(mockMB/baseMB, "ratio")
}

// residentBytes reads VmRSS from /proc (Linux only, like the goal itself).
func residentBytes(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			// "   12345 kB"
			fields := strings.Fields(v)
			if len(fields) != 2 || fields[1] != "kB" {
				return 0, fmt.Errorf("unexpected VmRSS line %q", sc.Text())
			}
			kb, err := strconv.ParseInt(fields[0], 10, 64)
			return kb * 1024, err
		}
	}
	if err := sc.Err(); err != nil {
		return 0, err
	}
	return 0, errors.New("no VmRSS in /proc/PID/status")
}
