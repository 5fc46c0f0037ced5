// Package conformance checks a deployment of the Nebeus account API against
// the contract (../shared/contract-notes.md, decisions T1..T6 and S1..S6),
// as Ginkgo v2 specs that "go test ./conformance/..." and the
// cmd/nebeus-conformance binary run alike.
//
// [Run] defines the specs for one target ([Options]) and runs them with
// Ginkgo's RunSpecs; Ginkgo allows that once per process, so each caller (the
// package's TestConformance, the binary's main) runs one suite and a test
// that needs many runs starts the binary as a subprocess.
//
// Every response goes through the generated schemas (package schemas):
// status and media type (T3), the documented shape (T4) and envelope, the id
// echoed (T3), then the variant's schema. Fields beyond the contract are T6
// warnings, never failures. Business rules S1..S6 run as flows (signup,
// signin, logout), and negative inputs are derived from the request schemas'
// trees (negative.go), not listed by hand. Each spec's text starts with the
// decision id it checks, so a failure points at the rule that was broken.
//
// The suite never demands the mock's own choices (M1..M4): not the username,
// db, company_id or uid values, not the error texts except S1's fixed one, not
// lang and tz beyond their format, not key order, and not 200 rather than 4xx
// for protocol errors (T5 counts any 4xx, or a 200 carrying a JSON-RPC error
// or a documented error variant, as a clean rejection).
//
// Specs are labelled "readonly" (they create nothing: safe against
// production) or "mutating" (they create accounts, with emails unique to the
// run and the parallel process: nc-RUNID-PROC-N@DOMAIN).
package conformance
