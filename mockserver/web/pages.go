package web

import (
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
)

// files holds the landing page, the API reference, the console and their
// assets, Swagger UI included (vendor/swagger-ui/VERSION): everything is
// served from the binary, so the pages work with no network.
//
//go:embed *.html static vendor
var files embed.FS

// SwaggerUIVersion is the vendored Swagger UI (vendor/swagger-ui).
const SwaggerUIVersion = "5.35.0"

// Where the mock's own pages live.
const (
	AssetsPrefix  = "/_assets/"
	ReferencePath = "/reference/"
)

var pages = template.Must(template.New("").ParseFS(files, "*.html"))

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

// Render writes the page name (landing.html, reference.html,
// console.html) with data, under the pages' headers; a template error goes
// to log.
func Render(w http.ResponseWriter, log *slog.Logger, name string, data any) {
	pageHeaders(w.Header())
	if err := pages.ExecuteTemplate(w, name, data); err != nil {
		log.Error("rendering page", "page", name, "err", err)
	}
}

// Assets serves static/ and vendor/ under /_assets/.
func Assets() http.Handler {
	files := http.StripPrefix(strings.TrimSuffix(AssetsPrefix, "/"), http.FileServerFS(files))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := strings.TrimPrefix(r.URL.Path, AssetsPrefix)
		if !strings.HasPrefix(p, "static/") && !strings.HasPrefix(p, "vendor/") || strings.HasSuffix(p, "/") {
			http.NotFound(w, r) // no listings, no templates
			return
		}
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(w, r)
	})
}

// Carrier says how a session travels (S2), for the landing page and the
// console: the cookie, the header and the argument the contract names.
type Carrier struct {
	Cookie   string `json:"cookie,omitempty"`
	Header   string `json:"header,omitempty"`
	Argument string `json:"argument,omitempty"`
}
