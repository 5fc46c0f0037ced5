package main

import (
	"fmt"
	"strings"
	"testing"
)

// The console's reload notice lists the changes, at most maxNoticeChanges.
func TestReloadNotice(t *testing.T) {
	many := make([]string, maxNoticeChanges+3)
	for i := range many {
		many[i] = fmt.Sprintf("info: op%d title changed", i)
	}
	for _, tc := range []struct {
		name    string
		changes []string
		want    []string
		not     []string
	}{
		{"none", nil, []string{"page reloaded: no change to the operations"}, []string{"reload the console"}},
		{"one", many[:1], []string{"page reloaded: 1 change; info: op0 title changed", "reload the console"}, nil},
		{"many", many, []string{fmt.Sprintf("%d changes", len(many)), "op9 title", "and 3 more (see the log)"}, []string{"op10 title"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := notice(tc.changes)
			for _, w := range tc.want {
				if !strings.Contains(got, w) {
					t.Errorf("%q lacks %q", got, w)
				}
			}
			for _, n := range tc.not {
				if strings.Contains(got, n) {
					t.Errorf("%q has %q", got, n)
				}
			}
		})
	}
}
