package state

import (
	"fmt"
	"time"
)

// SessionIDBytes is the number of random bytes in a session id (M3: at least
// 128 bits); ids are their hex encoding, 32 characters, safe in a cookie and
// a header (S2).
const SessionIDBytes = 16

// Session is a live session (S2).
type Session struct {
	ID       string
	UID      int
	Login    string
	Created  time.Time
	LastSeen time.Time
}

// SessionView is a session as listings show it: the id redacted to a prefix,
// so that a listing never hands out usable session ids.
type SessionView struct {
	ID       string    `json:"id"` // the first 8 characters and "…"
	UID      int       `json:"uid"`
	Login    string    `json:"login"`
	Created  time.Time `json:"created"`
	LastSeen time.Time `json:"last_seen"`
}

// sessionRec is a session in a list ordered by last use, least recent
// first; since the idle timeout is the same for all, the expired sessions are
// always at the front.
type sessionRec struct {
	id                string
	uid               int
	login             string
	created, lastSeen time.Time
	logKey            string // its key in a file store (sessionlog.go)
	prev, next        *sessionRec
}

type sessionTable struct {
	byID       map[string]*sessionRec
	head, tail *sessionRec
	freed      int64    // budget bytes of removed sessions, not yet refunded
	gone       []string // logKeys of sessions removed since settle (sessionlog.go)
}

// settle refunds what the sessions removed since the last call held, and
// logs their removal to a file store. ns.smu is held.
func (ns *Namespace) settle() {
	if len(ns.sessions.gone) > 0 {
		ns.logGone()
	}
	if n := ns.sessions.freed; n != 0 {
		ns.sessions.freed = 0
		ns.store.refund(ns, n)
	}
}

func (t *sessionTable) unlink(s *sessionRec) {
	if s.prev != nil {
		s.prev.next = s.next
	} else {
		t.head = s.next
	}
	if s.next != nil {
		s.next.prev = s.prev
	} else {
		t.tail = s.prev
	}
	s.prev, s.next = nil, nil
}

func (t *sessionTable) pushBack(s *sessionRec) {
	s.prev, s.next = t.tail, nil
	if t.tail != nil {
		t.tail.next = s
	} else {
		t.head = s
	}
	t.tail = s
}

func (t *sessionTable) remove(s *sessionRec) {
	t.unlink(s)
	delete(t.byID, s.id)
	t.freed += sessionSize(s)
	if s.logKey != "" {
		t.gone = append(t.gone, s.logKey)
	}
}

// sweep ends the sessions idle for longer than idle, from the front: the
// cost is proportional to what it removes (M3).
func (t *sessionTable) sweep(now time.Time, idle time.Duration) {
	for t.head != nil && now.Sub(t.head.lastSeen) > idle {
		t.remove(t.head)
	}
}

func (s *sessionRec) session() Session {
	return Session{ID: s.id, UID: s.uid, Login: s.login, Created: s.created, LastSeen: s.lastSeen}
}

// StartSession starts a new session for the account with uid: every signin
// gets its own (S2), with an id of 128 random bits (M3). When the namespace
// holds Config.MaxSessions sessions already, the least recently used one
// ends.
func (ns *Namespace) StartSession(uid int) (Session, error) {
	a, ok := ns.lookupUID(uid)
	if !ok {
		return Session{}, fmt.Errorf("%w: %d", ErrUnknownUID, uid)
	}
	return ns.StartSessionFor(a)
}

// StartSessionFor starts a new session for a, an account Authenticate
// returned just now: StartSession without looking the account up again.
func (ns *Namespace) StartSessionFor(a Account) (Session, error) {
	if ns.store.sessionsShared() {
		return ns.kvStartSession(a.UID, a.Login)
	}
	ns.loadSessions()
	cfg := &ns.store.cfg
	id := randomHex(SessionIDBytes)
	now := cfg.Now()
	rec := &sessionRec{id: id, uid: a.UID, login: a.Login, created: now, lastSeen: now}

	ns.smu.Lock()
	defer ns.smu.Unlock()
	defer ns.settle()
	t := &ns.sessions
	t.sweep(now, cfg.IdleTimeout)
	for len(t.byID) >= cfg.MaxSessions && t.head != nil {
		t.remove(t.head)
	}
	ns.settle()
	// Past the memory budget (budget.go), idle namespaces go first, then
	// this namespace's least recently used sessions.
	for !ns.store.charge(ns, sessionSize(rec)) {
		if t.head == nil {
			return Session{}, fmt.Errorf("%w: the memory budget (%d bytes) is spent", ErrFull, cfg.MaxBytes)
		}
		t.remove(t.head)
		ns.settle()
	}
	// 128 random bits do not collide in practice; if they ever did, the old
	// session would be overwritten, never shared (S2).
	if old, dup := t.byID[id]; dup {
		t.remove(old)
	}
	t.byID[id] = rec
	t.pushBack(rec)
	ns.logSession(rec)
	return rec.session(), nil
}

