package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/nebeus/nebeus-contract/conformance"
)

// runParallel runs the specs in o.parallel processes of this binary, each
// a shard (--shard I/N) with its own run id, so their data never collide.
// Ginkgo's own parallel mode needs the ginkgo CLI as its server; shards
// need nothing but this binary. The shards' Ginkgo reports are merged into
// one summary and one JUnit and JSON report.
func runParallel(ctx context.Context, o *options, stdout, stderr io.Writer) error {
	exe, err := os.Executable()
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	dir, err := os.MkdirTemp("", "nebeus-conformance-")
	if err != nil {
		return &exitError{code: 2, err: err}
	}
	defer os.RemoveAll(dir)
	if o.MaxTime > 0 {
		// A backstop: each shard bounds itself by --max-time.
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, o.MaxTime+10*o.Timeout+time.Minute)
		defer cancel()
	}
	// One seed for every shard: the run is repeated by giving it again.
	if o.seed == 0 {
		o.seed = time.Now().UnixNano() % (1 << 31)
	}

	type shard struct {
		out    bytes.Buffer
		report string
		err    error
	}
	shards := make([]*shard, o.parallel)
	var wg sync.WaitGroup
	for i := range shards {
		sh := &shard{report: filepath.Join(dir, fmt.Sprintf("shard-%d.json", i))}
		shards[i] = sh
		args := []string{
			"--base-url", o.BaseURL, "--timeout", o.Timeout.String(), "--email-domain", o.EmailDomain,
			"--shard", fmt.Sprintf("%d/%d", i, o.parallel), "--parallel", "1", "--run-id", fmt.Sprintf("%s-%d", o.RunID, i+1),
			"--json-report", sh.report, "--no-summary", "--no-color",
			"--steps", strconv.Itoa(max(0, o.Steps)), "--steps-time", o.StepsTime.String(),
			"--concurrency", strconv.Itoa(o.Concurrency), "--max-time", max(0, o.MaxTime).String(),
		}
		for _, r := range o.Relax {
			args = append(args, "--relax", r)
		}
		if o.labelFilter != "" {
			args = append(args, "--label-filter", o.labelFilter)
		}
		if o.FailFast {
			args = append(args, "--fail-fast")
		}
		if o.Login != "" {
			args = append(args, "--login", o.Login)
		}
		// Each shard generates the same contract from the same inputs.
		for flag, v := range map[string]string{"--contract": o.source.Contract, "--page": o.source.Page, "--overlay": o.source.Overlay} {
			if v != "" {
				args = append(args, flag, v)
			}
		}
		args = append(args, "--seed", strconv.FormatInt(o.seed, 10))
		if o.verbose {
			args = append(args, "-v")
		}
		cmd := exec.CommandContext(ctx, exe, args...)
		// The password and the header values go by environment, never on
		// a command line (process listings show it).
		hdrs, _ := json.Marshal([]string(o.headers))
		cmd.Env = append(os.Environ(), envPassword+"="+o.Password, envShardHeaders+"="+string(hdrs))
		cmd.Stdout, cmd.Stderr = &sh.out, &sh.out
		wg.Add(1)
		go func() {
			defer wg.Done()
			sh.err = cmd.Run()
		}()
	}
	wg.Wait()

	var merged types.Report
	code := 0
	for i, sh := range shards {
		fmt.Fprintf(stdout, "=== shard %d of %d ===\n", i+1, len(shards))
		stdout.Write(sh.out.Bytes())
		var ee *exec.ExitError
		switch {
		case sh.err == nil:
		case errors.As(sh.err, &ee) && ee.ExitCode() == 1:
			code = max(code, 1)
		default:
			fmt.Fprintf(stderr, "nebeus-conformance: shard %d: %v\n", i+1, sh.err)
			code = 2
		}
		r, err := readReport(sh.report)
		if err != nil {
			fmt.Fprintf(stderr, "nebeus-conformance: shard %d: %v\n", i+1, err)
			code = 2
			continue
		}
		merged = merge(merged, r, i == 0)
	}
	opts := o.Options
	opts.Seed = o.seed
	// The shards scrubbed their reports of every secret they saw; the
	// header values and the password once more here.
	sc := conformance.OptionsScrubber(opts)
	if merged, err = conformance.ScrubReport(merged, sc); err != nil {
		return &exitError{code: 2, err: err}
	}
	sum := conformance.Summarize(merged, opts)
	sum.Header += fmt.Sprintf("\n  parallel:    %d processes (run ids %s-1..%d)", o.parallel, o.RunID, o.parallel)
	var text strings.Builder
	sum.Write(&text)
	io.WriteString(stdout, sc.String(text.String()))
	if !sum.Conforms() {
		code = max(code, 1)
	}
	if err := conformance.WriteReports(merged, sum, opts, sc); err != nil {
		return &exitError{code: 2, err: fmt.Errorf("writing the reports: %w", err)}
	}
	if code != 0 {
		return &exitError{code: code}
	}
	return checkedAll(o, sum)
}

// readReport reads a Ginkgo JSON report: a list of suite reports.
func readReport(path string) (types.Report, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return types.Report{}, err
	}
	var rs []types.Report
	if err := json.Unmarshal(b, &rs); err != nil {
		return types.Report{}, fmt.Errorf("%s: %w", path, err)
	}
	if len(rs) != 1 {
		return types.Report{}, fmt.Errorf("%s: %d suite reports, want 1", path, len(rs))
	}
	return rs[0], nil
}

// merge adds a shard's report to the merged one.
func merge(into, r types.Report, first bool) types.Report {
	if first {
		return r
	}
	into.SuiteSucceeded = into.SuiteSucceeded && r.SuiteSucceeded
	into.SpecialSuiteFailureReasons = append(into.SpecialSuiteFailureReasons, r.SpecialSuiteFailureReasons...)
	into.PreRunStats.TotalSpecs = max(into.PreRunStats.TotalSpecs, r.PreRunStats.TotalSpecs)
	into.PreRunStats.SpecsThatWillRun += r.PreRunStats.SpecsThatWillRun
	into.RunTime = max(into.RunTime, r.RunTime)
	if r.EndTime.After(into.EndTime) {
		into.EndTime = r.EndTime
	}
	into.SpecReports = append(into.SpecReports, r.SpecReports...)
	return into
}
