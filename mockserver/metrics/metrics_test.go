package metrics_test

import (
	"flag"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nebeus/nebeus-contract/internal/testutil"
	"github.com/nebeus/nebeus-contract/mockserver/metrics"
)

var update = flag.Bool("update", false, "rewrite testdata/*.prom from the output")

// observation is one request Observe counts.
type observation struct {
	op, outcome string
	d           time.Duration
	panic       bool // a recovered panic instead
}

// TestExposition: what a registry writes after a few requests, byte for
// byte (testdata/NAME.prom), and read back as a scraper would: every
// operation's name, escaped or not, comes back as its label value with its
// count, and each family carries one # HELP and # TYPE (issue 20: the
// families, labels and buckets the Prometheus client wrote).
func TestExposition(t *testing.T) {
	for _, tc := range []struct {
		name string
		ops  []string // resolved at New
		obs  []observation
	}{
		{"nothing observed", []string{"signin"}, nil},
		{"outcomes and buckets", []string{"signin", "signup"}, []observation{
			{op: "signin", outcome: metrics.OutcomeSuccess, d: 3 * time.Millisecond},
			{op: "signin", outcome: metrics.OutcomeError, d: 50 * time.Microsecond}, // on a bound: le is inclusive
			{op: "signin", outcome: metrics.OutcomeSuccess, d: time.Second},
			{op: "signup", outcome: "", d: 40 * time.Second}, // "" is a protocol error; above every bound
			{op: "signup", outcome: metrics.OutcomeFault, d: 2 * time.Millisecond},
			{op: "signup", outcome: metrics.OutcomeStore, d: time.Millisecond},
			{panic: true},
		}},
		{"escaped operation names", []string{`say "hi"`, `back\slash`, "two\nlines", "brace}{,=", "bad\xffutf8"}, []observation{
			{op: `say "hi"`, outcome: metrics.OutcomeSuccess, d: time.Millisecond},
			{op: `back\slash`, outcome: metrics.OutcomeError, d: time.Millisecond},
			{op: "two\nlines", outcome: metrics.OutcomeSuccess, d: time.Millisecond},
			{op: "brace}{,=", outcome: metrics.OutcomeSuccess, d: time.Millisecond},
			{op: "bad\xffutf8", outcome: metrics.OutcomeSuccess, d: time.Millisecond},
		}},
		{"an operation resolved on first use", []string{"signin"}, []observation{
			{op: "added by a successor", outcome: metrics.OutcomeSuccess, d: time.Millisecond},
			{op: `"quoted" too`, outcome: metrics.OutcomeFault, d: time.Millisecond},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			reg := metrics.NewRegistry()
			m, err := metrics.New(reg, tc.ops)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range tc.obs {
				if o.panic {
					m.Panics.Inc()
					continue
				}
				m.Observe(o.op, o.outcome, o.d)
			}
			var b strings.Builder
			reg.WritePrometheus(&b)
			golden := filepath.Join("testdata", strings.ReplaceAll(tc.name, " ", "_")+".prom")
			if *update {
				if err := os.WriteFile(golden, []byte(b.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if b.String() != string(want) {
				t.Errorf("exposition differs from %s:\n%s", golden, b.String())
			}

			samples, err := testutil.ParseExposition(b.String())
			if err != nil {
				t.Fatalf("a scraper would refuse it: %v\n%s", err, b.String())
			}
			if got := strings.Count(b.String(), "# TYPE "); got != 3 {
				t.Errorf("%d # TYPE lines, want one for each of the 3 families", got)
			}
			count := map[[2]string]float64{}
			seconds := map[string]float64{}
			panics := 0.0
			for _, o := range tc.obs {
				if o.panic {
					panics++
					continue
				}
				outcome := o.outcome
				if outcome == "" {
					outcome = metrics.OutcomeProtocolError
				}
				op := strings.ToValidUTF8(o.op, "\uFFFD")
				count[[2]string{op, outcome}]++
				seconds[op] += o.d.Seconds()
			}
			for k, want := range count {
				if got := testutil.SumSamples(samples, "nebeus_mock_requests_total", map[string]string{"operation": k[0], "outcome": k[1]}); got != want {
					t.Errorf("nebeus_mock_requests_total{operation=%q,outcome=%q} = %v, want %v", k[0], k[1], got, want)
				}
			}
			for op, want := range seconds {
				l := map[string]string{"operation": op}
				if got := testutil.SumSamples(samples, "nebeus_mock_request_duration_seconds_sum", l); got != want {
					t.Errorf("duration sum of %q = %v, want %v", op, got, want)
				}
				l["le"] = "+Inf"
				if got := testutil.SumSamples(samples, "nebeus_mock_request_duration_seconds_bucket", l); got == 0 {
					t.Errorf("no +Inf bucket for %q", op)
				}
			}
			if got := testutil.SumSamples(samples, "nebeus_mock_panics_total", nil); got != panics {
				t.Errorf("nebeus_mock_panics_total = %v, want %v", got, panics)
			}
		})
	}
}

// TestBuckets: the duration histogram has exactly the upper bounds the
// Prometheus client had, and +Inf.
func TestBuckets(t *testing.T) {
	reg := metrics.NewRegistry()
	if _, err := metrics.New(reg, []string{"op"}); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	reg.WritePrometheus(&b)
	samples, err := testutil.ParseExposition(b.String())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range samples {
		if s.Name == "nebeus_mock_request_duration_seconds_bucket" {
			got = append(got, s.Labels["le"])
		}
	}
	want := []string{"5e-05", "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1", "2.5", "5", "10", "30", "+Inf"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("buckets %v, want %v", got, want)
	}
}

// TestRegistriesShareNothing: two mocks in one process (tests) count
// apart, and a registry takes one mock's metrics.
func TestRegistriesShareNothing(t *testing.T) {
	a, b := metrics.NewRegistry(), metrics.NewRegistry()
	ma, err := metrics.New(a, []string{"signin"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := metrics.New(b, []string{"signin"}); err != nil {
		t.Fatal(err)
	}
	ma.Observe("signin", metrics.OutcomeSuccess, time.Millisecond)
	ma.Panics.Inc()
	for reg, want := range map[*metrics.Registry]float64{a: 1, b: 0} {
		var text strings.Builder
		reg.WritePrometheus(&text)
		samples, err := testutil.ParseExposition(text.String())
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"nebeus_mock_requests_total", "nebeus_mock_request_duration_seconds_count", "nebeus_mock_panics_total"} {
			if got := testutil.SumSamples(samples, name, nil); got != want {
				t.Errorf("%s = %v, want %v", name, got, want)
			}
		}
	}
	if _, err := metrics.New(a, []string{"signin"}); err == nil {
		t.Error("a second New on one registry: no error")
	}
}

// TestServeHTTP: a scrape gets the text format with its content type.
func TestServeHTTP(t *testing.T) {
	reg := metrics.NewRegistry()
	if _, err := metrics.New(reg, []string{"signin"}); err != nil {
		t.Fatal(err)
	}
	w := httptest.NewRecorder()
	reg.ServeHTTP(w, httptest.NewRequest("GET", "/metrics", nil))
	if ct := w.Header().Get("Content-Type"); ct != "text/plain; version=0.0.4; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if _, err := testutil.ParseExposition(w.Body.String()); err != nil || !strings.Contains(w.Body.String(), `nebeus_mock_requests_total{operation="signin",outcome="success"} 0`) {
		t.Errorf("body (%v):\n%s", err, w.Body.String())
	}
}

// TestObserveDoesNotAllocate: the contract's operations are resolved at
// New, so counting a request builds no metric name.
func TestObserveDoesNotAllocate(t *testing.T) {
	m, err := metrics.New(metrics.NewRegistry(), []string{"signin"})
	if err != nil {
		t.Fatal(err)
	}
	if n := testing.AllocsPerRun(100, func() { m.Observe("signin", metrics.OutcomeStore, time.Millisecond) }); n != 0 {
		t.Errorf("Observe allocates %v times a request", n)
	}
}
