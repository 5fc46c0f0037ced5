package namespace

import (
	"errors"
	"net/http"

	"github.com/nebeus/nebeus-contract/mockserver/state"
	"github.com/nebeus/nebeus-contract/mockserver/wire"
)

// Header names the isolated state a request works on; absent or
// empty: the default namespace.
const Header = "X-Mock-Namespace"

// maxNamespace is the longest namespace name.
const maxNamespace = 64

// Valid: 1 to 64 characters of [A-Za-z0-9._-], safe in a header, a
// URL query, a log line and a file name.
func Valid(name string) bool {
	if len(name) == 0 || len(name) > maxNamespace {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '.' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// Err is the answer to a request naming no valid namespace (-32600).
func Err(name string) *wire.Error {
	return wire.ErrInvalidRequest(Header + " must be 1 to 64 characters of A-Z a-z 0-9 . _ -")
}

// Named returns the namespace name of st in use: created when new
// (evicting an idle one past the bound), and marked used. wait: the
// caller needs the store; one that does not leaves the store's bookkeeping
// beside it (NamespaceNoWait).
func Named(st *state.Store, name string, wait bool) (*state.Namespace, *wire.Error) {
	if name != "" && !Valid(name) {
		return nil, Err(name)
	}
	get := st.Namespace
	if !wait {
		get = st.NamespaceNoWait
	}
	ns, err := get(name)
	if err != nil {
		if errors.Is(err, state.ErrTooManyNamespaces) {
			e := wire.ErrInvalidRequest("too many namespaces in use; reset some with POST /_mock/reset")
			e.Status = http.StatusTooManyRequests
			return nil, e
		}
		return nil, Err(name)
	}
	return ns, nil
}
