// Command nebeus-mock runs the stateful mock of the Nebeus account API for
// frontend teams (package mockserver). nebeus-mock --help lists the flags
// and their NEBEUS_MOCK_* environment variables.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "nebeus-mock:", err)
		os.Exit(1)
	}
}
