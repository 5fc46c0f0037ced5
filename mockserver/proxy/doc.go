// Package proxy is the upstream side of the mock's validation proxy
// (nebeus-mock --upstream, issue 13): [Config], [Upstream] (the client
// that forwards a call within the timeout and the answer's size limit,
// [Upstream.Forward]) and the checks of each exchange, made with the code
// the conformance suite uses (internal/contractcheck:
// [Upstream.JudgedCall], [Upstream.Violations]), their texts scrubbed of
// the exchange's secrets (M4, S2). The handler that journals an exchange,
// applies faults and answers is the mock's (mockserver/request/proxy.go), beside
// the operation handler, since both walk the same request path.
//
// It stands beside the faults, below the request's path that hosts its
// handler: it imports internal/contractcheck and the packages below it
// (state, wire, journal, session, namespace, ops), never mockserver,
// request, control, console, nor conformance.
package proxy
