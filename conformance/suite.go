package conformance

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega"

	"github.com/nebeus/nebeus-contract/schemas"
)

// Result is what a run found, as far as this process saw it: with
// Ginkgo's parallel processes only process 1 builds the Summary.
type Result struct {
	Passed  bool
	Summary *Summary
	// ReportErr is why a report file (Options.JSONReport, ...) could not
	// be written.
	ReportErr error
}

// Description is the suite's name in Ginkgo's reports; Run appends the
// relaxations in force.
const Description = "Nebeus API conformance"

// Run defines the conformance specs for opts and runs them with Ginkgo.
// config is passed to RunSpecs as is (types.SuiteConfig, types.ReporterConfig
// or Labels: ginkgo.GinkgoConfiguration() under "go test", values built
// from flags in the binary). Ginkgo allows one RunSpecs per process, so Run
// too can be called once. The error is for bad options (ErrOptions) only;
// a non-conforming target gives Passed false.
func Run(t GinkgoTestingT, opts Options, config ...any) (Result, error) {
	config, opts.Seed = seeded(config, opts.Seed, opts.FailFast)
	s, err := newSuite(opts)
	if err != nil {
		return Result{}, err
	}
	s.define()
	RegisterFailHandler(Fail)
	passed := RunSpecs(t, s.description(), config...)
	s.mu.Lock()
	defer s.mu.Unlock()
	return Result{Passed: passed, Summary: s.summary, ReportErr: s.reportErr}, nil
}

// seeded makes Ginkgo's seed and the run's one: opts' seed when given,
// else Ginkgo's (from its flags, or the time); and turns Ginkgo's
// FailFast on when opts ask for it.
func seeded(config []any, seed int64, failFast bool) ([]any, int64) {
	config = slices.Clone(config)
	at := -1
	for i, c := range config {
		if _, ok := c.(types.SuiteConfig); ok {
			at = i
		}
	}
	if at < 0 {
		sc, _ := GinkgoConfiguration()
		config = append(config, sc)
		at = len(config) - 1
	}
	sc := config[at].(types.SuiteConfig)
	if seed == 0 {
		seed = sc.RandomSeed
	}
	sc.RandomSeed = seed
	sc.FailFast = sc.FailFast || failFast
	config[at] = sc
	return config, seed
}

// suite is one run's state.
type suite struct {
	opts     Options
	contract *schemas.Contract
	// secrets are the names of the contract's secret arguments and fields,
	// masked in every report.
	secrets []string
	// book says which secret values a report shows (secrets.go).
	book secretBook
	// headerRefs are the --header values repro scripts read from the
	// environment, issued the session ids the deployment handed out: both
	// scrubbed from every report (scrub.go).
	headerRefs []HeaderRef
	issued     issued
	// scrubCache is the scrubber of the secrets known so far (scrubSizes:
	// how many hidden and issued it holds).
	scrubMu    sync.Mutex
	scrubCache *Scrubber
	scrubSizes [2]int
	seq        atomic.Int64

	// specs counts the specs (or Ordered containers) defined so far, for
	// sharding; whole is set while an Ordered container is defined, whose
	// specs go to one shard together.
	specs int
	whole bool

	mu      sync.Mutex
	summary *Summary
	// reportErr is why a report file could not be written.
	reportErr error
	// country is an active country's id (S6), once fetched; countries
	// all their ids, once a state machine fetched them.
	country   any
	countries []any
	// validPick is which candidate valid takes per operation and argument;
	// negCache the negatives derived per operation (both are the model's,
	// derived once).
	validPick map[string]int
	negCache  map[string][]negative
	// blocked holds, per operation, the finding that blocked it (a late
	// or too long answer); deadline is when the run's --max-time ends
	// (zero: no bound). See bounds.go.
	blocked  map[string]string
	deadline time.Time
}

func newSuite(opts Options) (*suite, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &suite{opts: opts, contract: opts.Contract, secrets: opts.Contract.Model().Secrets()}
	s.book.hide(opts.Password)
	if opts.MaxTime > 0 {
		s.deadline = time.Now().Add(opts.MaxTime)
	}
	s.headerRefs = HeaderRefs(opts.Header)
	// The tokens standing for secrets in a command being built are not
	// masked by the contract's names: they become environment references.
	s.book.show(passwordToken)
	s.book.show(passwordJSONToken)
	for _, r := range s.headerRefs {
		s.book.show(r.token)
	}
	return s, nil
}

func (s *suite) description() string {
	if len(s.opts.Relax) == 0 {
		return Description
	}
	return Description + " (relaxed: " + strings.Join(s.opts.Relax, ", ") + ")"
}

// header names the target and, as T4 demands, every relaxation in force.
func (s *suite) header() string { return Header(s.opts) }

