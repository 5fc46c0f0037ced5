package loadtest_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"github.com/nebeus/nebeus-contract/mockserver"
)

// Tunables of the load benchmark. Flags exist for a single-package run;
// the environment variables reach them through `make bench`, whose
// ./... would reject a flag the other packages do not define.
var (
	loadDuration = 2 * time.Second
	loadWorkers  = uint64(64)
)

func init() {
	flag.DurationVar(&loadDuration, "load.duration", loadDuration, "how long each load attack lasts (env NEBEUS_LOAD_DURATION)")
	flag.Uint64Var(&loadWorkers, "load.workers", loadWorkers, "requests in flight during a load attack (env NEBEUS_LOAD_WORKERS)")
}

func TestMain(m *testing.M) {
	// The environment first, so that a flag given on the command line,
	// parsed after, wins.
	for env, name := range map[string]string{
		"NEBEUS_LOAD_DURATION": "load.duration", "NEBEUS_LOAD_WORKERS": "load.workers",
		"NEBEUS_WRK_DURATION": "wrk.duration", "NEBEUS_WRK_THREADS": "wrk.threads", "NEBEUS_WRK_CONNECTIONS": "wrk.connections",
	} {
		if v := os.Getenv(env); v != "" {
			if err := flag.Set(name, v); err != nil {
				fmt.Fprintf(os.Stderr, "%s=%q: %v\n", env, v, err)
				os.Exit(2)
			}
		}
	}
	flag.Parse()
	if loadDuration <= 0 || loadWorkers == 0 {
		fmt.Fprintln(os.Stderr, "-load.duration and -load.workers must be positive")
		os.Exit(2)
	}
	code := m.Run()
	removeBinaries()
	os.Exit(code)
}

// requestTimeout bounds one request of an attack; attackGuard bounds a whole
// attack beyond its planned length, should a server stop answering.
const (
	requestTimeout = 10 * time.Second
	attackGuard    = 30 * time.Second
)

// scenario is one operation under load: the request a frontend sends most
// often for it, and what a correct answer must contain beyond status 200.
type scenario struct {
	op     string
	params string
	// check inspects one body; want is the mock's recorded answer to the
	// same request.
	check func(body, want []byte) error
}

var scenarios = []scenario{
	{
		// S6: the same answer every time, so it must be byte for byte the
		// recorded one.
		op:     "get_countries",
		params: `{}`,
		check: func(body, want []byte) error {
			if !bytes.Equal(body, want) {
				return fmt.Errorf("body differs from the recorded answer (%d bytes, want %d)", len(body), len(want))
			}
			return nil
		},
	},
	{
		// S1, S2: every signin opens a new session (the mock keeps them
		// all; a few tens of thousands cost little), so the session id
		// differs each time; the shape must not.
		op:     "signin",
		params: `{"login":"demo@example.com","password":"demo-password-1"}`,
		check: func(body, _ []byte) error {
			if !bytes.HasPrefix(body, []byte(`[{"id":1,"jsonrpc":"2.0","result":{`)) || !bytes.Contains(body, []byte(`"session_id":"`)) {
				return fmt.Errorf("not a signin success: %.200s", body)
			}
			return nil
		},
	},
}

// target is the scenario's request against base, exactly as a client of
// the contract sends it (T1, T2).
func (sc scenario) target(base string) vegeta.Target {
	return vegeta.Target{
		Method: http.MethodPost,
		URL:    base + "/" + sc.op + "/1.0/json",
		Body:   []byte(`{"jsonrpc":"2.0","method":"call","params":` + sc.params + `,"id":1}`),
		Header: http.Header{"Content-Type": {"application/json"}, "Accept": {"application/json"}},
	}
}

// startMock serves a fresh mock, configured as `make run` starts it, on a
// loopback port; its state lives only as long as tb.
func startMock(tb testing.TB) string {
	tb.Helper()
	mock, err := mockserver.New(mockserver.Config{})
	if err != nil {
		tb.Fatalf("mockserver.New: %v", err)
	}
	return startServer(tb, mock)
}

// startServer serves h on 127.0.0.1 (httptest's default) until tb ends.
func startServer(tb testing.TB, h http.Handler) string {
	tb.Helper()
	srv := httptest.NewServer(h)
	tb.Cleanup(srv.Close)
	return srv.URL
}

