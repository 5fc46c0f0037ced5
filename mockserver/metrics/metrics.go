package metrics

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	vm "github.com/VictoriaMetrics/metrics"
)

// Outcomes of an operation request, the outcome label of
// nebeus_mock_requests_total.
const (
	OutcomeSuccess       = "success"        // a success variant (T3)
	OutcomeError         = "error"          // a documented error variant (T3)
	OutcomeProtocolError = "protocol_error" // a JSON-RPC error, 4xx (T5)
	OutcomeFault         = "fault"          // a fault of the control API applied
	OutcomeStore         = "store_failure"  // the store failed: 503 (issue 19)
)

// outcomes are the outcome label's values, each resolved at New.
var outcomes = []string{OutcomeSuccess, OutcomeError, OutcomeProtocolError, OutcomeFault, OutcomeStore}

// ContentType is the Prometheus text exposition format that GET /metrics
// writes, the one every scraper accepts.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// The metric families, their # HELP text and # TYPE.
const (
	requestsName = "nebeus_mock_requests_total"
	requestsHelp = "Operation requests answered, by operation and outcome (success, error, protocol_error, fault, store_failure)."
	durationName = "nebeus_mock_request_duration_seconds"
	durationHelp = "Time to answer an operation request, forced delays included."
	panicsName   = "nebeus_mock_panics_total"
	panicsHelp   = "Requests that hit a bug (recovered panics); always 0 in a healthy mock."
)

// Buckets are the upper bounds of nebeus_mock_request_duration_seconds:
// from tens of microseconds (the mock's own work) to the longest forced
// delay (MaxDelay).
var Buckets = []float64{.00005, .0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30}

// family is one metric family: its samples live in a set of their own so
// that the # HELP and # TYPE lines are written here, per registry. The
// library's own switch for them (ExposeMetadata) is process-wide, and
// writes no help text.
type family struct {
	name, help, typ string
	set             *vm.Set
}

// Registry holds one mock's metrics and serves them (GET /metrics). Two
// registries share nothing; a Successor shares its predecessor's.
type Registry struct {
	mu    sync.Mutex
	taken bool // New has registered a mock's metrics here

	// In the order of their names, as a scraper's own output lists them.
	panics, duration, requests family
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{
		panics:   family{panicsName, panicsHelp, "counter", vm.NewSet()},
		duration: family{durationName, durationHelp, "histogram", vm.NewSet()},
		requests: family{requestsName, requestsHelp, "counter", vm.NewSet()},
	}
}

// WritePrometheus writes every family that has samples in the text
// exposition format: its # HELP and # TYPE lines, then its samples.
func (r *Registry) WritePrometheus(w io.Writer) {
	var samples bytes.Buffer
	for _, f := range []*family{&r.panics, &r.duration, &r.requests} {
		samples.Reset()
		f.set.WritePrometheus(&samples)
		if samples.Len() == 0 {
			continue
		}
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s %s\n", f.name, f.help, f.name, f.typ)
		for line := range bytes.Lines(samples.Bytes()) {
			// Should anything in the process turn the library's own
			// metadata on, its lines would repeat ours; a scraper
			// refuses a second # TYPE.
			if !bytes.HasPrefix(line, []byte("#")) {
				_, _ = w.Write(line)
			}
		}
	}
}

// ServeHTTP answers a scrape.
func (r *Registry) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	var b bytes.Buffer
	r.WritePrometheus(&b)
	w.Header().Set("Content-Type", ContentType)
	_, _ = w.Write(b.Bytes())
}

// Requests are the mock's metrics of operation requests.
type Requests struct {
	requests, duration *vm.Set // for an operation resolved on first use
	Panics             *vm.Counter

	// Resolved for the contract's operations at New, so the hot path
	// builds no metric name; read-only after New.
	counters   map[[2]string]*vm.Counter
	histograms map[string]*vm.PrometheusHistogram
}

// New registers a mock's metrics with reg, each operation of ops with
// every outcome resolved. A registry takes one mock's metrics: a second
// New on it fails.
func New(reg *Registry, ops []string) (*Requests, error) {
	reg.mu.Lock()
	defer reg.mu.Unlock()
	if reg.taken {
		return nil, errors.New("mockserver: metrics: the registry already holds a mock's metrics")
	}
	m := &Requests{
		requests: reg.requests.set, duration: reg.duration.set,
		counters:   make(map[[2]string]*vm.Counter, len(ops)*len(outcomes)),
		histograms: make(map[string]*vm.PrometheusHistogram, len(ops)),
	}
	// The library panics on a name it cannot parse; escaping should make
	// every name parseable, and if not, the page's operation name is at
	// fault and New says which.
	check := func(name string) error {
		if err := vm.ValidateMetric(name); err != nil {
			return fmt.Errorf("mockserver: metrics: %w", err)
		}
		return nil
	}
	for _, op := range ops {
		for _, o := range outcomes {
			name := requestsMetric(op, o)
			if err := check(name); err != nil {
				return nil, err
			}
			m.counters[[2]string{op, o}] = m.requests.GetOrCreateCounter(name)
		}
		name := durationMetric(op)
		if err := check(name); err != nil {
			return nil, err
		}
		m.histograms[op] = m.duration.GetOrCreatePrometheusHistogramExt(name, Buckets)
	}
	m.Panics = reg.panics.set.NewCounter(panicsName)
	reg.taken = true
	return m, nil
}

// Observe counts one request of op with outcome ("" is a protocol error)
// and records how long it took.
func (m *Requests) Observe(op, outcome string, d time.Duration) {
	if outcome == "" {
		outcome = OutcomeProtocolError
	}
	c, ok := m.counters[[2]string{op, outcome}]
	if !ok {
		// An operation a Successor's contract added.
		c = m.requests.GetOrCreateCounter(requestsMetric(op, outcome))
	}
	c.Inc()
	h, ok := m.histograms[op]
	if !ok {
		h = m.duration.GetOrCreatePrometheusHistogramExt(durationMetric(op), Buckets)
	}
	h.Update(d.Seconds())
}

func requestsMetric(op, outcome string) string {
	return requestsName + `{operation=` + quote(op) + `,outcome=` + quote(outcome) + `}`
}

func durationMetric(op string) string {
	return durationName + `{operation=` + quote(op) + `}`
}

// labelEscaper escapes what the text format says a label value must:
// backslash, double quote and line feed.
var labelEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)

// quote is v as a label value. An operation name comes from any page:
// invalid UTF-8 becomes U+FFFD, since the format is UTF-8.
func quote(v string) string {
	return `"` + labelEscaper.Replace(strings.ToValidUTF8(v, "\uFFFD")) + `"`
}
