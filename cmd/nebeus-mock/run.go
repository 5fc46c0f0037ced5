package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/nebeus/nebeus-contract/fixtures"
	"github.com/nebeus/nebeus-contract/internal/version"
	"github.com/nebeus/nebeus-contract/mockserver"
	"github.com/nebeus/nebeus-contract/spec/runcontract"
)

// envPrefix prefixes the environment variable of every flag: --cors-origins
// is NEBEUS_MOCK_CORS_ORIGINS.
const envPrefix = "NEBEUS_MOCK_"

// Server timeouts. WriteTimeout must exceed the longest forced delay
// (mockserver.MaxDelay) so a delayed answer still gets written.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = mockserver.MaxDelay + 15*time.Second
	idleTimeout       = 2 * time.Minute
	shutdownTimeout   = mockserver.MaxDelay + 5*time.Second
)

type options struct {
	addr, fixtures, corsOrigins, db, defaultTZ, logFormat, logLevel, controlToken string
	idleTimeout                                                                   time.Duration
	companyID, journalSize                                                        int
	maxBody                                                                       int64
	control, version                                                              bool
	contract                                                                      runcontract.Options
	watch                                                                         bool
	watchInterval                                                                 time.Duration
	proxy                                                                         *proxyOptions // proxy.go
	store                                                                         *storeOptions // store.go
}

func envName(flagName string) string {
	return envPrefix + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

// parseFlags reads args, then, for each flag not given, its environment
// variable: a flag beats the environment, which beats the default.
func parseFlags(args []string, getenv func(string) string, stdout io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("nebeus-mock", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.addr, "addr", "localhost:8080", "listen address (host:port; port 0 picks a free one; localhost listens on 127.0.0.1 and ::1)")
	fs.StringVar(&o.fixtures, "fixtures", "", "folder overriding countries.json, active.json, accounts.json (default: embedded)")
	fs.StringVar(&o.corsOrigins, "cors-origins", strings.Join(mockserver.DefaultCORSOrigins, ","), "comma-separated allowed browser origins; a port of * means any port")
	fs.DurationVar(&o.idleTimeout, "idle-timeout", 30*time.Minute, "session idle timeout (M3)")
	fs.IntVar(&o.companyID, "company-id", mockserver.DefaultCompanyID, "signin's company_id (M1)")
	fs.StringVar(&o.db, "db", mockserver.DefaultDB, "signin's db (M1)")
	fs.StringVar(&o.defaultTZ, "default-tz", "Europe/Madrid", "user_context.tz without a whole-hour signup timezone (M1)")
	fs.StringVar(&o.logFormat, "log-format", "text", "log format: text or json")
	fs.StringVar(&o.logLevel, "log-level", "info", "log level: debug, info, warn or error")
	fs.BoolVar(&o.control, "control", false, "enable the control API under /_mock/")
	fs.StringVar(&o.controlToken, "control-token", "", "bearer token for the control API from non-loopback clients")
	fs.IntVar(&o.journalSize, "journal-size", 1000, "request journal entries kept per namespace")
	fs.Int64Var(&o.maxBody, "max-body", 0, "request body limit in bytes (413 above; default: the contract's, T5, else 1 MiB)")
	fs.StringVar(&o.contract.Page, "page", "", "serve the contract of this Slate page, generated at start (includes beside it, in includes/_NAME.md), instead of the built-in one")
	fs.StringVar(&o.contract.Overlay, "overlay", "", "with --page: the decision overlay applied to it (default none; DECISIONS.md beside it names the decisions)")
	fs.StringVar(&o.contract.Contract, "contract", "", "serve the contract nebeus-contract generate --out wrote in this folder instead of the built-in one")
	fs.BoolVar(&o.watch, "watch", false, "with --page: reload the page and overlay when they change, keeping accounts and sessions")
	fs.DurationVar(&o.watchInterval, "watch-interval", time.Second, "with --watch: how often the inputs are checked (a change is read once unchanged for one more interval)")
	fs.BoolVar(&o.version, "version", false, "print the version and exit")
	o.proxy = proxyFlags(fs)
	o.store = storeFlags(fs)

	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			usage(fs, stdout)
			return nil, nil
		}
		return nil, fmt.Errorf("%w (see --help)", err)
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q (see --help)", fs.Arg(0))
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] || err != nil || f.Name == "version" {
			return
		}
		if v := getenv(envName(f.Name)); v != "" {
			if e := fs.Set(f.Name, v); e != nil {
				err = fmt.Errorf("%s=%q: %w", envName(f.Name), v, e)
			}
		}
	})
	if err != nil {
		return nil, err
	}
	switch o.logFormat {
	case "text", "json":
	default:
		return nil, fmt.Errorf("--log-format %q: want text or json", o.logFormat)
	}
	if err := o.contract.Check(); err != nil {
		return nil, err
	}
	if o.watch && o.contract.Page == "" {
		return nil, errors.New("--watch needs --page: only a page can change while the mock runs")
	}
	if o.watchInterval <= 0 {
		return nil, fmt.Errorf("--watch-interval %s: want more than 0", o.watchInterval)
	}
	return o, nil
}

