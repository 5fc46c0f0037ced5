package wire

import "net/http"

// Header is h.Get(key) for a key in canonical form already (a constant,
// or one canonicalized once when the server is built): http.Header.Get
// canonicalizes its key on every call, and the request path reads some ten
// headers.
func Header(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}
