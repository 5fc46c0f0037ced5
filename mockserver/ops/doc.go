// Package ops holds the operations of the contract and the mock's business
// logic: [Set] binds every operation of the contract (T1) to its rules
// (signin S1, logout S3, reset_password S4, signup S5, get_countries S6;
// any other operation answers its documented example), [Call] is one
// accepted request and [Reply] its business outcome (T3: HTTP 200), which
// [Operation.Encode] turns into the documented shape (T4). It also holds
// what chooses an answer without the rules: Prefer ([ParsePrefer],
// [Call.Forced], [MaxDelay]), the body of a binary variant
// ([Placeholder]) and the messages of argument violations (S4, S5).
//
// A forced variant's body (Prefer: variant=..., or a fault's variant):
// signin's error is the documented "Login or password is incorrect";
// reset_password's error a generic message; signup's error one plausible
// field error (email already registered); a success variant is the page's
// example (signin's example session id is not a live session);
// get_countries' success is the active countries.
//
// It reads and writes the state (mockserver/state) and answers in the wire
// format (mockserver/wire); it knows nothing of HTTP routing, the journal,
// faults, the control API, the console or the proxy. It imports only
// mockserver/state, mockserver/wire, mockserver/session, schemas,
// spec/model, fixtures and the standard library.
package ops
