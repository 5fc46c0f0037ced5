package mockserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/nebeus/nebeus-contract/fixtures"
	"github.com/nebeus/nebeus-contract/mockserver/console"
	"github.com/nebeus/nebeus-contract/mockserver/control"
	"github.com/nebeus/nebeus-contract/mockserver/cors"
	"github.com/nebeus/nebeus-contract/mockserver/faults"
	"github.com/nebeus/nebeus-contract/mockserver/journal"
	"github.com/nebeus/nebeus-contract/mockserver/metrics"
	"github.com/nebeus/nebeus-contract/mockserver/ops"
	"github.com/nebeus/nebeus-contract/mockserver/proxy"
	"github.com/nebeus/nebeus-contract/mockserver/request"
	"github.com/nebeus/nebeus-contract/mockserver/session"
	"github.com/nebeus/nebeus-contract/mockserver/state"
	"github.com/nebeus/nebeus-contract/schemas"
)

// Config configures a Server. The zero value of each field means its
// default.
type Config struct {
	Contract     *schemas.Contract // nil: schemas.Default()
	Fixtures     *fixtures.Set     // nil: fixtures.Default()
	CompanyID    int               // signin's company_id; default 1 (M1)
	DB           string            // signin's db; default "nebeus" (M1)
	DefaultTZ    string            // user_context.tz without a whole-hour signup timezone; default "Europe/Madrid" (M1)
	IdleTimeout  time.Duration     // session idle expiry; default 30m (M3)
	JournalSize  int               // journal entries kept per namespace; default 1000
	CORSOrigins  []string          // allowed origins (see cors.go); default any port of http://localhost and http://127.0.0.1
	Control      bool              // serve the control API under /_mock/
	ControlToken string            // with Control: the bearer token non-loopback clients need; "" allows loopback only
	MaxBody      int64             // request body limit in bytes; default 1 MiB (T5: 413 above)
	Logger       *slog.Logger      // nil: discard
	Registry     *metrics.Registry // nil: a private one; /metrics serves it
	Now          func() time.Time  // the clock, for tests; default time.Now
	Proxy        *Proxy            // non-nil: a validation proxy in front of Proxy.Upstream (proxy.go)
	// Store is where accounts, sessions, the outbox, namespaces and faults
	// live: "memory" (default), "file:PATH" or "redis://HOST:PORT[/DB]"
	// (state.Config.Store). Close releases it.
	Store string
	// OpenAPIYAML and OpenAPIJSON are the contract's OpenAPI document,
	// served at /openapi.yaml and /openapi.json; nil: the embedded one
	// (spec.OpenAPIYAML), which describes the embedded contract only.
	OpenAPIYAML, OpenAPIJSON []byte
	// MaxNamespaces bounds the namespaces in use; past it the one unused
	// for longest is evicted. Default state.DefaultMaxNamespaces.
	MaxNamespaces int
	// MaxMemory is the memory budget of all namespaces together, in bytes
	// (state.Config.MaxBytes). Default state.DefaultMaxBytes.
	MaxMemory int64
	// StoreDeadline bounds each call to a file or Redis store: past it
	// the call fails and the operation is answered 503 with Retry-After
	// (issue 19; state.Config.Deadline). Default state.DefaultDeadline.
	StoreDeadline time.Duration
	// StartAnew: a damaged file store is moved aside and a new one
	// started, instead of the mock refusing to start (state.Config.StartAnew).
	StartAnew bool
}

// Defaults of Config.
const (
	DefaultCompanyID = 1
	DefaultDB        = "nebeus"
	// DefaultMaxBody is the body limit for a contract that states none.
	DefaultMaxBody = 1 << 20
)

// MaxDelay bounds the latency a request may ask for (Prefer: delay=...) or a
// fault may add, in total. A server's WriteTimeout must exceed it.
const MaxDelay = ops.MaxDelay

// MaxFieldLength is the longest free-text argument the mock stores, in
// characters (M5: the mock's own choice, not the contract's).
const MaxFieldLength = ops.MaxFieldLength

// DefaultCORSOrigins are the origins allowed without Config.CORSOrigins: a
// frontend dev server on any port of the local machine.
var DefaultCORSOrigins = []string{"http://localhost:*", "http://127.0.0.1:*"}

// Server is the mock: an http.Handler serving the contract's operations, the
// contract itself, health, metrics and (optionally) the control API. It is
// safe for concurrent use.
type Server struct {
	cfg      Config
	contract *schemas.Contract
	fixtures fixtures.Set
	store    *state.Store
	faults   *faults.Table
	origins  *cors.Policy
	log      *slog.Logger
	metrics  *metrics.Requests
	registry *metrics.Registry
	now      func() time.Time

	ops     *ops.Set        // the operations and their business logic
	secrets journal.Secrets // what the journal redacts (M4, S2)
	session session.Rules   // how a session travels (S2)
	// corsHeaders and opMethods answer a preflight (S2's header, the
	// operations' methods).
	corsHeaders, opMethods string
	handler                http.Handler
	path                   *request.Path // what a request's path reads (path.go)
	// The console's live feed and session tracker (routes.go sets them).
	feed    *console.Feed
	tracker *request.Tracker
	proxy   *proxy.Upstream // nil unless Config.Proxy
	// shadowed says which of the mock's own routes the page's operations
	// take (routes.go).
	shadowed []string
}

