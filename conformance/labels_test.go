package conformance_test

import (
	"errors"
	"testing"

	"github.com/nebeus/nebeus-contract/conformance"
)

// TestLabelFilterNamesOnlyTheSuitesLabels: a filter that names a label no
// spec carries is refused (a typo would select nothing, and a gate that
// checks nothing must never pass).
func TestLabelFilterNamesOnlyTheSuitesLabels(t *testing.T) {
	cases := []struct {
		filter string
		ok     bool
	}{
		{"readonly", true},
		{"ReadOnly", true},
		{"mutating && !concurrency", true},
		{"(readonly || mutating), concurrency", true},
		{"/^read/", true},
		{"readonyl", false},
		{"readonly && !concurency", false},
		{"/^read-only$/", false},
		{"smoke", false},
	}
	for _, c := range cases {
		err := conformance.CheckLabelFilter(c.filter)
		if c.ok && err != nil {
			t.Errorf("%q: %v, want accepted", c.filter, err)
		}
		if !c.ok && !errors.Is(err, conformance.ErrUnknownLabel) {
			t.Errorf("%q: %v, want ErrUnknownLabel", c.filter, err)
		}
	}
}
