package ops_test

import (
	"strings"
	"testing"
	"time"

	"github.com/nebeus/nebeus-contract/mockserver/ops"
	"github.com/nebeus/nebeus-contract/schemas"
)

// A delay is a Go duration or whole milliseconds, bounded by MaxDelay;
// anything else is refused with the value echoed.
func TestParseDelay(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"250ms", 250 * time.Millisecond, ""},
		{"1.5s", 1500 * time.Millisecond, ""},
		{"0", 0, ""},
		{"750", 750 * time.Millisecond, ""},
		{ops.MaxDelay.String(), ops.MaxDelay, ""},
		{"-1", 0, "outside"},
		{"-1ms", 0, "outside"},
		{(ops.MaxDelay + time.Millisecond).String(), 0, "outside"},
		{"99999999999999999999", 0, "not a duration"},
		{"soon", 0, "not a duration"},
		{"", 0, "not a duration"},
	} {
		got, err := ops.ParseDelay(tc.in)
		switch {
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("ParseDelay(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err) || !strings.Contains(err.Error(), tc.in)):
			t.Errorf("ParseDelay(%q) = %v, %v; want an error saying %q and naming the value", tc.in, got, err, tc.err)
		}
	}
}

// Prefer takes variant and delay, in any case, separated by commas or
// semicolons, quoted or not, and says what it applied; other preferences
// are ignored (RFC 7240); a variant the operation does not document is
// refused with the ones it does.
func TestParsePrefer(t *testing.T) {
	c, err := schemas.Default()
	if err != nil {
		t.Fatal(err)
	}
	var op *ops.Operation
	for _, o := range c.Operations() {
		if len(o.Variants) >= 2 {
			op = &ops.Operation{Operation: o}
			break
		}
	}
	if op == nil {
		t.Fatal("the embedded contract has no operation with two variants")
	}
	second := op.Variants[1].Name

	p, werr := ops.ParsePrefer([]string{`return=minimal; Variant="` + second + `"`, "DELAY=20, code=500"}, op)
	if werr != nil {
		t.Fatalf("ParsePrefer: %v", werr)
	}
	if p.Variant != second || p.Delay != 20*time.Millisecond {
		t.Errorf("got variant %q, delay %v; want %q, 20ms", p.Variant, p.Delay, second)
	}
	if got := strings.Join(p.Applied, ", "); got != "variant="+second+", delay=20ms" {
		t.Errorf("Preference-Applied %q", got)
	}

	if p, werr := ops.ParsePrefer([]string{"respond-async, wait=10"}, op); werr != nil || p.Variant != "" || p.Delay != 0 || len(p.Applied) != 0 {
		t.Errorf("preferences not the mock's: %+v, %v; want none applied", p, werr)
	}

	_, werr = ops.ParsePrefer([]string{"variant=no-such-variant"}, op)
	if werr == nil || werr.Status != 400 || !strings.Contains(werr.Message, "no-such-variant") || !strings.Contains(werr.Message, strings.Join(ops.VariantNames(op), ", ")) {
		t.Errorf("unknown variant: %+v; want a 400 naming it and the documented ones", werr)
	}
	if _, werr := ops.ParsePrefer([]string{"delay=forever"}, op); werr == nil || werr.Status != 400 {
		t.Errorf("bad delay: %+v; want a 400", werr)
	}
}
