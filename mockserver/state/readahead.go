package state

// Reads ahead. With Redis, every read a request waits for is a round trip
// shared with the other requests in flight (automatic pipelining), and a
// request's reads in sequence are that many round trips: the throughput of
// many clients is bound by them, not by CPU. A read that does not depend
// on another can start before it: a signin's account read starts with its
// fault check, and both come back in one round trip. The memory and file
// stores read when waited for, at no cost.

// AccountRead is the lookup of an account by login, started ahead of the
// signin that needs it (Namespace.ReadAccount).
type AccountRead struct {
	key  string
	wait func() ([]byte, bool, error) // nil: nothing to read ahead (memory, a fixture account)
}

// ReadAccount starts reading the account with login.
func (ns *Namespace) ReadAccount(login string) *AccountRead {
	rd := &AccountRead{key: loginKey(login)}
	if ns.store.kv == nil {
		return rd
	}
	ns.mu.RLock()
	_, fixture := ns.accounts.index[rd.key]
	ns.mu.RUnlock()
	if !fixture {
		rd.wait = ns.store.kv.getAhead(nsKey(kindAccount, ns.name) + rd.key)
	}
	return rd
}

// AuthenticateRead is Authenticate of login with the read rd started (nil,
// or a read of another login: Authenticate).
func (ns *Namespace) AuthenticateRead(rd *AccountRead, login, password string) (Account, bool) {
	return ns.authenticate(login, password, rd)
}

// FaultAhead starts reading whether namespace ns has a fault for op, and
// returns the wait for the answer: one read, so that the common case, no
// fault, costs no write. Only with a backend.
func (s *Store) FaultAhead(ns, op string) func() bool {
	wait := s.kv.getAhead(nsKey(kindFault, ns) + op)
	return func() bool {
		_, ok, err := wait()
		s.backendErr("faults", err)
		return ok
	}
}
