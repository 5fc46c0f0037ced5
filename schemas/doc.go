// Package schemas holds the generated contract (the JSON Schemas beside this
// file, written by "nebeus-contract generate") and the one validation API the
// mock server and the conformance suite share.
//
// The schemas are embedded and compiled once, at first use, each both for
// jsonschema/v5 and into a quick check (check.go) that decides the common
// case, a valid payload, without it. Payloads are decoded as
// json.Decoder.UseNumber decodes them, so numbers keep their precision;
// numbers too long to check cheaply are refused before validation
// (numbers.go).
// Violations carry the JSON pointer of the offending value and, where the
// rule comes from the decision overlay, its decision id (T1..T6, S1..S6).
package schemas
