package mockserver

import (
	"net/http"
	"strings"

	"github.com/nebeus/nebeus-contract/mockserver/console"
	"github.com/nebeus/nebeus-contract/mockserver/web"
	"github.com/nebeus/nebeus-contract/mockserver/wire"
)

// landing is what GET / tells: the operations, the contract's files, and
// where the reference and the console are.
type landing struct {
	Title      string        `json:"title"`
	Operations []landingOp   `json:"operations"`
	Contract   []landingFile `json:"contract"`
	Reference  string        `json:"reference"`
	Console    string        `json:"console,omitempty"` // "" when the control API is off
	Health     string        `json:"health"`
	Metrics    string        `json:"metrics"`
	Renderer   string        `json:"renderer"`
	Session    *web.Carrier  `json:"session,omitempty"`
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

func (s *Server) landing() landing {
	m := s.contract.Model()
	// Where the page shadows one of the mock's own routes, the links go
	// to the reserved prefix, where they always answer (issue 17 item 8).
	own := "/"
	if len(s.shadowed) > 0 {
		own = ownPrefix
	}
	l := landing{Title: m.Title, Reference: web.ReferencePath, Health: own + "healthz", Metrics: own + "metrics",
		Renderer: "Swagger UI " + web.SwaggerUIVersion + " (embedded)"}
	if s.cfg.Control {
		l.Console = console.Path
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
		l.Session = &web.Carrier{Cookie: m.Session.Cookie, Header: m.Session.Header, Argument: m.Session.Argument}
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
			s.path.Traced(w, r, h)
			return
		}
		w.Header().Add("Vary", "Accept")
		if wantsHTML(r) {
			web.Render(w, s.log, "landing.html", s.landing())
			return
		}
		wire.Encode(w, http.StatusOK, s.landing())
	})
}

// handleReference: the interactive API reference, Swagger UI rendering
// /openapi.json with its "try it" calls sent to this mock (reference.js).
func (s *Server) handleReference() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		web.Render(w, s.log, "reference.html", map[string]string{"Title": s.contract.Model().Title, "Version": web.SwaggerUIVersion})
	})
}
