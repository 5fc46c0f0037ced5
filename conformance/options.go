package conformance

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/nebeus/nebeus-contract/schemas"
)

// Options says which deployment to check and how.
type Options struct {
	// BaseURL is the deployment's base URL, without a trailing slash: each
	// operation is served at BaseURL followed by its path in the contract
	// (T1).
	BaseURL string
	// Contract is the contract to check against; nil is the embedded one
	// (schemas.Default). Every path, limit, fixed text, error key, secret
	// and decision title the suite uses comes from its model.
	Contract *schemas.Contract
	// Timeout bounds every exchange, the answer's body included (T5: a
	// hang past it fails, and blocks its operation). Default 5s.
	Timeout time.Duration
	// MaxTime bounds the whole run: past it no request is sent, the specs
	// left are skipped as not run, and the report is still written. 0 is
	// DefaultMaxTime; negative, no bound.
	MaxTime time.Duration
	// Header is added to every request (a staging gateway's token, say).
	Header http.Header
	// EmailDomain is the domain of the accounts the suite creates. Default
	// example.com.
	EmailDomain string
	// Login and Password name an existing account; when set, the readonly
	// specs also check signin, sessions and logout with it. Password never
	// appears in any output.
	Login, Password string
	// Relax names the T4 shape relaxations to apply (see Relaxations).
	Relax []string
	// RunID makes this run's emails unique; default random.
	RunID string
	// Out receives the run header and the summary table. Default os.Stdout.
	Out io.Writer
	// Client sends the requests. Default a new http.Client per run.
	Client *http.Client
	// Shard and Shards run the Shard-th (from 0) of Shards parts of the
	// specs, for a parallel run in several processes; Shards 0 or 1 runs
	// them all.
	Shard, Shards int
	// JSONReport, JUnitReport and HTMLReport name the report files to
	// write ("": none), each scrubbed of every secret (scrub.go): Ginkgo's
	// JSON report with the summary (findings, checks, coverage) as the
	// entry "nebeus-summary"; JUnit XML with a class per operation; a
	// single-file HTML page for people (reportfiles.go, html.go).
	JSONReport, JUnitReport, HTMLReport string
	// NoSummary leaves the summary out of Out (a parallel run's parent
	// prints one for all its shards).
	NoSummary bool
	// Seed makes the run reproducible: Ginkgo's spec order, the state
	// machines' random sequences (pgregory.net/rapid) and the sample of
	// countries signup is tried with all derive from it. 0 takes Ginkgo's
	// seed (the time, unless given); the header prints the one used.
	Seed int64
	// Steps bounds the stateful stage: about this many operations in all
	// per state machine (mutating and readonly). 0 is DefaultSteps; a
	// negative value turns the stage off.
	Steps int
	// StepsTime bounds the time each state machine spends finding a
	// failure (shrinking one has its own bound). Default DefaultStepsTime.
	StepsTime time.Duration
	// Concurrency is how many requests the concurrency specs send at once
	// (bounded: at most MaxConcurrency). Default DefaultConcurrency.
	Concurrency int
	// FailFast stops the run at its first failing spec (Ginkgo's
	// FailFast): the specs after it are not run, and the summary counts
	// them (Summary.FailFastNotRun). A gate that needs only a yes or no
	// gets its no sooner; a run that found nothing ran everything.
	FailFast bool
}

// Defaults of the stateful and concurrency stages: small enough that the
// whole run against the local mock stays well under 5 s.
const (
	DefaultSteps       = 80
	DefaultStepsTime   = 400 * time.Millisecond
	DefaultConcurrency = 8
	MaxConcurrency     = 64
	// DefaultMaxTime bounds a run against a slow or hostile deployment
	// (the whole run against a conforming one takes seconds).
	DefaultMaxTime = 3 * time.Minute
)

// WithDefaults checks opts and fills in its defaults (what Run does first).
func (o Options) WithDefaults() (Options, error) { return o.withDefaults() }

// Relaxations are the shape relaxations a run may opt into (T4: a
// deployment known to answer differently is checked with an explicit
// relaxation that the report names, never silently).
var Relaxations = map[string]string{
	RelaxBareEnvelope:  "accept a bare envelope where an array holding one envelope is documented",
	RelaxArrayEnvelope: "accept an array holding one envelope where a bare envelope is documented",
	RelaxEnvelopeList:  "accept an envelope whose result is the list where a bare list is documented",
}

