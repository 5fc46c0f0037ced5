// Package mockserver is a stateful mock of the Nebeus account API for
// frontend teams: it answers the five operations of the contract exactly as
// ../shared/contract-notes.md decides (T1-T6, S1-S6, M1-M4), validating every
// request and shaping every response with the generated schemas of package
// schemas, never with a second hand-written copy of the contract.
//
// [New] returns a [*Server], a plain http.Handler:
//
//	srv, err := mockserver.New(mockserver.Config{Control: true})
//	http.ListenAndServe("localhost:8080", srv)
//
// # Routes (routes.go)
//
//	POST /{operation}/1.0/json   every operation of the contract index (T1)
//	GET  /healthz, /readyz       liveness and readiness
//	GET  /metrics                Prometheus metrics
//	GET  /openapi.yaml, /openapi.json, /schemas/, /schemas/{NAME}.json
//	GET  /                       landing page: HTML to a browser, JSON otherwise (landing.go)
//	GET  /reference/             the API reference (embedded Swagger UI, package web)
//	GET  /_assets/...            the pages' scripts and styles, embedded
//	     /_mock/...              the control API and the console, only with Config.Control
//	GET  /_mock/healthz, /_mock/readyz, /_mock/metrics, /_mock/openapi.{yaml,json}, /_mock/schemas/...
//	                             the mock's own routes again, always: where an operation of the
//	                             page has the same method and path, the operation answers at the
//	                             root (with a warning, Server.Shadowed) and these stay reachable
//
// [Server.Successor] serves another contract with the same state
// (nebeus-mock --watch); [Server.Notify] shows a notice in the console.
//
// # Headers a client may send
//
// X-Mock-Namespace: NAME selects an isolated state (accounts, sessions,
// outbox, journal and faults), created on first use; NAME is 1 to 64
// characters of [A-Za-z0-9._-]. Absent (or empty): the default namespace.
// Anything else is answered 400 with a JSON-RPC error -32600.
//
// Prefer chooses the answer of one request without touching state, in the
// spirit of Prism's Prefer header and of RFC 7240 (preferences separated by
// commas, each token=value, the value optionally quoted):
//
//	Prefer: variant=error            the operation's documented error variant
//	Prefer: variant=success          its success variant (the page's example)
//	Prefer: delay=250ms              add latency before answering
//	Prefer: variant=error, delay=1s  both
//
// variant names a documented variant of the operation (schemas index:
// success, error); an unknown one is answered 400 with a JSON-RPC error whose
// data lists the operation's variants. delay is a Go duration ("250ms",
// "1.5s") or a whole number of milliseconds ("250"), at most [MaxDelay];
// waiting ends early when the client goes away. Other preferences are
// ignored, as RFC 7240 asks; the ones applied are listed in the
// Preference-Applied response header.
//
// What a forced variant answers is package ops' (Call.Forced).
//
// A session (S2) is found in the session_id cookie, the
// X-Openerp-Session-Id header or params.session_id.
//
// # Headers the mock answers with
//
// X-Mock-Violations: N when the request broke the request schema in N ways
// (exposed to browsers through CORS, so it shows in the devtools);
// X-Mock-Fault: true when a fault of the control API shaped the answer;
// Preference-Applied: the Prefer preferences honoured.
//
// Every operation request (except one with a bad X-Mock-Namespace, which
// names no namespace to record it in) is appended to its namespace's
// journal, Config.JournalSize entries each; every read of it (the control
// API, the console) is redacted (package journal: M4, S2).
//
// Nothing a client sends causes a 5xx, a panic or an unbounded cost: numbers
// the validator cannot check cheaply are refused before validation
// (schemas.Checkable), error messages repeat at most a bounded part of a
// request, and Listener gives the requests net/http refuses itself (an
// unsupported Transfer-Encoding, a malformed request) a JSON-RPC answer.
//
// # Control API (package control)
//
// Off unless Config.Control; then reachable only from loopback addresses or
// with "Authorization: Bearer TOKEN" (Config.ControlToken), else 403; and,
// without the token, only under a Host that is a localhost name, a loopback
// address or the address the connection arrived on (package hostcheck: DNS
// rebinding). With the control API off, /_mock/ paths answer 404 exactly
// like unknown paths.
//
//	GET    /_mock/                        the console (package console, web/console.html)
//	GET    /_mock/events                  the live journal as server-sent events (package console)
//	POST   /_mock/reset[?namespace=X]     reset all namespaces, or one (its faults too)
//	GET    /_mock/namespaces              the namespaces in use
//	GET    /_mock/accounts?namespace=X    accounts, no password material (M4)
//	POST   /_mock/accounts?namespace=X    create one: signup's params, 201 or 422
//	GET    /_mock/sessions?namespace=X    live sessions, ids redacted
//	GET    /_mock/journal?namespace=X     the request journal, oldest first
//	DELETE /_mock/journal?namespace=X     clear it
//	GET    /_mock/outbox?namespace=X      reset_password messages (S4)
//	POST   /_mock/faults?namespace=X      {"operation","variant","delay","status","close","count"}
//	GET    /_mock/faults?namespace=X      the faults in force
//	DELETE /_mock/faults?namespace=X[&operation=OP]
//
// # Status codes (T3, T5)
//
// Business outcomes, success or documented error, are HTTP 200. Protocol
// errors carry a JSON-RPC error object: 400 (-32700 parse error, -32600
// invalid request, -32602 invalid params), 404 (-32601 unknown path), 405
// (non-POST on an operation path, with Allow: POST), 413 (body over
// Config.MaxBody, -32600) and 415 (Content-Type not application/json,
// -32600). Nothing a client sends causes a 5xx; only a fault set through the
// control API answers one on purpose, and a store that fails (issue 19): an
// operation that needs the store answers 503 with Retry-After and -32000
// (JSON-RPC's server range), data.store naming the failure (unavailable,
// deadline, full, corrupt; state.Failure), never a business answer and
// never the store's own text. Config.StoreDeadline bounds each store call;
// operations that do not need the store (get_countries) do not wait for it.
// A request with both Content-Length and Transfer-Encoding is answered 400
// and its connection closed (Listener, RFC 9112 6.1).
//
// # Validation proxy (package proxy, request/proxy.go)
//
// With Config.Proxy, the operations not in Proxy.MockOperations are
// forwarded to Proxy.Upstream, and each exchange gets the checks the
// conformance suite makes on one exchange (package internal/contractcheck): it
// is journaled with its violations and answered with
// X-Contract-Violations: N; with Proxy.Strict a breaking answer becomes a
// 502 JSON-RPC error listing them. An upstream that is down is a 502, one
// slower than Proxy.Timeout a 504; CORS, namespaces and faults apply as
// for the mock's own answers.
//
// # Packages
//
// The mock's concerns live in packages of their own, imports pointing one
// way, bottom up (TestImportsPointOneWay holds the layers; a package
// imports only those of the layers below its own):
//
//	mockserver/state      the state: accounts, sessions, outbox, journal, faults' storage (memory, bbolt, Redis)
//	mockserver/hostcheck  DNS-rebinding check of a Host
//	mockserver/metrics    the Prometheus metrics of operation requests
//	mockserver/web        the embedded pages and assets, and their rendering
//	mockserver/wire       the JSON-RPC wire format: errors and codes, ids, envelopes, the encoder, result layouts
//	mockserver/framing    the Listener: net/http's refusals as JSON-RPC errors, ambiguous framing
//	mockserver/session    how a session travels (S2, S3): cookie, header, argument
//	mockserver/journal    what the journal keeps of a body and how it is redacted (M4, S2)
//	mockserver/namespace  X-Mock-Namespace: valid names, taking one into use
//	mockserver/ops        the operations and their business logic (S1-S6), Prefer, forced variants
//	mockserver/cors       the CORS policy
//	mockserver/faults     the control API's faults and where they live
//	mockserver/proxy      the validation proxy's upstream client and checks (internal/contractcheck)
//	mockserver/control    the control API's handlers and its access check
//	mockserver/request    a request's path: log line and metrics, CORS, session trace, the operation,
//	                      plain HTTP and proxy handlers, the journal append
//	mockserver/console    the console's page, event stream and live feed
//	mockserver            composes them into the http.Handler: Server, Config, routes.go, the router,
//	                      the landing page, Listener, Successor; api.go repeats what moved of its API
//
// A request's path, top to bottom (request/handler.go, OperationHandler):
// decode, validate, admit (Prefer, namespace, faults), dispatch (package
// ops), answer, and the journal once as the answer is written.
package mockserver
