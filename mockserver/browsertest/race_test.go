//go:build race

package browsertest_test

// raceSlowdown: the race detector slows the mock and the test several
// times over, so the bounds that the issue states for a normal build are
// scaled under it (make test runs -race, beside other packages).
const raceSlowdown = 3