func usage(fs *flag.FlagSet, w io.Writer) {
	fmt.Fprintf(w, "Usage: nebeus-mock [flags]\n\n")
	fmt.Fprintf(w, "A stateful mock of the Nebeus account API (contract-notes T1-T6, S1-S6, M1-M4).\n")
	fmt.Fprintf(w, "Each flag may also be set by its environment variable; a flag given wins.\n\nFlags:\n")
	fs.VisitAll(func(f *flag.Flag) {
		name, help := flag.UnquoteUsage(f)
		fmt.Fprintf(w, "  --%s %s\n", f.Name, name)
		fmt.Fprintf(w, "        %s\n        env %s", help, envName(f.Name))
		if f.DefValue != "" && f.DefValue != "false" {
			fmt.Fprintf(w, ", default %s", f.DefValue)
		}
		fmt.Fprintln(w)
	})
}

func newLogger(o *options, stderr io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(o.logLevel)); err != nil {
		return nil, fmt.Errorf("--log-level %q: want debug, info, warn or error", o.logLevel)
	}
	hopts := &slog.HandlerOptions{Level: level}
	if o.logFormat == "json" {
		return slog.New(slog.NewJSONHandler(stderr, hopts)), nil
	}
	return slog.New(slog.NewTextHandler(stderr, hopts)), nil
}

// run starts the mock and serves until ctx ends, then shuts down
// gracefully: in-flight requests finish (a forced delay included).
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, getenv, stdout)
	if err != nil || o == nil {
		return err
	}
	if o.version {
		fmt.Fprint(stdout, version.Line("nebeus-mock"))
		return nil
	}
	logger, err := newLogger(o, stderr)
	if err != nil {
		return err
	}
	var fx fixtures.Set
	if o.fixtures != "" {
		fx, err = fixtures.Load(o.fixtures)
	} else {
		fx, err = fixtures.Default()
	}
	if err != nil {
		return err
	}
	var (
		watcher *runcontract.Watcher
		loaded  *runcontract.Loaded
	)
	if o.watch {
		watcher, loaded, err = runcontract.Watch(o.contract)
	} else {
		loaded, err = runcontract.Load(o.contract)
	}
	if err != nil {
		return err
	}
	for _, w := range loaded.Warnings { // once, at start
		fmt.Fprintln(stderr, "warning:", w)
	}
	contract := loaded.Contract
	var origins []string
	for _, p := range strings.Split(o.corsOrigins, ",") {
		if p = strings.TrimSpace(p); p != "" {
			origins = append(origins, p)
		}
	}
	if origins == nil {
		origins = []string{} // none allowed, rather than the defaults
	}
	px, err := o.proxy.config()
	if err != nil {
		return err
	}
	srv, err := mockserver.New(mockserver.Config{
		Contract: contract, Fixtures: &fx,
		CompanyID: o.companyID, DB: o.db, DefaultTZ: o.defaultTZ,
		IdleTimeout: o.idleTimeout, JournalSize: o.journalSize,
		CORSOrigins: origins, Control: o.control, ControlToken: o.controlToken,
		MaxBody: o.maxBody, Logger: logger, Proxy: px,
		Store: o.store.spec, MaxNamespaces: o.store.maxNamespaces, MaxMemory: o.store.maxMemory,
		OpenAPIYAML: loaded.OpenAPIYAML, OpenAPIJSON: loaded.OpenAPIJSON,
		StoreDeadline: o.store.deadline, StartAnew: o.store.startAnew,
	})
	if err != nil {
		return o.store.startError(err)
	}
	// The server in use: --watch swaps in a successor that keeps the
	// state; the store they share is closed once, at the end.
	var current atomic.Pointer[mockserver.Server]
	current.Store(srv)
	defer func() { current.Load().Close() }()
	lns, base, err := listen(o.addr)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { current.Load().ServeHTTP(w, r) }),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	banner(stdout, base, loaded, srv, fx, o)
	o.proxy.banner(stdout, px)
	o.store.banner(stdout)

	served := make(chan error, len(lns))
	for _, ln := range lns {
		// mockserver.Listener: the requests net/http refuses itself get
		// the mock's JSON-RPC answer too (T5).
		go func() { served <- hs.Serve(mockserver.Listener(ln)) }()
	}
	if watcher != nil {
		// Stopped, and waited for, before the store is closed (defers
		// run last first).
		wctx, wcancel := context.WithCancel(ctx)
		watched := make(chan struct{})
		defer func() { wcancel(); <-watched }()
		go func() {
			defer close(watched)
			watch(wctx, watcher, loaded, &current, o.watchInterval, logger, stdout)
		}()
	}
	select {
	case err := <-served:
		hs.Close() // the other listener's too
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down; letting in-flight requests finish")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	for range lns {
		if err := <-served; err != nil && !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	}
	fmt.Fprintln(stdout, "nebeus-mock: stopped")
	return nil
}

