// Package schemas holds the generated contract (the JSON Schemas beside this
// file, written by "nebeus-contract generate") and the one validation API the
// mock server and the conformance suite share.
//
// The schemas are embedded and compiled once, at first use. Payloads are
// decoded with json.Decoder.UseNumber so numbers keep their precision.
// Violations carry the JSON pointer of the offending value and, where the
// rule comes from the decision overlay, its decision id (T1..T6, S1..S6).
package schemas
