package hostcheck

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// Allowed is the control API's and the console's defence against DNS
// rebinding: a page on another site that gets its host name pointed at the
// mock's address sends that name in Host, and is refused. Allowed are the
// localhost names (localhost, *.localhost), loopback addresses, and the
// address the connection arrived on (the address the mock listens on, when
// it listens on all of them).
func Allowed(r *http.Request) bool {
	host := HostOnly(r.Host)
	if host == "" {
		return false
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return false // a name that is not a localhost name
	}
	a = a.Unmap()
	if a.IsLoopback() {
		return true
	}
	if local, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		if ap, err := netip.ParseAddrPort(local.String()); err == nil && ap.Addr().Unmap() == a.WithZone("") {
			return true
		}
	}
	return false
}

// HostOnly is a Host header's host name or address, without port,
// brackets or a trailing dot, in lower case.
func HostOnly(hostport string) string {
	h := hostport
	if host, _, err := net.SplitHostPort(hostport); err == nil {
		h = host
	}
	h = strings.TrimSuffix(strings.TrimPrefix(h, "["), "]")
	return strings.ToLower(strings.TrimSuffix(h, "."))
}
