package main

import (
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/nebeus/nebeus-contract/mockserver"
)

// proxyOptions are the flags of the validation proxy (issue 13).
type proxyOptions struct {
	upstream, mockOperations string
	strict                   bool
	timeout                  time.Duration
	maxResponseBody          int64
}

// proxyFlags registers the proxy's flags on fs.
func proxyFlags(fs *flag.FlagSet) *proxyOptions {
	p := &proxyOptions{}
	fs.StringVar(&p.upstream, "upstream", "", "base URL of a backend to forward every operation to, checking each exchange against the contract (a validation proxy)")
	fs.BoolVar(&p.strict, "strict", false, "with --upstream: replace an answer that breaks the contract by a 502 JSON-RPC error listing the violations")
	fs.StringVar(&p.mockOperations, "mock-operations", "", "with --upstream: comma-separated operations the mock answers from its own state (the rest are forwarded)")
	fs.DurationVar(&p.timeout, "upstream-timeout", mockserver.DefaultProxyTimeout, "with --upstream: time the backend has to answer (504 past it)")
	fs.Int64Var(&p.maxResponseBody, "max-response-body", mockserver.DefaultMaxResponseBody, "with --upstream: backend answer limit in bytes (502 above)")
	return p
}

// config is the mockserver.Proxy the flags ask for; nil without --upstream.
func (p *proxyOptions) config() (*mockserver.Proxy, error) {
	if p.upstream == "" {
		if p.strict || p.mockOperations != "" {
			return nil, fmt.Errorf("--strict and --mock-operations need --upstream")
		}
		return nil, nil
	}
	var ops []string
	for _, op := range strings.Split(p.mockOperations, ",") {
		if op = strings.TrimSpace(op); op != "" {
			ops = append(ops, op)
		}
	}
	return &mockserver.Proxy{Upstream: p.upstream, Strict: p.strict, MockOperations: ops, Timeout: p.timeout, MaxResponseBody: p.maxResponseBody}, nil
}

// banner says where the operations go.
func (p *proxyOptions) banner(w io.Writer, cfg *mockserver.Proxy) {
	if cfg == nil {
		return
	}
	mode := "count in " + mockserver.ViolationsHeader
	if cfg.Strict {
		mode = "answers that break the contract replaced by a 502 (--strict)"
	}
	fmt.Fprintf(w, "  validation proxy: forwarding to %s, each exchange checked (%s; details in the journal, /_mock/ with --control)\n", cfg.Upstream, mode)
	if len(cfg.MockOperations) > 0 {
		fmt.Fprintf(w, "  answered by the mock: %s\n", strings.Join(cfg.MockOperations, ", "))
	}
}
