package request

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/nebeus/nebeus-contract/mockserver/framing"
	"github.com/nebeus/nebeus-contract/mockserver/metrics"
	"github.com/nebeus/nebeus-contract/mockserver/state"
	"github.com/nebeus/nebeus-contract/mockserver/wire"
)

// Info is what the handlers tell the log line and the metrics about
// one request.
type Info struct {
	op        string // the operation, "" for other routes
	Outcome   string // see package metrics
	namespace string
	status    int // a pseudo status when no answer was written (handler.go)
	// trace is the session the request carried (trace.go), for the
	// journal; warning, when set, makes the log line a warning.
	trace   *sessionTrace
	warning string
	// body is the call's body, read and decoded once (withBody).
	body *DecodedBody
	// peeked is the namespace the request names (peekNamespace).
	peeked *state.Namespace

	// Storage for the records above, allocated with the info (used
	// once per request; a second use allocates).
	exchangeVal exchange
	traceVal    sessionTrace
	bodyVal     DecodedBody
}

// InfoOf returns the request's info, which observe's statusWriter carries
// (rather than the request's context, which would cost a copy of the
// request); a throwaway one outside the middleware (handlers are plain
// http.Handlers, usable alone).
func InfoOf(w http.ResponseWriter) *Info {
	if sw, ok := w.(*statusWriter); ok {
		return sw.info
	}
	return &Info{}
}

// statusWriter records the status written. Unwrap lets
// http.ResponseController reach the connection (a fault's close).
type statusWriter struct {
	http.ResponseWriter
	status int
	info   *Info // never nil: &own
	// own is the request's info and the records its handlers keep, in
	// one allocation with the writer (one request, one owner).
	own Info
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Observe is the outermost middleware: one log line per request, the
// Metrics, and the last-resort recovery. The log line holds method, path,
// operation, status, duration and namespace, never a body, header or
// cookie, so no password or session id can reach it (M4).
func (s *Path) Observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		sw.info = &sw.own
		info := sw.info
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler { //nolint:errorlint // sentinel panic value
					s.finish(r, info, sw, start)
					panic(p) // net/http closes the connection quietly
				}
				// Nothing a client sends may cause a 5xx (T5); reaching
				// this is a bug, which the tests and the fuzz target hunt.
				s.Metrics.Panics.Inc()
				s.Log.Error("panic serving request", "method", r.Method, "path", r.URL.Path,
					"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if sw.status == 0 {
					wire.WriteError(sw, wire.NullID, wire.ErrInternal())
				}
				info.Outcome = metrics.OutcomeProtocolError
			}
			s.finish(r, info, sw, start)
		}()
		if framing.AmbiguousFraming(r) { // RFC 9112 6.1: answer, then close (listener.go)
			info.Outcome = metrics.OutcomeProtocolError
			sw.Header().Set("Connection", "close")
			wire.WriteError(sw, wire.NullID, framing.ErrFraming())
			return
		}
		next.ServeHTTP(sw, r)
	})
}

func (s *Path) finish(r *http.Request, info *Info, sw *statusWriter, start time.Time) {
	d := time.Since(start)
	status := sw.status
	if status == 0 {
		status = info.status
	}
	if info.op != "" {
		s.Metrics.Observe(info.op, info.Outcome, d)
	}
	if info.op != "" && s.Changed != nil {
		s.Changed() // the operation wrote its journal entry: wake the console
	}
	level := slog.LevelInfo
	hint := info.trace != nil && info.trace.hint != nil
	if hint || info.warning != "" {
		level = slog.LevelWarn
	}
	switch {
	case info.Outcome == metrics.OutcomeStore:
		// The documented answer to a store failure (issue 19), whose
		// cause the store's availability log said once: one per
		// request during an outage would bury it.
		level = slog.LevelWarn
	case status >= 500 && info.Outcome != metrics.OutcomeFault:
		level = slog.LevelError
	}
	if !s.Log.Enabled(r.Context(), level) {
		return // nothing built for a line nobody reads
	}
	attrs := []slog.Attr{
		slog.String("method", r.Method),
		slog.String("path", r.URL.Path),
		slog.String("op", info.op),
		slog.Int("status", status),
		slog.Duration("duration", d),
		slog.String("namespace", info.namespace),
		slog.String("outcome", info.Outcome),
	}
	if hint {
		// The session trap (trace.go): the carrier and the hint, never an id.
		t := info.trace
		attrs = append(attrs, slog.String("carrier", t.carrier), slog.String("hint", t.hint.Code), slog.String("advice", t.hint.Message))
	}
	if info.warning != "" {
		attrs = append(attrs, slog.String("warning", info.warning))
	}
	s.Log.LogAttrs(r.Context(), level, "request", attrs...)
}
