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
// The contract is read from its typed model (Options.Contract, default the
// embedded one; spec/model): paths and methods, argument limits, formats
// and enums, error keys, variants and their fixed texts, secrets and
// decision titles. Nothing of it is restated here: a contract with other
// paths, keys or texts is checked as it says. Business rules S1..S6 are
// bound to operations by id in one table (bind.go); a rule whose operation
// the contract lacks is not defined.
//
// Every response goes through the generated schemas (package schemas):
// status and media type (T3), the documented shape (T4) and envelope, the id
// echoed (T3), then the variant's schema. Fields beyond the contract are T6
// warnings, never failures. Business rules S1..S6 run as flows (signup,
// signin, logout), and negative inputs are derived from the model's
// arguments (negative.go), not listed by hand. Every operation, business
// rules known or not (a new JSON-RPC operation, a plain-HTTP GET of an
// image), also gets generic specs (specs_generic.go): called with valid
// arguments built from the model it must answer a documented variant, and
// a wrong-typed required argument must be rejected cleanly. Each spec's
// text starts with the decision id it checks, so a failure points at the
// rule that was broken.
//
// The suite never demands the mock's own choices (M1..M4): not the username,
// db, company_id or uid values, not the error texts except S1's fixed one, not
// lang and tz beyond their format, not key order, and not 200 rather than 4xx
// for protocol errors (T5 counts any 4xx, or a 200 carrying a JSON-RPC error
// or a documented error variant, as a clean rejection).
//
// # Running it
//
// Against a deployment, with the binary (exit 0 conforms, 1 violates, 2
// usage error, unreachable, nothing checked or cut short by --max-time):
//
//	nebeus-conformance --base-url https://staging.example.net \
//	    --label-filter readonly --junit-report junit.xml --json-report report.json
//	NEBEUS_LOGIN=qa@example.net NEBEUS_PASSWORD=... nebeus-conformance --base-url URL
//	nebeus-conformance --base-url URL --relax odoo     # stock Odoo's shapes (T4), named in the report
//	nebeus-conformance --base-url URL --parallel 1     # one process (default 8, each a shard of the specs)
//
// With go test, against the in-process mock, or against NEBEUS_BASE_URL;
// Ginkgo's CLI runs the same specs in parallel:
//
//	go test ./conformance/...
//	NEBEUS_BASE_URL=URL ginkgo -p --label-filter readonly ./conformance
//
// # Stages
//
// Beyond the example flows: valid partitions of every argument derived from
// the model (boundaries on both sides, every form of an email, every kind of
// text; partitions.go, specs_partitions.go); properties across operations
// (every listed country accepted by signup, case-insensitive logins at every
// operation, a rejected signup creating nothing; specs_properties.go);
// random sequences run as pgregory.net/rapid state machines against a model
// of accounts and sessions (machine.go); concurrent signups and signins
// (specs_concurrency.go); cookies kept as a browser keeps them
// (cookies.go). Options.Seed makes a run reproducible; Options.Steps and
// StepsTime bound the stateful stage.
//
// # Report
//
// Each failed spec lists its findings: the operation, the decision id, the
// JSON pointer, expected and got, the request as a curl command and, when it
// depends on calls before it, a shell script that replays them all from
// scratch (repro.go: the run's throwaway passwords shown, ${RUN} in its
// emails, session ids captured from the answers), and the start of the
// response. The contract's secrets are masked as '***' unless the run made
// them up; the given account's password and sessions always are
// (secrets.go). Each spec records its checks in a report entry
// ("nebeus-checks"), so the summary, built in ReportAfterSuite from
// Ginkgo's suite report, covers parallel processes and shards alike: a
// table of operations by decisions with passed, failed, warned and skipped
// counts, every spec skipped after a failure with that failure, the
// relaxations applied and the T6 warnings.
//
// The summary opens with the findings: the specs' findings grouped by root
// cause (findings.go), each listing every spec it broke; after the table
// it gives the contract's coverage (coverage.go): the operations,
// variants, documented fields and decisions the run exercised, and what it
// left unexercised. Every --header value, the given password and every
// session id handed out are scrubbed from all the suite writes, and
// commands read the password and header values from the environment
// (scrub.go). The suite writes its JSON, JUnit and HTML reports itself
// (reportfiles.go, html.go), scrubbed once more.
//
// Specs are labelled "readonly" (they create nothing, and the account given
// to the run is never sent a wrong password, a reset_password or a signup:
// safe against production) or "mutating" (they create accounts, with emails unique to the
// run and the parallel process: nc-RUNID-PROC-N@DOMAIN). An operation
// without business rules in the suite may have side effects the suite
// cannot know of: its specs are mutating unless the contract marks it safe
// (the overlay's x-safe).
//
// Against another contract (generated elsewhere):
//
//	nebeus-conformance --base-url URL --contract out/schemas
package conformance
