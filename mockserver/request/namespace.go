package request

import (
	"net/http"

	"github.com/nebeus/nebeus-contract/mockserver/namespace"
	"github.com/nebeus/nebeus-contract/mockserver/state"
	"github.com/nebeus/nebeus-contract/mockserver/wire"
)

// peekNamespace returns the namespace the request names, without creating
// it or marking it used (state.Store.Peek): a request the mock then rejects
// (405, 415, a malformed call, invalid params) takes no namespace slot.
// admit makes it a namespace in use once the request is accepted. The
// session trace and the operation both ask: the request's info keeps the
// answer.
func (s *Path) peekNamespace(w http.ResponseWriter, r *http.Request) (*state.Namespace, *wire.Error) {
	info := InfoOf(w)
	if info.peeked != nil {
		return info.peeked, nil
	}
	name := wire.Header(r.Header, namespace.Header) // canonical (TestNamespaceHeaderIsCanonical)
	if name != "" && !namespace.Valid(name) {
		return nil, namespace.Err(name)
	}
	ns, err := s.Store.Peek(name)
	if err != nil {
		return nil, namespace.Err(name)
	}
	info.peeked = ns
	return ns, nil
}

// admit returns the namespace in use for one that peekNamespace
// returned: created when new (evicting an idle one past the bound), and
// marked used.
// wait: the operation needs the store (operation.needsStore); one that
// does not leaves the store's bookkeeping beside it (NamespaceNoWait).
func (s *Path) admit(ns *state.Namespace, wait bool) (*state.Namespace, *wire.Error) {
	return namespace.Named(s.Store, ns.Name(), wait)
}
