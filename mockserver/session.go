package mockserver

import (
	"net/http"
	"net/textproto"
	"time"

	"github.com/nebeus/nebeus-contract/mockserver/wire"
	"github.com/nebeus/nebeus-contract/spec/model"
)

// session is how the contract says a session travels (S2), from the model;
// the zero value (a contract without sessions) sets no cookie and reads no
// carrier.
type session struct {
	model.Session
	headerKey string // Header in canonical form, for header()
}

func newSession(m *model.Contract) session {
	if m.Session == nil {
		return session{}
	}
	return session{Session: *m.Session, headerKey: textproto.CanonicalMIMEHeaderKey(m.Session.Header)}
}

func (s session) sameSite() http.SameSite {
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

// cookie is S2's cookie for session id (with the contract's attributes:
// HttpOnly so scripts cannot read it, SameSite=Lax so it goes along from
// localhost:3000 to localhost:8080, Path=/ for every operation); nil when
// the contract names none.
func (s session) cookie(id string) *http.Cookie {
	if s.Cookie == "" {
		return nil
	}
	return &http.Cookie{Name: s.Cookie, Value: id, Path: s.Path, HttpOnly: s.HttpOnly, SameSite: s.sameSite()}
}

// cleared expires the cookie (S3), with the same name, path and attributes,
// so a browser drops the one it keeps.
func (s session) cleared() *http.Cookie {
	c := s.cookie("")
	if c != nil {
		c.MaxAge, c.Expires = -1, time.Unix(0, 0)
	}
	return c
}

// ids returns the distinct session ids a request carries (S2), in order:
// the argument, the header, the cookie. logout ends them all, since it
// clears the cookie either way (S3).
func (s session) ids(r *http.Request, params map[string]any) []string {
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
		add(wire.Header(r.Header, s.headerKey))
	}
	if s.Cookie != "" {
		for _, c := range r.CookiesNamed(s.Cookie) {
			add(c.Value)
		}
	}
	return ids
}
