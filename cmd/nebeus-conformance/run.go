package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/nebeus/nebeus-contract/conformance"
	"github.com/nebeus/nebeus-contract/internal/version"
	"github.com/nebeus/nebeus-contract/schemas"
	"github.com/nebeus/nebeus-contract/spec/runcontract"
)

// Environment variables read for flags not given.
const (
	envBaseURL  = "NEBEUS_BASE_URL"
	envLogin    = "NEBEUS_LOGIN"
	envPassword = "NEBEUS_PASSWORD"
	// envShardHeaders carries the --header flags to the shards of a
	// parallel run (a JSON list): a command line shows in process listings.
	envShardHeaders = "NEBEUS_SHARD_HEADERS"
)

// exitError carries the exit status: 1 the target violates the contract,
// 2 a usage error or an unreachable target. err nil: already reported.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

func usageError(format string, args ...any) error {
	return &exitError{code: 2, err: fmt.Errorf(format, args...)}
}

// defaultParallel is how many processes run the specs by default: the
// specs are independent (an ordered flow stays in one shard), and a run
// across a network waits on round trips, not on CPU; 8 keeps the default
// run at 50 ms round trip under 10 s (BenchmarkDefaultRunAcrossANetwork in
// package conformance).
const defaultParallel = 8

// list is a repeatable string flag.
type list []string

func (l *list) String() string     { return strings.Join(*l, ", ") }
func (l *list) Set(v string) error { *l = append(*l, v); return nil }

type options struct {
	conformance.Options
	headers, relax         list
	labelFilter            string
	verbose, noColor, help bool
	parallel               int
	seed                   int64
	shard                  string
	// source is where the contract comes from (--contract, --page,
	// --overlay); warnings are its generator's, printed once.
	source       runcontract.Options
	warnings     []string
	printVersion bool
}