// banner tells a frontend developer everything needed to start: where the
// mock listens, which accounts exist (the demo passwords are public), where
// the control API and the contract are.
func banner(w io.Writer, base string, l *runcontract.Loaded, srv *mockserver.Server, fx fixtures.Set, o *options) {
	c := l.Contract
	fmt.Fprintf(w, "nebeus-mock: listening on %s\n", base)
	fmt.Fprintf(w, "  contract from: %s\n", l.Source)
	if o.watch {
		fmt.Fprintf(w, "  watching the page and its overlay: a change is served when saved (accounts and sessions kept)\n")
	}
	fmt.Fprintf(w, "  operations:\n")
	for _, op := range c.Operations() {
		kind := "JSON-RPC 2.0"
		if !op.JSONRPC() {
			kind = "plain HTTP"
		}
		fmt.Fprintf(w, "    %-6s %s%s  (%s)\n", op.Method, base, op.Path, kind)
	}
	if srv.UsesAccounts() {
		fmt.Fprintf(w, "  demo accounts (login / password):\n")
		for _, a := range fx.Accounts {
			fmt.Fprintf(w, "    %s / %s\n", a.Login, a.Password)
		}
	} else {
		fmt.Fprintf(w, "  demo accounts: unused (no operation of this contract signs in or signs up)\n")
	}
	fmt.Fprintf(w, "  active countries: %d\n", len(fx.Active))
	switch {
	case !o.control:
		fmt.Fprintf(w, "  control API: disabled (--control)\n")
	case o.controlToken != "":
		fmt.Fprintf(w, "  control API: %s/_mock/ (loopback, or Authorization: Bearer token)\n", base)
	default:
		fmt.Fprintf(w, "  control API: %s/_mock/ (loopback only)\n", base)
	}
	fmt.Fprintf(w, "  browsers: call %s under the same host name as your page: localhost and 127.0.0.1 are different sites, and the session cookie (SameSite) does not travel between them\n", base)
	fmt.Fprintf(w, "  contract: %s/openapi.yaml %s/openapi.json %s/schemas/\n", base, base, base)
	fmt.Fprintf(w, "  health: %s/healthz  metrics: %s/metrics (each also under %s/_mock/)\n", base, base, base)
	for _, msg := range srv.Shadowed() {
		fmt.Fprintf(w, "  warning: %s\n", msg)
	}
	fmt.Fprintf(w, "  headers: X-Mock-Namespace: NAME, Prefer: variant=error, delay=250ms\n")
}
