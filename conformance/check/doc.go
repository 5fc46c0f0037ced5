// Package check holds the checks of one request and its answer: T3's
// status, media type and id echo, T4's shapes, every documented variant's
// schema (S1's fixed text among its constants), T5's clean rejections, and
// S2's and S3's cookie attributes. The conformance suite makes them on the
// exchanges its specs send; the mock's validation proxy
// (nebeus-mock --upstream) makes them on live traffic. One implementation,
// two callers: the checks report to a Recorder each caller supplies.
//
// Everything is read from the contract model (schemas.Contract.Model());
// no path, text or limit is written here.
package check
