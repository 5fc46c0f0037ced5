// Package cors holds the mock's CORS policy ([Policy]): which browser
// origins may call it with credentials (S2's session cookie), and what a
// preflight is answered with ([AllowedHeaders], [OperationMethods], read
// from the contract model). The middleware that applies it is the mock's
// (mockserver/request/cors.go), beside the request's log line and trace.
//
// It imports only mockserver/session, spec/model and the standard library.
package cors
