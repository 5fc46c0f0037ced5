// Package version is what every binary prints for --version: the release it
// was built as.
package version

import (
	"runtime"
	"runtime/debug"
)

// stamped is set at link time by a release build (make dist, make images:
// -ldflags "-X github.com/nebeus/nebeus-contract/internal/version.stamped=v1.2.3").
var stamped string

// String is the version: the stamped one; else the module version go
// install records (go install ...@v1.2.3); else "devel" (go build, go run
// in a clone).
func String() string {
	if stamped != "" {
		return stamped
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// Line is the --version output of program: its name, version, Go version
// and platform.
func Line(program string) string {
	return program + " " + String() + " (" + runtime.Version() + ", " + runtime.GOOS + "/" + runtime.GOARCH + ")\n"
}
