// Package framing holds what the mock does at the level of connections,
// before and beside net/http's request parsing: [Listener], whose
// connections replace net/http's own text/plain refusals with JSON-RPC
// errors (T5) and note a request head that carries both Content-Length and
// Transfer-Encoding, and [AmbiguousFraming], which tells a handler so
// (issue 19, RFC 9112 6.1).
//
// It imports only mockserver/wire (the error it answers with) and the
// standard library.
package framing
