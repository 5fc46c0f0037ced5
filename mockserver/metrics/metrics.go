package metrics

import (
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
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

// Requests are the mock's Prometheus metrics of operation requests.
type Requests struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	Panics   prometheus.Counter

	// Resolved children for the contract's operations, so the hot path
	// does no label hashing; read-only after newMetrics.
	counters  map[[2]string]prometheus.Counter
	observers map[string]prometheus.Observer
}

// New registers the metrics with reg, with a child of each label pair
// resolved for the operations ops.
func New(reg *prometheus.Registry, ops []string) (*Requests, error) {
	m := &Requests{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "nebeus_mock_requests_total",
			Help: "Operation requests answered, by operation and outcome (success, error, protocol_error, fault).",
		}, []string{"operation", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "nebeus_mock_request_duration_seconds",
			Help: "Time to answer an operation request, forced delays included.",
			// From tens of microseconds (the mock's own work) to the
			// longest forced delay (MaxDelay).
			Buckets: []float64{.00005, .0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30},
		}, []string{"operation"}),
		Panics: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "nebeus_mock_panics_total",
			Help: "Requests that hit a bug (recovered panics); always 0 in a healthy mock.",
		}),
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration, m.Panics} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("mockserver: metrics: %w", err)
		}
	}
	m.counters = map[[2]string]prometheus.Counter{}
	m.observers = map[string]prometheus.Observer{}
	for _, op := range ops {
		for _, o := range []string{OutcomeSuccess, OutcomeError, OutcomeProtocolError, OutcomeFault} {
			m.counters[[2]string{op, o}] = m.requests.WithLabelValues(op, o)
		}
		m.observers[op] = m.duration.WithLabelValues(op)
	}
	return m, nil
}

// Observe counts one request of op with outcome ("" is a protocol error)
// and records how long it took.
func (m *Requests) Observe(op, outcome string, d time.Duration) {
	if outcome == "" {
		outcome = OutcomeProtocolError
	}
	if c, ok := m.counters[[2]string{op, outcome}]; ok {
		c.Inc()
	} else {
		m.requests.WithLabelValues(op, outcome).Inc()
	}
	if o, ok := m.observers[op]; ok {
		o.Observe(d.Seconds())
	} else {
		m.duration.WithLabelValues(op).Observe(d.Seconds())
	}
}