func parseFlags(args []string, getenv func(string) string) (*options, *flag.FlagSet, error) {
	o := &options{}
	fs := flag.NewFlagSet("nebeus-conformance", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.BaseURL, "base-url", "", "the deployment's base URL (env "+envBaseURL+"); each operation is served at it followed by its path in the contract")
	fs.StringVar(&o.source.Contract, "contract", "", "check against the contract nebeus-contract generate --out DIR wrote (DIR, or DIR/schemas) instead of the built-in one")
	fs.StringVar(&o.source.Page, "page", "", "check against the contract of this Slate page, generated at start (includes beside it, in includes/_NAME.md), instead of the built-in one")
	fs.StringVar(&o.source.Overlay, "overlay", "", "with --page: the decision overlay applied to it (default none; DECISIONS.md beside it names the decisions)")
	fs.DurationVar(&o.Timeout, "timeout", 5*time.Second, "per-exchange timeout, the answer's body included; a later answer fails (T5) and blocks its operation: its later checks are skipped naming that one finding")
	fs.DurationVar(&o.MaxTime, "max-time", conformance.DefaultMaxTime, "bound on the whole run: past it no request is sent, the specs left are reported as not run (exit status 2 unless a violation was found) and the reports are still written; 0 for no bound")
	fs.Var(&o.headers, "header", "'Name: value' added to every request (repeatable), e.g. a gateway token")
	fs.StringVar(&o.EmailDomain, "email-domain", "example.com", "domain of the accounts the mutating specs create")
	fs.StringVar(&o.Login, "login", "", "login of an existing account for the readonly session specs (env "+envLogin+")")
	fs.StringVar(&o.Password, "password", "", "its password (env "+envPassword+", preferred: a flag shows in process listings); never echoed")
	fs.Var(&o.relax, "relax", "a T4 shape relaxation, named in the report (repeatable or comma-separated): "+strings.Join(conformance.RelaxationNames(), ", "))
	fs.BoolVar(&o.FailFast, "fail-fast", false, "stop at the first failing spec: the specs after it are not run (the summary counts them); exit status 1 as for any violation (with --parallel, each shard stops at its own)")
	fs.StringVar(&o.labelFilter, "label-filter", "", "Ginkgo label filter: 'readonly' is safe against production, 'mutating' creates accounts")
	fs.StringVar(&o.JUnitReport, "junit-report", "", "write a JUnit XML report to this file (a class per operation, the decision in each test's name, skipped tests with their cause)")
	fs.StringVar(&o.JSONReport, "json-report", "", "write Ginkgo's JSON report to this file, with the summary (findings, checks, coverage) as the entry nebeus-summary")
	fs.StringVar(&o.HTMLReport, "html-report", "", "write a single-file HTML report for people to this file")
	fs.BoolVar(&o.verbose, "v", false, "verbose: every spec as it runs")
	fs.BoolVar(&o.verbose, "verbose", false, "same as -v")
	fs.IntVar(&o.parallel, "parallel", defaultParallel, "run the specs in N processes at once (each a shard of them, ordered flows kept whole; data unique per process); 1 runs them one after another in this process")
	fs.Int64Var(&o.seed, "seed", 0, "the run's seed: the spec order, the state machines' sequences and the countries sampled all derive from it; the report prints it, and giving it again repeats the run (default: the time)")
	fs.IntVar(&o.Steps, "steps", conformance.DefaultSteps, "operations per state machine in the stateful stage (random sequences); 0 turns the stage off")
	fs.DurationVar(&o.StepsTime, "steps-time", conformance.DefaultStepsTime, "time each state machine may spend finding a failure (shrinking one gets as long again)")
	fs.IntVar(&o.Concurrency, "concurrency", conformance.DefaultConcurrency, fmt.Sprintf("requests the concurrency specs send at once (2 to %d)", conformance.MaxConcurrency))
	fs.BoolVar(&o.noColor, "no-color", false, "no ANSI colours (default when stdout is not a terminal)")
	fs.StringVar(&o.RunID, "run-id", "", "make the created accounts' emails nc-RUNID-... (default random)")
	fs.StringVar(&o.shard, "shard", "", "internal (--parallel): run shard I/N of the specs")
	fs.BoolVar(&o.NoSummary, "no-summary", false, "internal (--parallel): leave the summary out")
	fs.BoolVar(&o.help, "help", false, "show this help")
	fs.BoolVar(&o.printVersion, "version", false, "print the version and exit")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			o.help = true
			return o, fs, nil
		}
		return nil, fs, usageError("%v (see --help)", err)
	}
	if fs.NArg() > 0 {
		return nil, fs, usageError("unexpected argument %q (see --help)", fs.Arg(0))
	}
	env := map[string]*string{envBaseURL: &o.BaseURL, envLogin: &o.Login, envPassword: &o.Password}
	for name, p := range env {
		if *p == "" {
			*p = getenv(name)
		}
	}
	if o.BaseURL == "" && !o.help && !o.printVersion {
		return nil, fs, usageError("no target: give --base-url or %s", envBaseURL)
	}
	if o.shard != "" && getenv(envShardHeaders) != "" {
		var hs []string
		if err := json.Unmarshal([]byte(getenv(envShardHeaders)), &hs); err != nil {
			return nil, fs, usageError("%s: %v", envShardHeaders, err)
		}
		o.headers = append(o.headers, hs...)
	}
	o.Header = http.Header{}
	for _, h := range o.headers {
		k, v, ok := strings.Cut(h, ":")
		k = strings.TrimSpace(k)
		if !ok || k == "" || strings.ContainsAny(k, " \t") {
			return nil, fs, usageError("--header %q: want 'Name: value'", h)
		}
		o.Header.Add(k, strings.TrimSpace(v))
	}
	for _, r := range o.relax {
		for _, n := range strings.Split(r, ",") {
			if n = strings.TrimSpace(n); n != "" {
				o.Relax = append(o.Relax, n)
			}
		}
	}
	switch {
	case o.Steps == 0:
		o.Steps = -1 // off
	case o.Steps < 0:
		return nil, fs, usageError("--steps %d: want 0 (off) or more", o.Steps)
	}
	o.Seed = o.seed
	switch {
	case o.MaxTime < 0:
		return nil, fs, usageError("--max-time %s: want 0 (no bound) or more", o.MaxTime)
	case o.MaxTime == 0:
		o.MaxTime = -1 // no bound
	}
	if o.parallel < 1 {
		return nil, fs, usageError("--parallel %d: want 1 or more", o.parallel)
	}
	if o.shard != "" {
		if _, err := fmt.Sscanf(o.shard, "%d/%d", &o.Shard, &o.Shards); err != nil || o.Shards < 1 || o.Shard < 0 || o.Shard >= o.Shards {
			return nil, fs, usageError("--shard %q: want I/N with 0 <= I < N", o.shard)
		}
	}
	if o.labelFilter != "" {
		if _, err := types.ParseLabelFilter(o.labelFilter); err != nil {
			return nil, fs, usageError("--label-filter %q: %v", o.labelFilter, err)
		}
		// A typo selects nothing, or less than meant: a gate that checked
		// nothing must never pass.
		if err := conformance.CheckLabelFilter(o.labelFilter); err != nil {
			return nil, fs, usageError("--label-filter %q: %v", o.labelFilter, err)
		}
	}
	if o.source != (runcontract.Options{}) {
		l, err := runcontract.Load(o.source)
		if err != nil {
			return nil, fs, usageError("%v", err)
		}
		o.Contract, o.warnings = l.Contract, l.Warnings
	}
	return o, fs, nil
}

