// Package contractcheck holds the checks of one request and its answer:
// T3's status, media type and id echo, T4's shapes, every documented
// variant's schema (S1's fixed text among its constants), T5's clean
// rejections, and S2's and S3's cookie attributes. The conformance suite
// makes them on the exchanges its specs send; the mock's validation proxy
// (nebeus-mock --upstream) makes them on live traffic. One implementation,
// two callers: the checks report to a Recorder each caller supplies.
//
// Why here: it used to be conformance/check, which made the mock import
// the suite's tree (issue 21). It belongs to neither caller, so it sits
// beside them; internal/, because only this module's suite and mock use
// it; not under schemas/, whose directory is the generated contract and
// its validators, owned by the generator's drift check.
//
// Everything is read from the contract model (schemas.Contract.Model());
// no path, text or limit is written here.
//
// It imports only schemas and spec/model (and the standard library): never
// conformance nor mockserver, which both import it.
package contractcheck
