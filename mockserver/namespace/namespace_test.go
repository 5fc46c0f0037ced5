package namespace_test

import (
	"strings"
	"testing"

	"github.com/nebeus/nebeus-contract/mockserver/namespace"
	"github.com/nebeus/nebeus-contract/mockserver/state"
)

// Valid admits 1 to 64 characters of [A-Za-z0-9._-]: names that are safe
// in a header, a URL query, a log line and a file name.
func TestValid(t *testing.T) {
	for _, tc := range []struct {
		name string
		want bool
	}{
		{"qa", true},
		{"team-a.branch_7", true},
		{strings.Repeat("n", 64), true},
		{"", false},
		{strings.Repeat("n", 65), false},
		{"a/b", false},
		{"../x", false},
		{"a b", false},
		{"név", false},
		{"a\r\nX-Injected: 1", false},
	} {
		if got := namespace.Valid(tc.name); got != tc.want {
			t.Errorf("Valid(%q) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// Named refuses an invalid name with -32600 naming the header, and takes a
// valid one, or the default namespace for "", into use.
func TestNamed(t *testing.T) {
	st, err := state.New(state.Config{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, e := namespace.Named(st, "a/b", true); e == nil || e.Code != -32600 || !strings.Contains(e.Message, namespace.Header) {
		t.Errorf("Named(a/b) = %v, want -32600 naming %s", e, namespace.Header)
	}
	for _, name := range []string{"", "qa"} {
		if ns, e := namespace.Named(st, name, true); e != nil || ns == nil {
			t.Errorf("Named(%q) = %v, %v; want the namespace", name, ns, e)
		}
	}
}
