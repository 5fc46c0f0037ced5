package state

// SessionStatus is what a namespace knows of a session id, for the journal
// (S2): a live session, one that has passed its idle timeout (M3) but not
// yet been swept, or none.
type SessionStatus int

// Session statuses.
const (
	SessionUnknown SessionStatus = iota
	SessionLive
	SessionExpired
)

// SessionStatus reports what the namespace knows of id without using the
// session: unlike Session it neither restarts the idle timeout nor sweeps,
// so looking does not change what the operation then sees.
func (ns *Namespace) SessionStatus(id string) SessionStatus {
	if id == "" {
		return SessionUnknown
	}
	if ns.store.sessionsShared() {
		_, st := ns.kvSession(id, false)
		return st
	}
	ns.loadSessions()
	cfg := &ns.store.cfg
	now := cfg.Now()
	ns.smu.Lock()
	defer ns.smu.Unlock()
	s, ok := ns.sessions.byID[id]
	switch {
	case !ok:
		return SessionUnknown
	case now.Sub(s.lastSeen) > cfg.IdleTimeout:
		return SessionExpired
	}
	return SessionLive
}
