package testutil

import (
	"context"
	"fmt"
	"os"
	"os/exec"
)

// GoBuild builds the main package pkg into the file out, from the
// directory dir ("" for the test's own).
func GoBuild(ctx context.Context, dir, out, pkg string) error {
	return GoCommand(ctx, dir, "build", "-o", out, pkg)
}

// GoCommand runs the go tool with args in dir. The build is static
// (CGO_ENABLED=0) as the release binaries are (issue 20): the binary a test
// runs is the one users run, and make test compiles that configuration of
// each dependency once for all the tests that build one. GOWORK=off: a
// go.work around the checkout must not change what is built; GOFLAGS from
// the caller (say -race) must not either.
func GoCommand(ctx context.Context, dir string, args ...string) error {
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=", "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go %v: %w\n%s", args, err, b)
	}
	return nil
}