// contract is the contract the run checks against: --contract's, or the
// built-in one (nil if it cannot load: a build defect WithDefaults reports).
func (o *options) contract() *schemas.Contract {
	c, _ := o.ContractOrDefault()
	return c
}

func usage(o *options, fs *flag.FlagSet, w io.Writer) {
	fmt.Fprintf(w, `Usage: nebeus-conformance --base-url URL [flags]

Checks a deployment of the Nebeus account API against the contract
(its operations below; decisions T1-T6, S1-S6) and prints a report: every violation with its
operation, decision, JSON pointer, expected and got, a curl command of the
request and a script replaying every call it depends on from scratch.
The report opens with the findings: failures grouped by root cause, each
with every spec it broke; then a table of operations by decisions and the
contract's coverage (operations, variants, fields and decisions the run
exercised). Every --header value, the password and every session id are
scrubbed ('***') from everything written; the scripts read the password
and header values from NEBEUS_PASSWORD and NEBEUS_HEADER_1.. instead.
Fields beyond the contract are warnings (T6). Stateful failures are shrunk
to a minimal sequence; --seed repeats a run.

Exit status: 0 conforms, 1 violates the contract (a late or too long
answer included: T5), 2 usage error (a --label-filter naming a label the
suite does not have included), target unreachable or without a whole answer,
no spec ran, or --max-time reached before a violation was found: a run that
checked nothing, or not everything, is never a pass.

With --label-filter readonly the account given by --login is only signed in
with its own password: never sent a wrong password, reset_password or signup.

Flags:
`)
	fs.VisitAll(func(f *flag.Flag) {
		name, help := flag.UnquoteUsage(f)
		fmt.Fprintf(w, "  --%s %s\n        %s", f.Name, name, help)
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			fmt.Fprintf(w, " (default %s)", f.DefValue)
		}
		fmt.Fprintln(w)
	})
	if c := o.contract(); c != nil {
		fmt.Fprintf(w, "\nOperations (from the contract; with --label-filter readonly, only those marked safe or with known business rules are called):\n")
		for _, op := range c.Operations() {
			safe := ""
			if op.Safe {
				safe = " (safe)"
			}
			fmt.Fprintf(w, "  %-16s %s %s%s\n", op.ID, op.Method, op.Path, safe)
		}
	}
	fmt.Fprintf(w, "\nRelaxations (T4):\n")
	for _, n := range conformance.RelaxationNames() {
		d := conformance.Relaxations[n]
		if n == conformance.RelaxOdoo {
			d = "bare-envelope and envelope-list: what stock Odoo answers"
		}
		fmt.Fprintf(w, "  %-15s %s\n", n, d)
	}
}

// run checks the target the flags name. main maps its error to the exit
// status (exitError; 2 for any other).
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	o, fs, err := parseFlags(args, getenv)
	if err != nil {
		return err
	}
	if o.help {
		usage(o, fs, stdout)
		return nil
	}
	if o.printVersion {
		fmt.Fprint(stdout, version.Line("nebeus-conformance"))
		return nil
	}
	if o.shard == "" { // a shard's parent printed them
		for _, w := range o.warnings {
			fmt.Fprintln(stderr, "warning:", w)
		}
	}
	o.Out = stdout
	if o.Options, err = o.WithDefaults(); err != nil {
		return &exitError{code: 2, err: err}
	}
	if err := reachable(ctx, o.Options); err != nil {
		return &exitError{code: 2, err: err}
	}
	// A shard runs its specs itself: never shards of a shard.
	if o.parallel > 1 && o.shard == "" {
		return runParallel(ctx, o, stdout, stderr)
	}
	var t failer
	sc, rc := ginkgoConfig(o, stdout)
	res, err := conformance.Run(&t, o.Options, sc, rc)
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	if res.ReportErr != nil {
		return &exitError{code: 2, err: fmt.Errorf("writing the reports: %w", res.ReportErr)}
	}
	if !res.Passed || t.failed {
		return &exitError{code: 1}
	}
	if o.shard == "" && res.Summary != nil {
		return checkedAll(o, *res.Summary)
	}
	return nil
}