// Session returns the live session with id and marks it used now, which
// restarts its idle timeout. An expired or unknown id gives false.
func (ns *Namespace) Session(id string) (Session, bool) {
	if ns.store.sessionsShared() {
		s, st, err := ns.kvSession(id, true)
		ns.store.backendErr("session", err)
		return s, st == SessionLive
	}
	ns.loadSessions()
	cfg := &ns.store.cfg
	now := cfg.Now()
	ns.smu.Lock()
	defer ns.smu.Unlock()
	defer ns.settle()
	t := &ns.sessions
	t.sweep(now, cfg.IdleTimeout)
	s, ok := t.byID[id]
	if !ok {
		return Session{}, false
	}
	if now.Sub(s.lastSeen) > cfg.IdleTimeout { // a clock that went back leaves it off the front
		t.remove(s)
		return Session{}, false
	}
	if now.After(s.lastSeen) {
		s.lastSeen = now
		ns.logSession(s)
	}
	t.unlink(s)
	t.pushBack(s)
	return s.session(), true
}

// EndSession ends the session with id and reports whether it was live. Ending
// an unknown or ended session is not an error (S3: logout is idempotent).
// A store failure goes to Config.OnError here; EndSessionErr returns it.
func (ns *Namespace) EndSession(id string) bool {
	live, err := ns.EndSessionErr(id)
	ns.store.backendErr("logout", err)
	return live
}

// EndSessionErr is EndSession with the store's failure (errors.go), if
// any: then the session may still be live.
func (ns *Namespace) EndSessionErr(id string) (bool, error) {
	if ns.store.sessionsShared() {
		return ns.kvEndSession(id)
	}
	return ns.endSession(id), nil
}

func (ns *Namespace) endSession(id string) bool {
	ns.loadSessions()
	cfg := &ns.store.cfg
	now := cfg.Now()
	ns.smu.Lock()
	defer ns.smu.Unlock()
	defer ns.settle()
	t := &ns.sessions
	t.sweep(now, cfg.IdleTimeout)
	s, ok := t.byID[id]
	if !ok {
		return false
	}
	live := now.Sub(s.lastSeen) <= cfg.IdleTimeout
	t.remove(s)
	return live
}

// Sessions lists the live sessions, least recently used first, with their ids
// redacted.
func (ns *Namespace) Sessions() []SessionView {
	cfg := &ns.store.cfg
	now := cfg.Now()
	if ns.store.sessionsShared() {
		return ns.kvSessions(now)
	}
	ns.loadSessions()
	ns.smu.Lock()
	defer ns.smu.Unlock()
	defer ns.settle()
	t := &ns.sessions
	t.sweep(now, cfg.IdleTimeout)
	out := make([]SessionView, 0, len(t.byID))
	for s := t.head; s != nil; s = s.next {
		if now.Sub(s.lastSeen) > cfg.IdleTimeout {
			continue
		}
		out = append(out, SessionView{ID: redact(s.id), UID: s.uid, Login: s.login, Created: s.created, LastSeen: s.lastSeen})
	}
	return out
}

// NumSessions returns the number of sessions held, expired ones not yet
// swept included.
func (ns *Namespace) NumSessions() int {
	if ns.store.sessionsShared() {
		pairs, _ := ns.store.kv.scan(nsKey(kindSession, ns.name))
		return len(pairs)
	}
	ns.loadSessions()
	ns.smu.Lock()
	defer ns.smu.Unlock()
	return len(ns.sessions.byID)
}

func redact(id string) string {
	if len(id) <= 8 {
		return "…"
	}
	return id[:8] + "…"
}
