// Package request is a request's path through the mock, readable top to
// bottom in one place: the outermost middleware ([Path.Observe]: the log
// line, the metrics, the last-resort recovery, ambiguous framing), CORS
// ([Path.CORS]), the session trace ([Path.Traced], issue 10), then an
// operation's handler ([Path.OperationHandler]): decode, validate, admit
// (Prefer, namespace, faults), dispatch (package ops), answer, and the
// journal, once, as the answer is written. [Path.HTTPOperationHandler]
// and [Path.ProxyHandler] walk the same path for a plain HTTP operation
// and for a call the validation proxy forwards.
//
// [Path] holds what the path reads, built for each contract by
// mockserver.Server; it calls the console only through the functions it
// holds (Changed, Notice). It imports the packages below it (state, wire,
// framing, session, journal, namespace, hostcheck, metrics, ops, cors,
// faults, proxy), never mockserver, the control API or the console.
package request
