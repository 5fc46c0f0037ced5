package state

import (
	"encoding/json"
	"time"
)

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
		// The session trace asks this of every request that carries a
		// session, get_countries' too, which must not wait for the store
		// (issue 19): the read waits briefly, not at all while the store
		// is down, and what it cannot tell reads as unknown.
		b, ok, _ := ns.store.kv.(*guarded).getOptional(ns.sessionKey(id))()
		var rec kvSession
		switch {
		case !ok || json.Unmarshal(b, &rec) != nil:
			return SessionUnknown
		case ns.store.cfg.Now().Sub(time.Unix(0, rec.LastSeen)) > ns.store.cfg.IdleTimeout:
			return SessionExpired
		}
		return SessionLive
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
