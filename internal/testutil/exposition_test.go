package testutil

import (
	"strings"
	"testing"
)

// TestParseExposition: what a scraper reads, and what it refuses, which
// the mock's metrics tests count on to go red.
func TestParseExposition(t *testing.T) {
	good := "# HELP a_total Things.\n# TYPE a_total counter\na_total{op=\"say \\\"hi\\\"\",x=\"back\\\\slash\\nline\"} 2\na_total 1.5e+00\n" +
		"# TYPE h histogram\nh_bucket{le=\"+Inf\"} 3\nh_sum 0.25\nh_count 3 1700000000000\n"
	samples, err := ParseExposition(good)
	if err != nil {
		t.Fatal(err)
	}
	if got := SumSamples(samples, "a_total", map[string]string{"op": `say "hi"`, "x": "back\\slash\nline"}); got != 2 {
		t.Errorf("escaped labels: %v, want 2", got)
	}
	if got := SumSamples(samples, "a_total", nil); got != 3.5 {
		t.Errorf("a_total sums to %v, want 3.5", got)
	}
	for _, bad := range []string{
		"a_total{op=\"unterminated} 1",
		"a_total{op=\"bad \\t escape\"} 1",
		"a_total{op=unquoted} 1",
		"a_total{op=\"x\" y=\"z\"} 1",
		"a_total{op=\"x\",op=\"y\"} 1",
		"a_total",
		"a_total one",
		"a_total 1 2 3",
		"0bad 1",
		"# TYPE a_total counter\n# TYPE a_total counter\na_total 1",
		"a_total 1\n# TYPE a_total counter",
		"a_total 1\nb_total 1\na_total 1",
	} {
		if _, err := ParseExposition(bad); err == nil {
			t.Errorf("accepted %q", bad)
		} else if !strings.Contains(err.Error(), "line ") {
			t.Errorf("%q: the error names no line: %v", bad, err)
		}
	}
}
