package loadtest_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// Tunables of the wrk benchmark (env NEBEUS_WRK_DURATION, NEBEUS_WRK_THREADS,
// NEBEUS_WRK_CONNECTIONS reach them through TestMain, like the load ones).
var (
	wrkDuration    = 4 * time.Second
	wrkThreads     = 2
	wrkConnections = 32
)

func init() {
	flag.DurationVar(&wrkDuration, "wrk.duration", wrkDuration, "how long wrk loads each side, in whole seconds (env NEBEUS_WRK_DURATION)")
	flag.IntVar(&wrkThreads, "wrk.threads", wrkThreads, "wrk's -t (env NEBEUS_WRK_THREADS)")
	flag.IntVar(&wrkConnections, "wrk.connections", wrkConnections, "wrk's -c (env NEBEUS_WRK_CONNECTIONS)")
}

// wrkTimeout bounds one wrk run beyond its planned length.
const wrkTimeout = 30 * time.Second

// BenchmarkWrk drives the mock and the bare handler writing the mock's
// very bytes (baseline) with wrk, a client in C whose own cost is small
// next to either server's, in alternating one-second slices of the same
// run, and reports both rates, their latencies and the ratio (goals:
// get_countries >= 0.85, signin >= 0.6 of the baseline). It skips, saying
// so, where wrk is not installed (Debian: apt-get install wrk; .ci/run
// installs it). Every answer must be a 200: wrk counts any other status and
// any socket error, and either fails the benchmark; before and after the
// load, one answer of each server is checked in full.
func BenchmarkWrk(b *testing.B) {
	bin, err := exec.LookPath("wrk")
	if err != nil {
		b.Skip("BenchmarkWrk SKIPPED: wrk not found (apt-get install wrk)")
	}
	rounds := int(wrkDuration / time.Second)
	if rounds < 1 {
		b.Fatalf("-wrk.duration %s: at least 1s", wrkDuration)
	}
	for _, sc := range scenarios {
		b.Run(sc.op, func(b *testing.B) {
			tgt := sc.target(startMock(b))
			want := record(b, tgt)
			baseTgt := sc.target(startServer(b, baseline(want)))
			script := wrkScript(b, tgt)

			verify := func(when string) {
				for name, t := range map[string]vegeta.Target{"mock": tgt, "baseline": baseTgt} {
					got, err := post(t)
					if err == nil {
						err = sc.check(got.body, want.body)
					}
					if err != nil {
						b.Fatalf("%s, %s: %v", when, name, err)
					}
				}
			}
			verify("before the load")
			// Warm both: code paths and allocator caches hot, as in a dev
			// server's steady state.
			for _, t := range []vegeta.Target{baseTgt, tgt} {
				if _, err := runWrk(bin, script, t.URL, time.Second); err != nil {
					b.Fatalf("warm-up of %s: %v", t.URL, err)
				}
			}
			var mock, base wrkTally
			for b.Loop() {
				for range rounds {
					r, err := runWrk(bin, script, baseTgt.URL, time.Second)
					if err != nil {
						b.Fatalf("baseline: %v", err)
					}
					base.add(r)
					if r, err = runWrk(bin, script, tgt.URL, time.Second); err != nil {
						b.Fatalf("mock: %v", err)
					}
					mock.add(r)
				}
			}
			verify("after the load")

			b.ReportMetric(0, "ns/op") // the length of a run, which we chose
			b.ReportMetric(mock.rate(), "req/s")
			b.ReportMetric(mock.p50(), "p50-ms")
			b.ReportMetric(mock.p99(), "p99-ms")
			b.ReportMetric(base.rate(), "base-req/s")
			b.ReportMetric(base.p50(), "base-p50-ms")
			b.ReportMetric(base.p99(), "base-p99-ms")
			b.ReportMetric(mock.rate()/base.rate(), "ratio")
		})
	}
}

