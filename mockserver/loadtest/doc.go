// Package loadtest measures the mock against the cheapest server that could
// stand in for it, in the same run on the same machine, so each figure is
// read as a ratio rather than an absolute that depends on the hardware:
//
//   - BenchmarkLoad drives the mock over loopback with vegeta at its maximum
//     rate, for get_countries and signin, next to a bare net/http handler
//     that writes the very bytes the mock answers. It reports req/s, p50 and
//     p99 latency of both and the ratio (goals: get_countries >= 0.6,
//     signin >= 0.4 of the baseline).
//   - BenchmarkStartup builds cmd/nebeus-mock and a minimal Go HTTP server
//     and times process start to the first answered /healthz (goal: under
//     50 ms).
//   - BenchmarkIdleRSS reads both processes' VmRSS once they have answered a
//     few requests (goal: under 25 MB).
//
// Goals are reported, never enforced: a slow CI machine must not fail the
// build. Every response must be a 200, though; a benchmark whose requests
// fail measures nothing and fails.
//
// Run with `make bench`, or alone:
//
//	go test -run='^$' -bench=. ./mockserver/loadtest/
//
// -load.duration (env NEBEUS_LOAD_DURATION, default 2s) sets how long each
// attack lasts and -load.workers (env NEBEUS_LOAD_WORKERS, default 64) how
// many requests are in flight. The package holds only tests; its one plain
// test runs a short attack so that `make test` checks the harness itself.
package loadtest
