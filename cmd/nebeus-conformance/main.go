// Command nebeus-conformance checks a deployment of the Nebeus account API
// against the contract (package conformance) and answers yes or no for a CI
// gate:
//
//	nebeus-conformance --base-url https://staging.example.net
//
// Exit status: 0 the deployment conforms, 1 it violates the contract, 2 a
// usage error (a label filter naming a label the suite lacks included), a
// target that gives no whole answer, a run that checked nothing, or one
// --max-time cut short before it found a violation. nebeus-conformance
// --help lists the flags.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	if err == nil {
		return
	}
	var ee *exitError
	if errors.As(err, &ee) && ee.err == nil {
		os.Exit(ee.code) // already reported
	}
	fmt.Fprintln(os.Stderr, "nebeus-conformance:", err)
	if errors.As(err, &ee) {
		os.Exit(ee.code)
	}
	os.Exit(2)
}
