package mockserver

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/nebeus/nebeus-contract/spec"
)

// routes is the whole URL space of the mock; maintenance starts here.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	s.feed, s.tracker = newLiveFeed(), newSessionTracker()

	// T1: the operations' paths come from the contract; the catch-all
	// below routes them (opRouter), since paths may carry templates and
	// share a path between methods.
	ops := s.newOpRouter()

	mux.Handle("GET /healthz", s.handleHealth())
	mux.Handle("GET /readyz", s.handleHealth())
	mux.Handle("GET /metrics", promhttp.HandlerFor(s.registry, promhttp.HandlerOpts{}))

	// The landing page, the API reference and their assets (landing.go).
	mux.Handle("GET /{$}", s.handleLanding(ops))
	mux.Handle("GET "+referencePath+"{$}", s.handleReference())
	mux.Handle("GET "+assetsPrefix, handleAssets())

	// The mock serves its own contract.
	mux.Handle("GET /openapi.yaml", serveBytes("application/yaml; charset=utf-8", spec.OpenAPIYAML))
	mux.Handle("GET /openapi.json", serveBytes(contentTypeJSON, spec.OpenAPIJSON))
	mux.Handle("GET /schemas/{$}", s.handleSchemaList())
	mux.Handle("GET /schemas/{file}", s.handleSchema())

	if s.cfg.Control {
		// Off by default; when off, /_mock/ falls to the catch-all below
		// and answers exactly like an unknown path.
		c := s.controlAuth
		mux.Handle("GET "+consolePath+"{$}", c(s.handleConsole()))
		mux.Handle("GET "+eventsPath, c(s.handleEvents()))
		mux.Handle("POST /_mock/reset", c(s.handleReset()))
		mux.Handle("GET /_mock/namespaces", c(s.handleNamespaces()))
		mux.Handle("GET /_mock/accounts", c(s.handleAccounts()))
		mux.Handle("POST /_mock/accounts", c(s.handleCreateAccount()))
		mux.Handle("GET /_mock/sessions", c(s.handleSessions()))
		mux.Handle("GET /_mock/journal", c(s.handleJournal()))
		mux.Handle("DELETE /_mock/journal", c(s.handleClearJournal()))
		mux.Handle("GET /_mock/outbox", c(s.handleOutbox()))
		mux.Handle("POST /_mock/faults", c(s.handleSetFault()))
		mux.Handle("GET /_mock/faults", c(s.handleFaults()))
		mux.Handle("DELETE /_mock/faults", c(s.handleClearFaults()))
	}

	// T5: anything else is an unknown operation.
	catchAll := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := ops.handler(r); h != nil {
			s.traced(w, r, h) // the session it carried, for the journal (trace.go)
			return
		}
		infoOf(w).outcome = outcomeProtocolError
		writeError(w, nullID, errUnknownPath(r.URL.Path))
	})
	mux.Handle("/", catchAll)

	return s.observe(s.cors(directOps(mux, catchAll, ops)))
}

// directOps sends an operation's request, at its literal path and method,
// straight to catchAll, where mux would send it anyway: the mux then walks
// its patterns only for the mock's own pages and the control API. A path
// that one of mux's own patterns claims (should an operation share it)
// still goes through mux, as does any path with escapes.
func directOps(mux *http.ServeMux, catchAll http.Handler, ops *opRouter) http.Handler {
	direct := map[string]map[string]bool{}
	for path, methods := range ops.direct {
		for method := range methods {
			r := &http.Request{Method: method, URL: &url.URL{Path: path}, Host: "mock", Header: http.Header{}}
			if _, pattern := mux.Handler(r); pattern == "/" {
				if direct[path] == nil {
					direct[path] = map[string]bool{}
				}
				direct[path][method] = true
			}
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.RawPath == "" && direct[r.URL.Path][r.Method] {
			catchAll.ServeHTTP(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func (s *Server) handleHealth() http.Handler {
	body := []byte(`{"status":"ok"}`)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, body)
	})
}

func serveBytes(contentType string, b []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		_, _ = w.Write(b)
	})
}

// handleSchemaList: GET /schemas/ lists the schema files.
func (s *Server) handleSchemaList() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		names := s.contract.Names()
		urls := make([]string, len(names))
		for i, n := range names {
			urls[i] = "/schemas/" + n + ".json"
		}
		encode(w, http.StatusOK, map[string]any{"schemas": urls, "index": "/schemas/index.json"})
	})
}

// handleSchema: GET /schemas/{NAME}.json, a generated schema as is, and
// index.json, the operations and their variants.
func (s *Server) handleSchema() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := strings.CutSuffix(r.PathValue("file"), ".json")
		if ok && name == "index" {
			encode(w, http.StatusOK, s.contract.Index())
			return
		}
		b, found := s.contract.Raw(name)
		if !ok || !found {
			writeError(w, nullID, errUnknownPath(r.URL.Path))
			return
		}
		writeJSON(w, http.StatusOK, b)
	})
}
