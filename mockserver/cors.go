package mockserver

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/nebeus/nebeus-contract/mockserver/session"
	"github.com/nebeus/nebeus-contract/mockserver/wire"
	"github.com/nebeus/nebeus-contract/spec/model"
)

// corsPolicy decides which browser origins may call the mock with
// credentials (the session cookie, S2).
//
// A pattern is an exact origin ("http://localhost:3000"), an origin whose
// port is "*" ("http://localhost:*": any port, or none), or "*" (any
// origin). The allowed Origin is always reflected, never answered with a
// literal "*", which browsers refuse with credentials.
type corsPolicy struct {
	any      bool
	exact    map[string]bool
	anyPorts []string // "http://localhost:" prefixes
}

// allowedHeaders are the request headers a browser may send: the contract's
// (T2, and S2's session header from the model) and the mock's own.
func allowedHeaders(ses session.Rules) string {
	h := "Content-Type, Accept, X-Mock-Namespace, Prefer, Authorization"
	if ses.Header != "" {
		h = "Content-Type, Accept, " + ses.Header + ", X-Mock-Namespace, Prefer, Authorization"
	}
	return h
}

// operationMethods are the methods the contract's operations take, for a
// preflight: "POST" for this page, more for pages with plain HTTP ones.
func operationMethods(m *model.Contract) string {
	var ms []string
	for _, o := range m.Operations {
		if !slices.Contains(ms, o.Method) {
			ms = append(ms, o.Method)
		}
	}
	if len(ms) == 0 {
		return http.MethodPost
	}
	return strings.Join(ms, ", ")
}

// exposedHeaders are the response headers scripts may read.
const exposedHeaders = "X-Mock-Violations, X-Mock-Fault, Preference-Applied, " + ViolationsHeader

func newCORSPolicy(patterns []string) (*corsPolicy, error) {
	p := &corsPolicy{exact: map[string]bool{}}
	for _, pat := range patterns {
		pat = strings.TrimSpace(pat)
		switch {
		case pat == "":
		case pat == "*":
			p.any = true
		case strings.HasSuffix(pat, ":*"):
			base := strings.TrimSuffix(pat, "*")
			if err := checkOrigin(strings.TrimSuffix(base, ":")); err != nil {
				return nil, fmt.Errorf("mockserver: CORS origin %q: %w", pat, err)
			}
			p.anyPorts = append(p.anyPorts, strings.ToLower(base))
		default:
			if err := checkOrigin(pat); err != nil {
				return nil, fmt.Errorf("mockserver: CORS origin %q: %w", pat, err)
			}
			p.exact[strings.ToLower(pat)] = true
		}
	}
	return p, nil
}

func checkOrigin(o string) error {
	u, err := url.Parse(o)
	if err != nil {
		return err
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Path != "" || u.RawQuery != "" || u.User != nil {
		return fmt.Errorf("want scheme://host[:port], like http://localhost:3000")
	}
	return nil
}

// allows reports whether origin may call the mock.
func (p *corsPolicy) allows(origin string) bool {
	if origin == "" || origin == "null" {
		return false
	}
	if p.any {
		return true
	}
	o := strings.ToLower(origin)
	if p.exact[o] {
		return true
	}
	for _, base := range p.anyPorts {
		if o == strings.TrimSuffix(base, ":") {
			return true // the scheme's default port
		}
		if port, ok := strings.CutPrefix(o, base); ok && port != "" && allDigits(port) {
			return true
		}
	}
	return false
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// cors wraps next: allowed origins get the CORS headers, preflights (OPTIONS
// with Access-Control-Request-Method) are answered 204 here. Disallowed
// origins get no CORS headers, so the browser blocks the answer.
func (s *Server) cors(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := wire.Header(r.Header, "Origin")
		h := w.Header()
		if origin != "" {
			h.Add("Vary", "Origin")
		}
		allowed := s.origins.allows(origin)
		if allowed {
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Credentials", "true")
		}
		if r.Method == http.MethodOptions && wire.Header(r.Header, "Access-Control-Request-Method") != "" {
			h.Add("Vary", "Access-Control-Request-Method")
			h.Add("Vary", "Access-Control-Request-Headers")
			methods := s.opMethods
			if strings.HasPrefix(r.URL.Path, controlPrefix) {
				methods = "GET, POST, DELETE"
			}
			if allowed {
				h.Set("Access-Control-Allow-Methods", methods)
				h.Set("Access-Control-Allow-Headers", s.corsHeaders)
				h.Set("Access-Control-Max-Age", "600")
			}
			h.Set("Allow", methods+", OPTIONS")
			infoOf(w).outcome = "preflight"
			if !allowed && origin != "" {
				s.refusedPreflight(w, r, origin)
			}
			w.WriteHeader(http.StatusNoContent)
			return
		}
		if allowed {
			h.Set("Access-Control-Expose-Headers", exposedHeaders)
		}
		next.ServeHTTP(w, r)
	})
}

// refusedPreflight makes a refused preflight visible: the browser shows the
// page only "Failed to fetch", so the log line becomes a warning naming the
// flag that fixes it, and the console shows it as a notice.
func (s *Server) refusedPreflight(w http.ResponseWriter, r *http.Request, origin string) {
	origin = wire.CutAt(origin, maxOrigin) // the header is the client's; the message stays short
	msg := "CORS preflight from origin " + origin + " refused (" + wire.Cut(r.Header.Get("Access-Control-Request-Method")) + " " + wire.Cut(r.URL.Path) +
		"): the origin is not allowed; add it to --cors-origins (NEBEUS_MOCK_CORS_ORIGINS): --cors-origins '" +
		strings.Join(append(slices.Clone(s.cfg.CORSOrigins), origin), ",") + "'"
	infoOf(w).outcome = "preflight_refused"
	infoOf(w).warning = msg
	if s.feed != nil {
		s.feed.notify(s.now(), "cors", msg)
	}
}