// Names of the relaxations.
const (
	RelaxBareEnvelope  = "bare-envelope"
	RelaxArrayEnvelope = "array-envelope"
	RelaxEnvelopeList  = "envelope-list"
	// RelaxOdoo is shorthand for what stock Odoo answers: a bare envelope
	// everywhere.
	RelaxOdoo = "odoo"
)

// RelaxationNames returns the names Relax accepts, sorted.
func RelaxationNames() []string {
	ns := []string{RelaxOdoo}
	for n := range Relaxations {
		ns = append(ns, n)
	}
	sort.Strings(ns)
	return ns
}

// ErrOptions wraps every problem Options.check finds: a usage error.
var ErrOptions = errors.New("conformance: bad options")

// withDefaults checks o and fills its defaults; relaxations are expanded
// and sorted.
func (o Options) withDefaults() (Options, error) {
	if o.BaseURL == "" {
		return o, fmt.Errorf("%w: no base URL", ErrOptions)
	}
	u, err := url.Parse(o.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return o, fmt.Errorf("%w: base URL %q is not an http(s) URL", ErrOptions, o.BaseURL)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return o, fmt.Errorf("%w: base URL %q has a query or fragment", ErrOptions, o.BaseURL)
	}
	o.BaseURL = strings.TrimRight(o.BaseURL, "/")
	if o.Timeout == 0 {
		o.Timeout = 5 * time.Second
	}
	if o.Timeout < 0 {
		return o, fmt.Errorf("%w: negative timeout", ErrOptions)
	}
	if o.MaxTime == 0 {
		o.MaxTime = DefaultMaxTime
	}
	if o.EmailDomain == "" {
		o.EmailDomain = "example.com"
	}
	if strings.ContainsAny(o.EmailDomain, "@ \t") || !strings.Contains(o.EmailDomain, ".") {
		return o, fmt.Errorf("%w: email domain %q is not a domain", ErrOptions, o.EmailDomain)
	}
	if (o.Login == "") != (o.Password == "") {
		return o, fmt.Errorf("%w: login and password go together", ErrOptions)
	}
	var relax []string
	for _, r := range o.Relax {
		switch {
		case r == RelaxOdoo:
			relax = append(relax, RelaxBareEnvelope, RelaxEnvelopeList)
		case Relaxations[r] != "":
			relax = append(relax, r)
		default:
			return o, fmt.Errorf("%w: unknown relaxation %q (have %s)", ErrOptions, r, strings.Join(RelaxationNames(), ", "))
		}
	}
	sort.Strings(relax)
	o.Relax = slices.Compact(relax)
	if o.RunID == "" {
		b := make([]byte, 4)
		rand.Read(b)
		o.RunID = hex.EncodeToString(b)
	}
	if o.Shards < 0 || o.Shard < 0 || (o.Shards > 1 && o.Shard >= o.Shards) {
		return o, fmt.Errorf("%w: shard %d of %d", ErrOptions, o.Shard, o.Shards)
	}
	if o.Out == nil {
		o.Out = os.Stdout
	}
	if o.Steps == 0 {
		o.Steps = DefaultSteps
	}
	if o.StepsTime == 0 {
		o.StepsTime = DefaultStepsTime
	}
	if o.StepsTime < 0 {
		return o, fmt.Errorf("%w: negative steps time", ErrOptions)
	}
	if o.Concurrency == 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.Concurrency < 2 || o.Concurrency > MaxConcurrency {
		return o, fmt.Errorf("%w: concurrency %d: want 2 to %d", ErrOptions, o.Concurrency, MaxConcurrency)
	}
	if o.Contract, err = o.ContractOrDefault(); err != nil {
		return o, err
	}
	if o.Client == nil {
		o.Client = &http.Client{
			// A redirect is an answer to check, not to follow.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	return o, nil
}

// ContractOrDefault is the contract a run with o checks against: o.Contract,
// or the embedded one (schemas.Default) when it is nil.
func (o Options) ContractOrDefault() (*schemas.Contract, error) {
	if o.Contract != nil {
		return o.Contract, nil
	}
	return schemas.Default()
}

func (o Options) relaxed(name string) bool { return slices.Contains(o.Relax, name) }