// New builds a Server. It fails on a contract without the operations the mock
// implements' schemas, bad fixtures, a bad CORS pattern or metrics that cannot
// be registered.
func New(cfg Config) (*Server, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, contract: cfg.Contract, fixtures: *cfg.Fixtures, log: cfg.Logger, registry: cfg.Registry, now: cfg.Now}
	s.origins, err = cors.New(cfg.CORSOrigins)
	if err != nil {
		return nil, err
	}
	s.store, err = state.New(state.Config{
		Accounts:    s.fixtures.Accounts,
		IdleTimeout: cfg.IdleTimeout,
		JournalSize: cfg.JournalSize,
		Now:         cfg.Now,
		DefaultTZ:   cfg.DefaultTZ,
		Store:       cfg.Store,
		OnError: func(err error) {
			cfg.Logger.Error("store", "err", err)
		},
		MaxNamespaces: cfg.MaxNamespaces,
		MaxBytes:      cfg.MaxMemory,
		Deadline:      cfg.StoreDeadline,
		StartAnew:     cfg.StartAnew,
		OnAvailability: func(err error) {
			if err != nil {
				cfg.Logger.Error("store unavailable; operations that need it are answered 503 until it answers a probe", "err", err)
				return
			}
			cfg.Logger.Info("store answering again")
		},
	})
	if err != nil {
		return nil, fmt.Errorf("mockserver: %w", err)
	}
	s.faults = faults.New(s.store)
	s.feed, s.tracker = console.NewFeed(), request.NewTracker()
	if err := s.build(); err != nil {
		return nil, err
	}
	return s, nil
}

// build makes everything that depends on the contract: what a Successor
// makes anew.
func (s *Server) build() error {
	cfg := s.cfg
	var err error
	s.secrets = journal.New(s.contract.Model())
	s.session = session.New(s.contract.Model())
	if cfg.Proxy != nil {
		if s.proxy, err = proxy.New(*cfg.Proxy, s.contract, s.secrets, s.session); err != nil {
			return err
		}
	}
	s.corsHeaders, s.opMethods = cors.AllowedHeaders(s.session), cors.OperationMethods(s.contract.Model())
	activeIDs := make(map[int]bool, len(s.fixtures.Active))
	for _, c := range s.fixtures.Active {
		activeIDs[c.ID] = true
	}
	// S6: the active countries never change while the mock runs, so the
	// answer is encoded once; get_countries is then a plain write.
	countries, err := json.Marshal(s.fixtures.Active)
	if err != nil {
		return fmt.Errorf("mockserver: countries: %w", err)
	}
	if len(s.fixtures.Active) == 0 {
		return errors.New("mockserver: no active countries (S6: the list is never empty)")
	}
	if s.metrics == nil {
		// A Successor keeps its predecessor's counters: an operation the
		// new contract adds gets its children on first use.
		var opNames []string
		for _, o := range s.contract.Operations() {
			opNames = append(opNames, o.ID)
		}
		if s.metrics, err = metrics.New(s.registry, opNames); err != nil {
			return err
		}
	}
	if s.ops, err = ops.New(ops.Config{Contract: s.contract, Fixtures: s.fixtures, Session: s.session,
		CompanyID: cfg.CompanyID, DB: cfg.DB, Countries: countries, ActiveIDs: activeIDs, Log: s.log}); err != nil {
		return err
	}
	s.path = &request.Path{Contract: s.contract, Store: s.store, Faults: s.faults, Ops: s.ops, Secrets: s.secrets,
		Session: s.session, Proxy: s.proxy, Tracker: s.tracker, Origins: s.origins, CORSOrigins: cfg.CORSOrigins,
		CORSHeaders: s.corsHeaders, ControlPrefix: control.Prefix, OpMethods: s.opMethods, MaxBody: cfg.MaxBody, Log: s.log, Metrics: s.metrics,
		Now: s.now, Changed: s.feed.Poke, Notice: s.feed.Notify}
	s.handler = s.routes()
	return nil
}

func (c Config) withDefaults() (Config, error) {
	if c.Contract == nil {
		ct, err := schemas.Default()
		if err != nil {
			return c, fmt.Errorf("mockserver: %w", err)
		}
		c.Contract = ct
	}
	if c.Fixtures == nil {
		fx, err := fixtures.Default()
		if err != nil {
			return c, fmt.Errorf("mockserver: %w", err)
		}
		c.Fixtures = &fx
	}
	if c.CompanyID == 0 {
		c.CompanyID = DefaultCompanyID
	}
	if c.DB == "" {
		c.DB = DefaultDB
	}
	if c.DefaultTZ == "" {
		c.DefaultTZ = state.DefaultTZ
	}
	if c.IdleTimeout < 0 || c.JournalSize < 0 || c.MaxBody < 0 {
		return c, errors.New("mockserver: negative IdleTimeout, JournalSize or MaxBody")
	}
	if c.MaxBody == 0 {
		// T5: the contract's body limit where it states one (the overlay's
		// x-max-body); DefaultMaxBody is the mock's own choice for a page
		// that states none.
		c.MaxBody = DefaultMaxBody
		if m := c.Contract.Model().MaxBody; m > 0 {
			c.MaxBody = m
		}
	}
	if c.CORSOrigins == nil {
		c.CORSOrigins = DefaultCORSOrigins
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler) // disabled: no line is even formatted
	}
	if c.Registry == nil {
		c.Registry = metrics.NewRegistry()
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c, nil
}

// Close releases the store (a file: store's file, a redis:// connection).
func (s *Server) Close() error { return s.store.Close() }

// ServeHTTP serves one request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.handler.ServeHTTP(w, r)
}
