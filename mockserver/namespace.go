package mockserver

import (
	"errors"
	"net/http"

	"github.com/nebeus/nebeus-contract/mockserver/state"
	"github.com/nebeus/nebeus-contract/mockserver/wire"
)

// NamespaceHeader names the isolated state a request works on; absent or
// empty: the default namespace.
const NamespaceHeader = "X-Mock-Namespace"

// maxNamespace is the longest namespace name.
const maxNamespace = 64

// validNamespace: 1 to 64 characters of [A-Za-z0-9._-], safe in a header, a
// URL query, a log line and a file name.
func validNamespace(name string) bool {
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

func errNamespace(name string) *wire.Error {
	return wire.ErrInvalidRequest(NamespaceHeader + " must be 1 to 64 characters of A-Z a-z 0-9 . _ -")
}

// peekNamespace returns the namespace the request names, without creating
// it or marking it used (state.Store.Peek): a request the mock then rejects
// (405, 415, a malformed call, invalid params) takes no namespace slot.
// admit makes it a namespace in use once the request is accepted. The
// session trace and the operation both ask: the request's info keeps the
// answer.
func (s *Server) peekNamespace(w http.ResponseWriter, r *http.Request) (*state.Namespace, *wire.Error) {
	info := infoOf(w)
	if info.peeked != nil {
		return info.peeked, nil
	}
	name := wire.Header(r.Header, NamespaceHeader) // canonical (TestNamespaceHeaderIsCanonical)
	if name != "" && !validNamespace(name) {
		return nil, errNamespace(name)
	}
	ns, err := s.store.Peek(name)
	if err != nil {
		return nil, errNamespace(name)
	}
	info.peeked = ns
	return ns, nil
}

// admit returns the namespace in use for one that peekNamespace
// returned: created when new (evicting an idle one past the bound), and
// marked used.
// wait: the operation needs the store (operation.needsStore); one that
// does not leaves the store's bookkeeping beside it (NamespaceNoWait).
func (s *Server) admit(ns *state.Namespace, wait bool) (*state.Namespace, *wire.Error) {
	return s.namespaceNamed(ns.Name(), wait)
}

func (s *Server) namespaceNamed(name string, wait bool) (*state.Namespace, *wire.Error) {
	if name != "" && !validNamespace(name) {
		return nil, errNamespace(name)
	}
	get := s.store.Namespace
	if !wait {
		get = s.store.NamespaceNoWait
	}
	ns, err := get(name)
	if err != nil {
		if errors.Is(err, state.ErrTooManyNamespaces) {
			e := wire.ErrInvalidRequest("too many namespaces in use; reset some with POST /_mock/reset")
			e.Status = http.StatusTooManyRequests
			return nil, e
		}
		return nil, errNamespace(name)
	}
	return ns, nil
}
