//go:build !race

package browsertest_test

// raceSlowdown is 1 without the race detector: the bounds hold as stated.
const raceSlowdown = 1