// Header is the report's header for a run with opts (after defaults): the
// target and, as T4 demands, every relaxation in force.
func Header(opts Options) string {
	s := &suite{opts: opts}
	relax := "none"
	if len(s.opts.Relax) > 0 {
		relax = strings.Join(s.opts.Relax, ", ")
	}
	acct := "none (session specs use an account the mutating specs create)"
	if s.opts.Login != "" {
		acct = s.opts.Login + " (password from flags or environment, not shown)"
	}
	shard := ""
	if s.opts.Shards > 1 {
		shard = fmt.Sprintf("\n  shard:       %d of %d", s.opts.Shard+1, s.opts.Shards)
	}
	if s.opts.FailFast {
		shard += "\n  fail-fast:   on (the run stops at its first failing spec)"
	}
	stateful := fmt.Sprintf("%d steps per state machine, %s to find a failure", s.opts.Steps, s.opts.StepsTime)
	if s.opts.Steps < 0 {
		stateful = "off"
	}
	return fmt.Sprintf("%s\n  target:      %s\n  run id:      %s\n  seed:        %d (--seed %d repeats the spec order, the sequences and the samples)\n  stateful:    %s\n  timeout:     %s per request, %s for the run\n  relaxations: %s\n  account:     %s",
		s.description(), s.opts.BaseURL, s.opts.RunID, s.opts.Seed, s.opts.Seed, stateful, s.opts.Timeout, maxTime(s.opts.MaxTime), relax, acct) + shard
}

func maxTime(d time.Duration) string {
	if d <= 0 {
		return "no bound"
	}
	return d.String()
}

// define registers every spec. It is called once, before RunSpecs.
func (s *suite) define() {
	ReportBeforeSuite(func(types.Report) {
		fmt.Fprintln(s.opts.Out, s.header())
	})
	ReportAfterSuite("conformance summary", func(r types.Report) {
		// The specs' findings were scrubbed as they were made; everything
		// written from here on is scrubbed once more, whatever put a
		// secret there (scrub.go): the report files by WriteReports, the
		// summary here.
		sc := s.scrubber()
		sum := Summarize(r, s.opts)
		err := WriteReports(r, sum, s.opts, sc)
		s.mu.Lock()
		s.summary = &sum
		s.reportErr = err
		s.mu.Unlock()
		if !s.opts.NoSummary {
			var b strings.Builder
			sum.Write(&b)
			io.WriteString(s.opts.Out, sc.String(b.String()))
		}
	})
	s.defineTransport()
	s.defineProtocol()
	for _, op := range s.contract.Operations() {
		if b, ok := s.bound(op); ok {
			b.specs(s, op)
		}
	}
	s.defineNegative()
	s.definePartitions()
	s.defineAccountFlows()
	s.defineProperties()
	s.defineConcurrency()
	s.defineDifferential()
	s.defineClients()
	s.defineStronger()
	s.defineStateful()
	s.defineGeneric()
}

// it registers a spec whose body checks through a probe; the spec fails
// with every finding at its end. Every request is bounded by the run's
// timeout; the node timeout is a backstop for a spec's several requests.
func (s *suite) it(text string, body func(ctx SpecContext, p *probe), decorators ...any) {
	if !s.whole && !s.claim() {
		return
	}
	args := append([]any{}, decorators...)
	args = append(args, NodeTimeout(s.nodeTimeout()), func(ctx SpecContext) {
		p := s.probe()
		body(ctx, p)
		p.verify()
	})
	It(text, args...)
}

// claim reports whether the next spec (or Ordered container) belongs to
// this run's shard. Specs are defined in the same order in every process,
// so the shards of one run partition the specs.
func (s *suite) claim() bool {
	n := s.specs
	s.specs++
	return s.opts.Shards <= 1 || n%s.opts.Shards == s.opts.Shard
}

func (s *suite) nodeTimeout() time.Duration { return 10*s.opts.Timeout + time.Second }

// nextID is the next JSON-RPC id: strings and numbers in turn, never null,
// so that every answer shows whether the id is echoed (T3).
func (s *suite) nextID() any {
	n := s.seq.Add(1)
	if n%2 == 0 {
		return fmt.Sprintf("nc-%s-%d-%d", s.opts.RunID, GinkgoParallelProcess(), n)
	}
	return 1000 + n
}

// email returns an address unique to the run, the parallel process and the
// call: nc-RUNID-PROC-N@DOMAIN.
func (s *suite) email() string {
	return fmt.Sprintf("nc-%s-%d-%d@%s", s.opts.RunID, GinkgoParallelProcess(), s.seq.Add(1), s.opts.EmailDomain)
}

// password returns a fresh secret value: a password for an account the
// suite creates, long enough for any limit the contract puts on it (valid
// pads it to the argument's minLength).
func (s *suite) password() string {
	return s.throwaway(fmt.Sprintf("Pw-%s-%d", s.opts.RunID, s.seq.Add(1)))
}

// title is a decision's title in the contract ("contract" when unknown).
func (s *suite) title(id string) string {
	if t := s.contract.Model().DecisionTitle(id); t != "" {
		return t
	}
	return "contract"
}
