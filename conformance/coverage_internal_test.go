package conformance

import (
	"slices"
	"strings"
	"testing"

	"github.com/nebeus/nebeus-contract/schemas"
	"github.com/nebeus/nebeus-contract/spec/runcontract"
)

// TestCoverageCountsWhatTheChecksReached: operations by their tallies,
// variants and fields by what the specs recorded, decisions by either; the
// rest is named unexercised.
func TestCoverageCountsWhatTheChecksReached(t *testing.T) {
	c := schemas.MustDefault()
	op := c.Operations()[0]
	vr := op.Variants[0]
	for _, tc := range []struct {
		name        string
		tallies     map[[2]string]Tally
		covered     []string
		unexercised []string // among others
		exercised   []string // never named unexercised
	}{
		{"nothing ran", nil, nil, []string{"operation " + op.ID, "decision T1"}, nil},
		{"only skipped", map[[2]string]Tally{{op.ID, "T1"}: {Skipped: 3}}, nil, []string{"operation " + op.ID, "decision T1"}, nil},
		{"a check on the operation", map[[2]string]Tally{{op.ID, "T1"}: {Failed: 1}}, nil,
			[]string{op.ID + " variant " + vr.Name}, []string{"operation " + op.ID, "decision T1"}},
		{"a variant answered without its fields", map[[2]string]Tally{{op.ID, "T3"}: {Passed: 1}}, []string{coveredVariant(op.ID, vr.Name), coveredDecision(additive)},
			[]string{op.ID + " " + vr.Name + " field " + vr.Fields[0].Pointer}, []string{op.ID + " variant " + vr.Name, "decision " + additive}},
		{"a field", map[[2]string]Tally{{op.ID, "T3"}: {Passed: 1}}, []string{coveredVariant(op.ID, vr.Name), coveredField(op.ID, vr.Name, vr.Fields[0].Pointer)},
			nil, []string{op.ID + " " + vr.Name + " field " + vr.Fields[0].Pointer}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cov := make(map[string]bool)
			for _, k := range tc.covered {
				cov[k] = true
			}
			got := coverage(c, tc.tallies, cov)
			for _, u := range tc.unexercised {
				if !slices.Contains(got.Unexercised, u) {
					t.Errorf("%q not named unexercised: %v", u, got.Unexercised)
				}
			}
			for _, e := range tc.exercised {
				if slices.Contains(got.Unexercised, e) {
					t.Errorf("%q named unexercised", e)
				}
			}
			for _, u := range got.Unexercised {
				if strings.HasPrefix(u, "decision M") {
					t.Errorf("the mock's own choice %s counted as the contract's", u)
				}
			}
		})
	}
}

// TestCoverageOfAPageWithoutDecisions: a page read without our overlay
// states no decision (issue 17); an operation a check reached is
// exercised all the same, and only the one none reached is named.
func TestCoverageOfAPageWithoutDecisions(t *testing.T) {
	page := "../spec/generate/testdata/pages/json_body_path_ids.md"
	l, err := runcontract.Load(runcontract.Options{Page: page})
	if err != nil {
		t.Fatal(err)
	}
	c := l.Contract
	ops := c.Operations()
	if len(c.Model().Decisions) != 0 || len(ops) < 2 {
		t.Fatalf("want a contract of several operations and no decision, got %d decisions, %d operations", len(c.Model().Decisions), len(ops))
	}
	got := coverage(c, map[[2]string]Tally{{ops[0].ID, "T3"}: {Passed: 1}}, nil)
	if slices.Contains(got.Unexercised, "operation "+ops[0].ID) || !got.Operations[0].Exercised {
		t.Errorf("operation %s, checked, named unexercised: %v", ops[0].ID, got.Unexercised)
	}
	if !slices.Contains(got.Unexercised, "operation "+ops[1].ID) {
		t.Errorf("operation %s, never checked, not named unexercised: %v", ops[1].ID, got.Unexercised)
	}
}

// TestPresentFollowsPointersIntoLists: "*" stands for any item.
func TestPresentFollowsPointersIntoLists(t *testing.T) {
	v := map[string]any{"a": []any{map[string]any{}, map[string]any{"b/c": 1}}, "n": nil}
	for ptr, want := range map[string]bool{"/a": true, "/a/*/b~1c": true, "/a/*/d": false, "/x": false, "/n": true, "/a/0": false} {
		if got := present(v, strings.Split(strings.TrimPrefix(ptr, "/"), "/")); got != want {
			t.Errorf("present(%s) = %v, want %v", ptr, got, want)
		}
	}
}
