package mockserver

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/nebeus/nebeus-contract/mockserver/console"
	"github.com/nebeus/nebeus-contract/mockserver/control"
	"github.com/nebeus/nebeus-contract/mockserver/metrics"
	"github.com/nebeus/nebeus-contract/mockserver/request"
	"github.com/nebeus/nebeus-contract/mockserver/web"
	"github.com/nebeus/nebeus-contract/mockserver/wire"
	"github.com/nebeus/nebeus-contract/schemas"
	"github.com/nebeus/nebeus-contract/spec"
)

// routes is the whole URL space of the mock; maintenance starts here.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()

	// T1: the operations' paths come from the contract; the catch-all
	// below routes them (opRouter), since paths may carry templates and
	// share a path between methods.
	ops := s.newOpRouter()

	// The mock's own routes: at the root, unless the page documents the
	// same method and path (then the page's operation answers there, see
	// directOps), and always under the reserved prefix (issue 17 item 8).
	yamlDoc, jsonDoc := s.openAPI()
	own := []struct {
		method, path string
		h            http.Handler
	}{
		{"GET", "/healthz", s.handleHealth()},
		{"GET", "/readyz", s.handleHealth()},
		{"GET", "/metrics", s.registry},
		{"GET", "/openapi.yaml", serveBytes("application/yaml; charset=utf-8", yamlDoc)},
		{"GET", "/openapi.json", serveBytes(wire.ContentTypeJSON, jsonDoc)},
		{"GET", "/schemas/{$}", s.handleSchemaList()},
		{"GET", "/schemas/{file}", s.handleSchema()},
	}
	for _, o := range own {
		if yamlDoc == nil && strings.HasPrefix(o.path, "/openapi.") {
			continue // a contract without its OpenAPI document: none served
		}
		mux.Handle(o.method+" "+o.path, o.h)
		mux.Handle(o.method+" "+ownPrefix+strings.TrimPrefix(o.path, "/"), o.h)
	}
	s.shadowed = shadowed(ops)
	for _, msg := range s.shadowed {
		s.log.Warn(msg)
	}

	// The landing page, the API reference and their assets (landing.go).
	mux.Handle("GET /{$}", s.handleLanding(ops))
	mux.Handle("GET "+web.ReferencePath+"{$}", s.handleReference())
	mux.Handle("GET "+web.AssetsPrefix, web.Assets())

	if s.cfg.Control {
		// Off by default; when off, /_mock/ falls to the catch-all below
		// and answers exactly like an unknown path.
		api := &control.API{Store: s.store, Faults: s.faults, Ops: s.ops, Contract: s.contract, Secrets: s.secrets,
			Origins: s.origins, Token: s.cfg.ControlToken, MaxBody: s.cfg.MaxBody, Log: s.log,
			Changed: s.feed.Poke, ResetTrace: s.tracker.Reset}
		c := api.Auth
		con := &console.Console{Contract: s.contract, Store: s.store, Secrets: s.secrets, Feed: s.feed, Log: s.log}
		mux.Handle("GET "+console.Path+"{$}", c(con.HandlePage()))
		mux.Handle("GET "+console.EventsPath, c(con.HandleEvents()))
		mux.Handle("POST /_mock/reset", c(api.HandleReset()))
		mux.Handle("GET /_mock/namespaces", c(api.HandleNamespaces()))
		mux.Handle("GET /_mock/accounts", c(api.HandleAccounts()))
		mux.Handle("POST /_mock/accounts", c(api.HandleCreateAccount()))
		mux.Handle("GET /_mock/sessions", c(api.HandleSessions()))
		mux.Handle("GET /_mock/journal", c(api.HandleJournal()))
		mux.Handle("DELETE /_mock/journal", c(api.HandleClearJournal()))
		mux.Handle("GET /_mock/outbox", c(api.HandleOutbox()))
		mux.Handle("POST /_mock/faults", c(api.HandleSetFault()))
		mux.Handle("GET /_mock/faults", c(api.HandleFaults()))
		mux.Handle("DELETE /_mock/faults", c(api.HandleClearFaults()))
	}

	// T5: anything else is an unknown operation.
	catchAll := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := ops.handler(r); h != nil {
			s.path.Traced(w, r, h) // the session it carried, for the journal (trace.go)
			return
		}
		request.InfoOf(w).Outcome = metrics.OutcomeProtocolError
		wire.WriteError(w, wire.NullID, wire.ErrUnknownPath(r.URL.Path))
	})
	mux.Handle("/", catchAll)

	return s.path.Observe(s.path.CORS(directOps(mux, catchAll, ops)))
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
		// Issue 17 item 8: the page wins over the mock's own routes
		// (but not under its reserved prefix).
		if !strings.HasPrefix(r.URL.Path, ownPrefix) && ops.documents(r) {
			catchAll.ServeHTTP(w, r)
			return
		}
		mux.ServeHTTP(w, r)
	})
}

