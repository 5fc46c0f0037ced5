// Package loadtest measures the mock against the cheapest server that could
// stand in for it, in the same run on the same machine, so each figure is
// read as a ratio rather than an absolute that depends on the hardware:
//
//   - BenchmarkWrk drives the mock over loopback with wrk (a client in C,
//     `wrk -t2 -c32`, whose own cost is small next to either server's), for
//     get_countries and signin, next to a bare net/http handler that writes
//     the very bytes the mock answers, in alternating one-second runs. It
//     reports req/s, p50 and p99 latency of both and the ratio (goals:
//     get_countries >= 0.85, signin >= 0.6 of the baseline). It skips,
//     saying so, where wrk is not installed (apt-get install wrk).
//   - BenchmarkLoad does the same with vegeta, a Go client in the same
//     process: its own work takes CPU from both servers, so its ratios read
//     higher than wrk's; wrk's are the ones the goals are stated in.
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
// many requests are in flight; -wrk.duration (NEBEUS_WRK_DURATION, default
// 4s, whole seconds), -wrk.threads and -wrk.connections (NEBEUS_WRK_THREADS,
// NEBEUS_WRK_CONNECTIONS, default 2 and 32) tune BenchmarkWrk. The package holds only tests; its one plain
// test runs a short attack so that `make test` checks the harness itself.
package loadtest
