// Package control is the mock's control API (/_mock/..., only with
// Config.Control): reset, namespaces, accounts, sessions, journal, outbox
// and faults, as plain http.Handlers over what [API] is given (the store,
// the fault table, the operations, the journal's secrets), and [API.Auth],
// the check every control endpoint and the console sit behind (loopback or
// the bearer token, an allowed origin, a Host that is no DNS rebinding).
//
// It stands on top, beside the request's path (the console stands on it):
// it imports the packages below it (state, wire, journal, namespace,
// hostcheck, cors, ops, faults) and never mockserver, the console or the
// request's path;
// what it must tell them (wake the console, forget a session trace) it
// calls through the functions [API] holds.
package control
