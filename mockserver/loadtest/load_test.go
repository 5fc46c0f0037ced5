package loadtest_test

import (
	"bytes"
	"net/http"
	"testing"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// loadRounds splits each side's -load.duration into alternating slices
// (baseline, mock, baseline, ...): on a shared machine a neighbour's burst
// then slows both sides alike instead of skewing the ratio.
const loadRounds = 4

// BenchmarkLoad drives the mock and its baseline in turn at their maximum
// rate over loopback and reports both and the ratio. One b.Loop iteration
// is -load.duration of load on each side; the default -benchtime runs
// exactly one.
func BenchmarkLoad(b *testing.B) {
	for _, sc := range scenarios {
		b.Run(sc.op, func(b *testing.B) {
			tgt := sc.target(startMock(b))
			want := record(b, tgt)
			baseTgt := sc.target(startServer(b, baseline(want)))

			// Warm both before measuring: code paths and allocator caches
			// hot, as in a dev server's steady state.
			for _, t := range []vegeta.Target{baseTgt, tgt} {
				if _, err := attack(t, hits(200), 0, loadWorkers, want.body, sc.check, nil); err != nil {
					b.Fatalf("warm-up of %s: %v", t.URL, err)
				}
			}

			slice := loadDuration / loadRounds
			var mock, base tally
			for b.Loop() {
				for range loadRounds {
					m, err := attack(baseTgt, maxRate, slice, loadWorkers, want.body, sc.check, &base.lat)
					if err != nil {
						b.Fatalf("baseline: %v", err)
					}
					base.add(m)
					if m, err = attack(tgt, maxRate, slice, loadWorkers, want.body, sc.check, &mock.lat); err != nil {
						b.Fatalf("mock: %v", err)
					}
					mock.add(m)
				}
			}

			b.ReportMetric(0, "ns/op") // the length of an attack, which we chose
			b.ReportMetric(mock.rate(), "req/s")
			b.ReportMetric(mock.ms(0.50), "p50-ms")
			b.ReportMetric(mock.ms(0.99), "p99-ms")
			b.ReportMetric(base.rate(), "base-req/s")
			b.ReportMetric(base.ms(0.50), "base-p50-ms")
			b.ReportMetric(base.ms(0.99), "base-p99-ms")
			b.ReportMetric(mock.rate()/base.rate(), "ratio")
		})
	}
}

// tally adds up the attacks on one side: answers, time spent attacking
// (each attack's span plus its wait for the last answers) and every
// latency.
type tally struct {
	answers uint64
	busy    time.Duration
	lat     vegeta.LatencyMetrics
}

// add counts one attack; attack has already checked that every answer was
// a correct 200.
func (t *tally) add(m *vegeta.Metrics) {
	t.answers += m.Requests
	t.busy += m.Duration + m.Wait
}

func (t *tally) rate() float64 { return float64(t.answers) / t.busy.Seconds() }

func (t *tally) ms(q float64) float64 { return ms(t.lat.Quantile(q)) }

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// TestAttackHarness runs the benchmark's harness briefly, under the race
// detector in `make test`: a count-bounded attack on the mock and on its
// baseline per scenario, every answer a correct 200, and the baseline
// writing the mock's very bytes.
func TestAttackHarness(t *testing.T) {
	const n = 200
	for _, sc := range scenarios {
		t.Run(sc.op, func(t *testing.T) {
			mockURL := startMock(t)
			tgt := sc.target(mockURL)
			want := record(t, tgt)
			baseURL := startServer(t, baseline(want))
			baseTgt := sc.target(baseURL)

			if got := record(t, baseTgt); !bytes.Equal(got.body, want.body) {
				t.Fatalf("the baseline's body differs from the mock's")
			} else if got.header.Get("Content-Type") != want.header.Get("Content-Type") || got.header.Get("Content-Length") != want.header.Get("Content-Length") {
				t.Fatalf("the baseline's headers %v differ from the mock's %v", got.header, want.header)
			}

			for name, tg := range map[string]vegeta.Target{"mock": tgt, "baseline": baseTgt} {
				m, err := attack(tg, hits(n), 0, 8, want.body, sc.check, nil)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if m.Requests != n || m.StatusCodes["200"] != n {
					t.Errorf("%s: %d requests, status codes %v; want %d, all 200", name, m.Requests, m.StatusCodes, n)
				}
			}
		})
	}

	// The benchmark's guard against measuring failures must itself work.
	t.Run("wrong answers fail the attack", func(t *testing.T) {
		sc := scenarios[0]
		for name, h := range map[string]http.HandlerFunc{
			"5xx": func(w http.ResponseWriter, r *http.Request) {
				http.Error(w, "down", http.StatusServiceUnavailable)
			},
			"other bytes": func(w http.ResponseWriter, r *http.Request) {
				_, _ = w.Write([]byte(`[]`))
			},
		} {
			tgt := sc.target(startServer(t, h))
			if _, err := attack(tgt, hits(20), 0, 4, []byte(`[{"id":1}]`), sc.check, nil); err == nil {
				t.Errorf("%s: attack reported success", name)
			}
		}
	})
}
