// Package metrics holds the mock's Prometheus metrics of operation
// requests (GET /metrics): nebeus_mock_requests_total by operation and
// outcome, nebeus_mock_request_duration_seconds, nebeus_mock_panics_total,
// resolved once per operation so the hot path builds no metric name, and
// written in the Prometheus text exposition format with their # HELP and
// # TYPE lines.
//
// It imports only github.com/VictoriaMetrics/metrics (issue 20: it
// compiles in a fraction of the time the Prometheus client takes):
// nothing under mockserver.
package metrics
