package request

import (
	"net/http"
	"slices"
	"strings"

	"github.com/nebeus/nebeus-contract/mockserver/proxy"
	"github.com/nebeus/nebeus-contract/mockserver/wire"
)

// exposedHeaders are the response headers scripts may read.
const exposedHeaders = "X-Mock-Violations, X-Mock-Fault, Preference-Applied, " + proxy.ViolationsHeader

// CORS wraps next: allowed origins get the CORS headers, preflights (OPTIONS
// with Access-Control-Request-Method) are answered 204 here. Disallowed
// origins get no CORS headers, so the browser blocks the answer.
func (s *Path) CORS(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := wire.Header(r.Header, "Origin")
		h := w.Header()
		if origin != "" {
			h.Add("Vary", "Origin")
		}
		allowed := s.Origins.Allows(origin)
		if allowed {
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Credentials", "true")
		}
		if r.Method == http.MethodOptions && wire.Header(r.Header, "Access-Control-Request-Method") != "" {
			h.Add("Vary", "Access-Control-Request-Method")
			h.Add("Vary", "Access-Control-Request-Headers")
			methods := s.OpMethods
			if s.ControlPrefix != "" && strings.HasPrefix(r.URL.Path, s.ControlPrefix) {
				methods = "GET, POST, DELETE"
			}
			if allowed {
				h.Set("Access-Control-Allow-Methods", methods)
				h.Set("Access-Control-Allow-Headers", s.CORSHeaders)
				h.Set("Access-Control-Max-Age", "600")
			}
			h.Set("Allow", methods+", OPTIONS")
			InfoOf(w).Outcome = "preflight"
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
func (s *Path) refusedPreflight(w http.ResponseWriter, r *http.Request, origin string) {
	origin = wire.CutAt(origin, maxOrigin) // the header is the client's; the message stays short
	msg := "CORS preflight from origin " + origin + " refused (" + wire.Cut(r.Header.Get("Access-Control-Request-Method")) + " " + wire.Cut(r.URL.Path) +
		"): the origin is not allowed; add it to --cors-origins (NEBEUS_MOCK_CORS_ORIGINS): --cors-origins '" +
		strings.Join(append(slices.Clone(s.CORSOrigins), origin), ",") + "'"
	InfoOf(w).Outcome = "preflight_refused"
	InfoOf(w).warning = msg
	if s.Notice != nil {
		s.Notice(s.Now(), "cors", msg)
	}
}
