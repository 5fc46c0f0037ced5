// Package metrics holds the mock's Prometheus metrics of operation
// requests (GET /metrics): nebeus_mock_requests_total by operation and
// outcome, nebeus_mock_request_duration_seconds, nebeus_mock_panics_total,
// with their children resolved once so the hot path does no label hashing.
//
// It imports only the Prometheus client: nothing under mockserver.
package metrics
