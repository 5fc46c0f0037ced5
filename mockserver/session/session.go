package session

import (
	"net/http"
	"net/textproto"
	"time"

	"github.com/nebeus/nebeus-contract/mockserver/wire"
	"github.com/nebeus/nebeus-contract/spec/model"
)

// Rules is how the contract says a session travels (S2), from the model;
// the zero value (a contract without sessions) sets no cookie and reads no
// carrier.
type Rules struct {
	model.Session
	HeaderKey string // Header in canonical form, for wire.Header
}

// New reads the rules of the contract m.
func New(m *model.Contract) Rules {
	if m.Session == nil {
		return Rules{}
	}
	return Rules{Session: *m.Session, HeaderKey: textproto.CanonicalMIMEHeaderKey(m.Session.Header)}
}

func (s Rules) sameSite() http.SameSite {
	switch s.SameSite {
	case "Lax":
		return http.SameSiteLaxMode
	case "Strict":
		return http.SameSiteStrictMode
	case "None":
		return http.SameSiteNoneMode
	}
	return http.SameSiteDefaultMode
}

// CookieFor is S2's cookie for session id (with the contract's attributes:
// HttpOnly so scripts cannot read it, SameSite=Lax so it goes along from
// localhost:3000 to localhost:8080, Path=/ for every operation); nil when
// the contract names none.
func (s Rules) CookieFor(id string) *http.Cookie {
	if s.Cookie == "" {
		return nil
	}
	return &http.Cookie{Name: s.Cookie, Value: id, Path: s.Path, HttpOnly: s.HttpOnly, SameSite: s.sameSite()}
}

// Cleared expires the cookie (S3), with the same name, path and attributes,
// so a browser drops the one it keeps.
func (s Rules) Cleared() *http.Cookie {
	c := s.CookieFor("")
	if c != nil {
		c.MaxAge, c.Expires = -1, time.Unix(0, 0)
	}
	return c
}

// IDs returns the distinct session ids a request carries (S2), in order:
// the argument, the header, the cookie. logout ends them all, since it
// clears the cookie either way (S3).
func (s Rules) IDs(r *http.Request, params map[string]any) []string {
	var ids []string
	add := func(id string) {
		if id == "" {
			return
		}
		for _, x := range ids {
			if x == id {
				return
			}
		}
		ids = append(ids, id)
	}
	if s.Argument != "" {
		if id, ok := params[s.Argument].(string); ok {
			add(id)
		}
	}
	if s.Header != "" {
		add(wire.Header(r.Header, s.HeaderKey))
	}
	if s.Cookie != "" {
		for _, c := range r.CookiesNamed(s.Cookie) {
			add(c.Value)
		}
	}
	return ids
}