// wrkScript writes the Lua script that makes wrk send tgt's request.
func wrkScript(tb testing.TB, tgt vegeta.Target) string {
	tb.Helper()
	var s strings.Builder
	fmt.Fprintf(&s, "wrk.method = %q\n", tgt.Method)
	fmt.Fprintf(&s, "wrk.body = %s\n", luaString(tgt.Body))
	for k, vs := range tgt.Header {
		fmt.Fprintf(&s, "wrk.headers[%s] = %s\n", luaString([]byte(k)), luaString([]byte(vs[0])))
	}
	path := filepath.Join(tb.TempDir(), "request.lua")
	if err := os.WriteFile(path, []byte(s.String()), 0o600); err != nil {
		tb.Fatal(err)
	}
	return path
}

// luaString is b as a Lua string literal: every byte a decimal escape, so no
// content can end it early.
func luaString(b []byte) string {
	var s strings.Builder
	s.WriteByte('"')
	for _, c := range b {
		fmt.Fprintf(&s, "\\%d", c)
	}
	s.WriteByte('"')
	return s.String()
}

// wrkResult is what one wrk run reports.
type wrkResult struct {
	requests int
	seconds  float64
	p50, p99 time.Duration
}

// runWrk runs wrk against url for du (whole seconds) and parses its report.
// Any non-2xx answer or socket error is an error: throughput of failures
// measures nothing.
func runWrk(bin, script, url string, du time.Duration) (wrkResult, error) {
	ctx, cancel := context.WithTimeout(context.Background(), du+wrkTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin,
		"-t", strconv.Itoa(wrkThreads), "-c", strconv.Itoa(wrkConnections),
		"-d", strconv.Itoa(int(du/time.Second))+"s", "--latency", "-s", script, url)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return wrkResult{}, fmt.Errorf("wrk: %v\n%s", err, out)
	}
	return parseWrk(out)
}

// parseWrk reads wrk's text report: "N requests in 1.00s", the 50% and 99%
// lines of --latency, and fails on "Non-2xx or 3xx responses" or "Socket
// errors".
func parseWrk(out []byte) (wrkResult, error) {
	var r wrkResult
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) >= 4 && f[1] == "requests" && f[2] == "in":
			n, err := strconv.Atoi(f[0])
			if err != nil {
				return r, fmt.Errorf("wrk: %q: %v", sc.Text(), err)
			}
			d, err := time.ParseDuration(strings.TrimSuffix(f[3], ","))
			if err != nil {
				return r, fmt.Errorf("wrk: %q: %v", sc.Text(), err)
			}
			r.requests, r.seconds = n, d.Seconds()
		case len(f) == 2 && (f[0] == "50%" || f[0] == "99%"):
			d, err := time.ParseDuration(f[1])
			if err != nil {
				return r, fmt.Errorf("wrk: %q: %v", sc.Text(), err)
			}
			if f[0] == "50%" {
				r.p50 = d
			} else {
				r.p99 = d
			}
		case strings.HasPrefix(strings.TrimSpace(sc.Text()), "Non-2xx"),
			strings.HasPrefix(strings.TrimSpace(sc.Text()), "Socket errors"):
			return r, fmt.Errorf("wrk: %s\n%s", strings.TrimSpace(sc.Text()), out)
		}
	}
	if r.requests == 0 || r.seconds == 0 {
		return r, errors.New("wrk: no request answered:\n" + string(out))
	}
	return r, nil
}

// wrkTally adds up the runs of one side. Latency percentiles are the
// median, over runs, of each run's percentile: wrk reports no histogram.
type wrkTally struct {
	requests int
	seconds  float64
	p50s     []time.Duration
	p99s     []time.Duration
}

func (t *wrkTally) add(r wrkResult) {
	t.requests += r.requests
	t.seconds += r.seconds
	t.p50s = append(t.p50s, r.p50)
	t.p99s = append(t.p99s, r.p99)
}

func (t *wrkTally) rate() float64 { return float64(t.requests) / t.seconds }
func (t *wrkTally) p50() float64  { return ms(median(t.p50s)) }
func (t *wrkTally) p99() float64  { return ms(median(t.p99s)) }

func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := append([]time.Duration(nil), ds...)
	for i := 1; i < len(s); i++ { // insertion sort: a handful of runs
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
	return s[len(s)/2]
}
