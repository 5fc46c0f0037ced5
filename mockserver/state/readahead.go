package state

import "fmt"

// Reads ahead. With Redis, every read a request waits for is a round trip
// shared with the other requests in flight (redispipe.go), and a
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
// or a read of another login: Authenticate), and the store's failure
// (errors.go): with one, the answer is neither a match nor a mismatch.
func (ns *Namespace) AuthenticateRead(rd *AccountRead, login, password string) (Account, bool, error) {
	return ns.authenticate(login, password, rd)
}

// FaultAhead starts reading whether namespace ns has a fault for op, and
// returns the wait for the answer: one read, so that the common case, no
// fault, costs no write. Only with a backend. optional: the operation
// does not need the store otherwise (get_countries), so the read is
// waited for at most briefly and not at all while the store is down
// (guard.go's getOptional); it then reads as no fault and no error.
func (s *Store) FaultAhead(ns, op string, optional bool) func() (bool, error) {
	key := nsKey(kindFault, ns) + op
	var wait func() ([]byte, bool, error)
	if g, ok := s.kv.(*guarded); ok && optional {
		wait = g.getOptional(key)
	} else {
		wait = s.kv.getAhead(key)
	}
	return func() (bool, error) {
		_, ok, err := wait()
		if err != nil {
			return false, fmt.Errorf("state: faults: %w", err)
		}
		return ok, nil
	}
}