func (s *Server) handleHealth() http.Handler {
	body := []byte(`{"status":"ok"}`)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wire.WriteJSON(w, http.StatusOK, body)
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
		// The URLs under the prefix the list was asked under (the root or
		// the reserved one).
		base := r.URL.Path
		names := s.contract.Names()
		urls := make([]string, len(names))
		for i, n := range names {
			urls[i] = base + n + ".json"
		}
		wire.Encode(w, http.StatusOK, map[string]any{"schemas": urls, "index": base + "index.json"})
	})
}

// handleSchema: GET /schemas/{NAME}.json, a generated schema as is, and
// index.json, the operations and their variants.
func (s *Server) handleSchema() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := strings.CutSuffix(r.PathValue("file"), ".json")
		if ok && name == "index" {
			wire.Encode(w, http.StatusOK, s.contract.Index())
			return
		}
		b, found := s.contract.Raw(name)
		if !ok || !found {
			wire.WriteError(w, wire.NullID, wire.ErrUnknownPath(r.URL.Path))
			return
		}
		wire.WriteJSON(w, http.StatusOK, b)
	})
}

// ownPrefix is where the mock's own routes are always reachable, whatever
// the page documents (issue 17 item 8): the control API's prefix, which no
// page of an API documents.
const ownPrefix = control.Prefix

// ownPaths are the mock's own GET routes at the root, with the path each is
// reachable at under ownPrefix ("" when only at the root): shadowed lists
// those a page's operation takes.
var ownPaths = []struct{ path, reserved string }{
	{"/", ""}, {web.ReferencePath, ""},
	{"/healthz", ownPrefix + "healthz"}, {"/readyz", ownPrefix + "readyz"}, {"/metrics", ownPrefix + "metrics"},
	{"/openapi.yaml", ownPrefix + "openapi.yaml"}, {"/openapi.json", ownPrefix + "openapi.json"},
	{"/schemas/", ownPrefix + "schemas/"}, {"/schemas/index.json", ownPrefix + "schemas/index.json"},
}

// shadowed says, for each own route an operation of the page takes, where
// the mock's own answer is still reachable.
func shadowed(ops *opRouter) []string {
	var out []string
	for _, p := range ownPaths {
		r := &http.Request{Method: http.MethodGet, URL: &url.URL{Path: p.path}, Host: "mock", Header: http.Header{}}
		if !ops.documents(r) {
			continue
		}
		msg := "the page documents GET " + p.path + ": its operation answers there, not the mock's own route"
		if p.reserved != "" {
			msg += "; that is at " + p.reserved
		}
		out = append(out, msg)
	}
	return out
}

// documents says whether an operation of the page has r's method (HEAD as
// GET) and path.
func (rt *opRouter) documents(r *http.Request) bool {
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	if _, ok := rt.direct[r.URL.Path][method]; ok {
		return true
	}
	routes, _ := rt.match(r.URL.Path)
	for _, rr := range routes {
		if rr.op.Method == method {
			return true
		}
	}
	return false
}

// openAPI is the OpenAPI document served: Config's, or the embedded one for
// the embedded contract; nil for another contract without one.
func (s *Server) openAPI() (yamlDoc, jsonDoc []byte) {
	if s.cfg.OpenAPIYAML != nil || s.cfg.OpenAPIJSON != nil {
		return s.cfg.OpenAPIYAML, s.cfg.OpenAPIJSON
	}
	if def, err := schemas.Default(); err == nil && def == s.contract {
		return spec.OpenAPIYAML, spec.OpenAPIJSON
	}
	return nil, nil
}
