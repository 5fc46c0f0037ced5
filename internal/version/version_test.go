package version

import (
	"strings"
	"testing"
)

func TestStampedVersionWins(t *testing.T) {
	old := stamped
	t.Cleanup(func() { stamped = old })
	stamped = "v9.8.7-test"
	if got := String(); got != "v9.8.7-test" {
		t.Fatalf("String() = %q, want the stamped version", got)
	}
	if got := Line("nebeus-mock"); !strings.HasPrefix(got, "nebeus-mock v9.8.7-test (go") {
		t.Fatalf("Line = %q", got)
	}
}

func TestUnstampedTestBinaryIsDevel(t *testing.T) {
	old := stamped
	t.Cleanup(func() { stamped = old })
	stamped = ""
	// A test binary records no module version: the fallback is "devel".
	if got := String(); got != "devel" {
		t.Fatalf("String() = %q, want devel", got)
	}
}
