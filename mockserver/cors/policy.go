package cors

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/nebeus/nebeus-contract/mockserver/session"
	"github.com/nebeus/nebeus-contract/spec/model"
)

// Policy decides which browser origins may call the mock with
// credentials (the session cookie, S2).
//
// A pattern is an exact origin ("http://localhost:3000"), an origin whose
// port is "*" ("http://localhost:*": any port, or none), or "*" (any
// origin). The allowed Origin is always reflected, never answered with a
// literal "*", which browsers refuse with credentials.
type Policy struct {
	any      bool
	exact    map[string]bool
	anyPorts []string // "http://localhost:" prefixes
}

// AllowedHeaders are the request headers a browser may send: the contract's
// (T2, and S2's session header from the model) and the mock's own.
func AllowedHeaders(ses session.Rules) string {
	h := "Content-Type, Accept, X-Mock-Namespace, Prefer, Authorization"
	if ses.Header != "" {
		h = "Content-Type, Accept, " + ses.Header + ", X-Mock-Namespace, Prefer, Authorization"
	}
	return h
}

// OperationMethods are the methods the contract's operations take, for a
// preflight: "POST" for this page, more for pages with plain HTTP ones.
func OperationMethods(m *model.Contract) string {
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

// New reads the origin patterns of Config.CORSOrigins.
func New(patterns []string) (*Policy, error) {
	p := &Policy{exact: map[string]bool{}}
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

// Allows reports whether origin may call the mock.
func (p *Policy) Allows(origin string) bool {
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
