package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"time"

	"github.com/nebeus/nebeus-contract/mockserver"
	"github.com/nebeus/nebeus-contract/spec/runcontract"
)

// maxNoticeChanges bounds the changes one console notice lists; the log
// has them all.
const maxNoticeChanges = 10

// watch polls the page's inputs every interval until ctx ends (--watch,
// issue 17 item 1). A change that loads is served by a successor of the
// current server, which keeps accounts, sessions, journals and faults; the
// log, stdout and the console say what changed (spec/diff's view of it).
// A change that does not load (a page saved half-written or broken, demo
// accounts the new rules refuse) keeps the last good contract, and the
// same three say why.
func watch(ctx context.Context, w *runcontract.Watcher, last *runcontract.Loaded, current *atomic.Pointer[mockserver.Server],
	interval time.Duration, logger *slog.Logger, stdout io.Writer) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		next, err := w.Poll()
		if err == nil && next == nil {
			continue
		}
		srv := current.Load()
		var succ *mockserver.Server
		if err == nil {
			succ, err = srv.Successor(next.Contract, next.OpenAPIYAML, next.OpenAPIJSON)
		}
		if err != nil {
			msg := "the page did not reload; the last good contract is still served: " + err.Error()
			logger.Warn("contract not reloaded; keeping the last good one", "err", err)
			fmt.Fprintf(stdout, "nebeus-mock: %s\n", msg)
			srv.Notify("contract", msg)
			continue
		}
		for _, warn := range next.Warnings {
			logger.Warn("page", "warning", warn)
		}
		changes := runcontract.Describe(last, next)
		current.Store(succ)
		last = next
		logger.Info("contract reloaded", "source", next.Source, "changes", len(changes), "diff", strings.Join(changes, "; "))
		fmt.Fprintf(stdout, "nebeus-mock: contract reloaded from %s: %s\n", next.Source, countChanges(len(changes)))
		for _, c := range changes {
			fmt.Fprintf(stdout, "  %s\n", c)
		}
		for _, msg := range succ.Shadowed() {
			fmt.Fprintf(stdout, "  warning: %s\n", msg)
		}
		if srv.UsesAccounts() && !succ.UsesAccounts() {
			fmt.Fprintf(stdout, "  demo accounts: unused now (no operation signs in or signs up); kept for when one does\n")
		}
		succ.Notify("contract", notice(changes))
	}
}

func countChanges(n int) string {
	switch n {
	case 0:
		return "no change to the operations"
	case 1:
		return "1 change"
	}
	return fmt.Sprintf("%d changes", n)
}

// notice is a reload as the console shows it: the changes, at most
// maxNoticeChanges of them.
func notice(changes []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "page reloaded: %s", countChanges(len(changes)))
	for i, c := range changes {
		if i == maxNoticeChanges {
			fmt.Fprintf(&b, "; and %d more (see the log)", len(changes)-i)
			break
		}
		b.WriteString("; " + c)
	}
	if len(changes) > 0 {
		b.WriteString(" (reload the console for the new operation list)")
	}
	return b.String()
}