// canned is one recorded answer of the mock: what the baseline replays.
type canned struct {
	header http.Header
	body   []byte
}

// record sends tgt once and keeps the answer.
func record(tb testing.TB, tgt vegeta.Target) canned {
	tb.Helper()
	c, err := post(tgt)
	if err != nil {
		tb.Fatalf("recording %s: %v", tgt.URL, err)
	}
	return c
}

// post sends tgt once and returns the answer, which must be a 200.
func post(tgt vegeta.Target) (canned, error) {
	req, err := tgt.Request()
	if err != nil {
		return canned{}, err
	}
	client := &http.Client{Timeout: requestTimeout}
	resp, err := client.Do(req)
	if err != nil {
		return canned{}, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return canned{}, err
	}
	if resp.StatusCode != http.StatusOK {
		return canned{}, fmt.Errorf("status %d: %.200s", resp.StatusCode, body)
	}
	h := resp.Header.Clone()
	h.Del("Date") // the server sets its own
	return canned{header: h, body: body}, nil
}

// baseline is the cheapest server that answers like the mock: it reads the
// request, as any JSON endpoint must, and writes the recorded headers and
// bytes. The distance between it and the mock is what the mock's own work
// (decoding, schema checks, state, logging, metrics) costs.
func baseline(c canned) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		h := w.Header()
		for k, v := range c.header {
			h[k] = v // read-only from here on: shared safely
		}
		_, _ = w.Write(c.body)
	})
}

// maxRate is vegeta's "as fast as the server answers": with a zero rate the
// attacker sends a new request as soon as one of its workers is free.
var maxRate vegeta.Pacer = vegeta.ConstantPacer{}

// hits stops an attack after n requests, sent at the maximum rate, so that
// a test's attack is bounded by count rather than by time.
func hits(n uint64) vegeta.Pacer { return countPacer(n) }

// countPacer is written out because vegeta.PacerFunc lacks the Rate method
// that vegeta.Pacer asks for.
type countPacer uint64

func (n countPacer) Pace(_ time.Duration, sent uint64) (time.Duration, bool) {
	return 0, sent >= uint64(n)
}

// Rate is vegeta's "unbounded".
func (countPacer) Rate(time.Duration) float64 { return 0 }

// attack runs one vegeta attack of tgt with a fixed number of workers, for
// du (0: until the pacer stops it), checks every answer and returns the
// metrics; each latency also goes to lat when it is not nil. It fails when
// any request failed, answered other than 200, or failed check: throughput
// of wrong answers measures nothing.
func attack(tgt vegeta.Target, p vegeta.Pacer, du time.Duration, workers uint64, want []byte, check func(body, want []byte) error, lat *vegeta.LatencyMetrics) (*vegeta.Metrics, error) {
	atk := vegeta.NewAttacker(
		vegeta.Workers(workers),
		vegeta.MaxWorkers(workers), // max-rate mode needs a bound
		vegeta.Timeout(requestTimeout),
		vegeta.KeepAlive(true),
	)
	guard := time.AfterFunc(du+attackGuard, func() { atk.Stop() })
	defer guard.Stop()

	var m vegeta.Metrics
	var bad int
	var firstBad error
	for res := range atk.Attack(vegeta.NewStaticTargeter(tgt), p, du, "") {
		m.Add(res)
		if lat != nil {
			lat.Add(res.Latency)
		}
		var err error
		switch {
		case res.Error != "" || res.Code != http.StatusOK:
			err = fmt.Errorf("status %d, error %q: %.200s", res.Code, res.Error, res.Body)
		default:
			err = check(res.Body, want)
		}
		if err != nil {
			if bad++; firstBad == nil {
				firstBad = err
			}
		}
	}
	m.Close()
	switch {
	case m.Requests == 0:
		return &m, errors.New("no request was sent")
	case bad > 0:
		return &m, fmt.Errorf("%d of %d answers wrong, the first: %w", bad, m.Requests, firstBad)
	case m.Success != 1:
		return &m, fmt.Errorf("success ratio %.4f, status codes %v, errors %v", m.Success, m.StatusCodes, m.Errors)
	}
	return &m, nil
}
