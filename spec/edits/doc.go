// Package edits holds the contract-edit test: each edit in
// testdata/edits.json is applied to a copy of spec/source and
// spec/overlay.yaml, the contract is regenerated, a mock is built on the
// result in-process, probes show that its behaviour changed, and the
// conformance suite built on the same result passes against it. It proves
// that the contract is stated once: an edit of the page or the overlay is
// followed by the mock, the suite and the fixtures with no change in Go.
package edits
