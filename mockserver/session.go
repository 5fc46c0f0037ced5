package mockserver

import (
	"net/http"
	"time"
)

// SessionCookie is the cookie that carries the session (S2).
const SessionCookie = "session_id"

// SessionHeader carries the session as a header (S2, Odoo's name).
const SessionHeader = "X-Openerp-Session-Id"

// sessionCookie is S2's cookie: HttpOnly so scripts cannot read it,
// SameSite=Lax so it goes along from localhost:3000 to localhost:8080 (same
// site: cookies ignore ports), Path=/ for every operation.
func sessionCookie(id string) *http.Cookie {
	return &http.Cookie{Name: SessionCookie, Value: id, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode}
}

// clearedSessionCookie expires the cookie (S3).
func clearedSessionCookie() *http.Cookie {
	return &http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		MaxAge: -1, Expires: time.Unix(0, 0)}
}

// sessionIDs returns the distinct session ids a request carries (S2), in
// order: params.session_id, the X-Openerp-Session-Id header, the cookie.
// logout ends them all, since it clears the cookie either way (S3).
func sessionIDs(r *http.Request, params map[string]any) []string {
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
	if id, ok := params["session_id"].(string); ok {
		add(id)
	}
	add(r.Header.Get(SessionHeader))
	for _, c := range r.CookiesNamed(SessionCookie) {
		add(c.Value)
	}
	return ids
}