// checkedAll is the gate's last word on a run that found no violation:
// one the run's --max-time cut short did not check everything, and one in
// which no spec ran checked nothing; neither is a pass (exit status 2).
func checkedAll(o *options, sum conformance.Summary) error {
	if sum.NotRun > 0 {
		return &exitError{code: 2, err: fmt.Errorf("incomplete: --max-time %s reached with %d specs not run; a run that did not check everything is not a pass", o.MaxTime, sum.NotRun)}
	}
	return checkedSomething(o, sum.Specs.Passed+sum.Specs.Failed)
}

// checkedSomething is the gate's last word on a run that found no
// violation: a run in which no spec ran checked nothing, and nothing
// checked is never a pass (exit status 2).
func checkedSomething(o *options, ran int) error {
	if ran > 0 {
		return nil
	}
	why := "no spec ran"
	if o.labelFilter != "" {
		why += fmt.Sprintf(" (--label-filter %q selects none)", o.labelFilter)
	}
	return &exitError{code: 2, err: errors.New("nothing was checked: " + why + "; a run that checks nothing is not a pass")}
}

// failer is the GinkgoTestingT RunSpecs reports a failed suite to.
type failer struct{ failed bool }

func (f *failer) Fail() { f.failed = true }

// ginkgoConfig builds Ginkgo's configuration from the flags.
func ginkgoConfig(o *options, stdout io.Writer) (types.SuiteConfig, types.ReporterConfig) {
	sc := types.NewDefaultSuiteConfig()
	sc.LabelFilter = o.labelFilter
	if o.MaxTime > 0 {
		// Ginkgo's own bound, a backstop: the suite stops sending at
		// --max-time and ends within a spec's timeout of it.
		sc.Timeout = o.MaxTime + 10*o.Timeout + time.Minute
	}
	if o.seed != 0 {
		sc.RandomSeed = o.seed
	}
	rc := types.NewDefaultReporterConfig()
	rc.Verbose = o.verbose
	rc.NoColor = o.noColor || !isTerminal(stdout)
	return sc, rc
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// reachable probes the target once: any whole HTTP answer will do (the
// specs judge it); no answer at all, or none whole within the timeout
// (body included, at most conformance.MaxBody bytes), is exit status 2, not
// a violation. The probe
// is an operation of the contract that is safe to call: the first safe
// JSON-RPC one that takes no required argument, sent empty params; else
// the first operation.
func reachable(ctx context.Context, o conformance.Options) error {
	ops := o.Contract.Operations()
	if len(ops) == 0 {
		return errors.New("the contract has no operation")
	}
	op := ops[0]
	for _, c := range ops {
		if c.JSONRPC() && c.Safe && c.ParamsOptional {
			op = c
			break
		}
	}
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	var body io.Reader
	if op.JSONRPC() {
		body = bytes.NewReader([]byte(`{"jsonrpc": "2.0", "method": "call", "params": {}, "id": 0}`))
	}
	req, err := http.NewRequestWithContext(ctx, op.Method, op.URL(o.BaseURL, nil), body)
	if err != nil {
		return err
	}
	for k, vs := range o.Header {
		req.Header[k] = vs
	}
	if op.JSONRPC() {
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
	}
	resp, err := o.Client.Do(req)
	if err != nil {
		return fmt.Errorf("target unreachable: %w", err)
	}
	defer resp.Body.Close()
	n, err := io.Copy(io.Discard, io.LimitReader(resp.Body, conformance.MaxBody+1))
	switch {
	case err != nil:
		return fmt.Errorf("target unreachable: %s %s answered HTTP %d but no whole body within --timeout %s: %w", op.Method, op.Path, resp.StatusCode, o.Timeout, err)
	case n > conformance.MaxBody:
		return fmt.Errorf("target unusable: %s %s answered a body longer than %d bytes", op.Method, op.Path, conformance.MaxBody)
	}
	return nil
}
