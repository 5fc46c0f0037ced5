package mockserver

import (
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"strings"

	"github.com/nebeus/nebeus-contract/mockserver/control"
	"github.com/nebeus/nebeus-contract/mockserver/wire"
)

// web holds the landing page, the API reference, the console and their
// assets, Swagger UI included (web/vendor/swagger-ui/VERSION): everything
// is served from the binary, so the pages work with no network.
//
//go:embed web/*.html web/static web/vendor
var web embed.FS

// swaggerUIVersion is the vendored Swagger UI (web/vendor/swagger-ui).
const swaggerUIVersion = "5.35.0"

// Where the mock's own pages live.
const (
	assetsPrefix  = "/_assets/"
	referencePath = "/reference/"
	consolePath   = control.Prefix
	eventsPath    = control.Prefix + "events"
)

var pages = template.Must(template.New("").ParseFS(web, "web/*.html"))

// pageHeaders: the pages load nothing from elsewhere (the policy would
// block it), and nobody frames them.
func pageHeaders(h http.Header) {
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "+
		"img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
}

func (s *Server) renderPage(w http.ResponseWriter, name string, data any) {
	pageHeaders(w.Header())
	if err := pages.ExecuteTemplate(w, name, data); err != nil {
		s.log.Error("rendering page", "page", name, "err", err)
	}
}

// handleAssets serves web/static and web/vendor under /_assets/.
func handleAssets() http.Handler {
	sub, err := fs.Sub(web, "web")
	if err != nil {
		panic(err) // the embed pattern above guarantees the folder
	}
	files := http.StripPrefix(strings.TrimSuffix(assetsPrefix, "/"), http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := strings.TrimPrefix(r.URL.Path, assetsPrefix)
		if !strings.HasPrefix(p, "static/") && !strings.HasPrefix(p, "vendor/") || strings.HasSuffix(p, "/") {
			http.NotFound(w, r) // no listings, no templates
			return
		}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}

// landing is what GET / tells: the operations, the contract's files, and
// where the reference and the console are.
type landing struct {
	Title      string          `json:"title"`
	Operations []landingOp     `json:"operations"`
	Contract   []landingFile   `json:"contract"`
	Reference  string          `json:"reference"`
	Console    string          `json:"console,omitempty"` // "" when the control API is off
	Health     string          `json:"health"`
	Metrics    string          `json:"metrics"`
	Renderer   string          `json:"renderer"`
	Session    *landingCarrier `json:"session,omitempty"`
}

type landingOp struct {
	ID       string `json:"id"`
	Title    string `json:"title"`
	Method   string `json:"method"`
	Path     string `json:"path"`
	Protocol string `json:"protocol"`
	Request  string `json:"request,omitempty"`  // its request schema's URL
	Response string `json:"response,omitempty"` // its response schema's URL
}

type landingFile struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

type landingCarrier struct {
	Cookie   string `json:"cookie,omitempty"`
	Header   string `json:"header,omitempty"`
	Argument string `json:"argument,omitempty"`
}

func (s *Server) landing() landing {
	m := s.contract.Model()
	// Where the page shadows one of the mock's own routes, the links go
	// to the reserved prefix, where they always answer (issue 17 item 8).
	own := "/"
	if len(s.shadowed) > 0 {
		own = ownPrefix
	}
	l := landing{Title: m.Title, Reference: referencePath, Health: own + "healthz", Metrics: own + "metrics",
		Renderer: "Swagger UI " + swaggerUIVersion + " (embedded)"}
	if s.cfg.Control {
		l.Console = consolePath
	}
	for _, o := range m.Operations {
		op := landingOp{ID: o.ID, Title: o.Title, Method: o.Method, Path: o.Path, Protocol: o.Protocol}
		if o.Request != "" {
			op.Request = own + "schemas/" + o.Request + ".json"
		}
		if o.Response != "" {
			op.Response = own + "schemas/" + o.Response + ".json"
		}
		l.Operations = append(l.Operations, op)
	}
	if y, _ := s.openAPI(); y != nil {
		l.Contract = []landingFile{{"openapi.yaml", own + "openapi.yaml"}, {"openapi.json", own + "openapi.json"}}
	}
	l.Contract = append(l.Contract, landingFile{"schemas/", own + "schemas/"}, landingFile{"schemas/index.json", own + "schemas/index.json"})
	for _, n := range s.contract.Names() {
		l.Contract = append(l.Contract, landingFile{"schemas/" + n + ".json", own + "schemas/" + n + ".json"})
	}
	if m.Session != nil {
		l.Session = &landingCarrier{Cookie: m.Session.Cookie, Header: m.Session.Header, Argument: m.Session.Argument}
	}
	return l
}

// wantsHTML: a browser's navigation asks for text/html; curl, fetch and
// HTTP libraries do not.
func wantsHTML(r *http.Request) bool {
	for _, v := range r.Header.Values("Accept") {
		if strings.Contains(strings.ToLower(v), "text/html") {
			return true
		}
	}
	return false
}

// handleLanding: GET /, HTML to a browser and JSON to anything else. An
// operation the contract puts at / keeps its path.
func (s *Server) handleLanding(ops *opRouter) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h := ops.handler(r); h != nil {
			s.traced(w, r, h)
			return
		}
		w.Header().Add("Vary", "Accept")
		if wantsHTML(r) {
			s.renderPage(w, "landing.html", s.landing())
			return
		}
		wire.Encode(w, http.StatusOK, s.landing())
	})
}

// handleReference: the interactive API reference, Swagger UI rendering
// /openapi.json with its "try it" calls sent to this mock (reference.js).
func (s *Server) handleReference() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderPage(w, "reference.html", map[string]string{"Title": s.contract.Model().Title, "Version": swaggerUIVersion})
	})
}
