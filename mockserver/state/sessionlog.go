package state

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Sessions of a file store. bbolt lets one process open the file, so that
// process's memory is the whole truth about its sessions: a file store
// keeps them in the table the memory store uses (sessions.go), under the
// same budget and bounds, and writes each change behind to the file in
// order (groupCommit.writeBehind), to be read back the first time a
// namespace's sessions are used after a restart. Redis is shared by
// replicas, so there sessions live in Redis alone (kvstate.go).
//
// In the file, a session's key is the namespace's session prefix, then the
// time it was first logged (16 hex digits, kept increasing in this process)
// and its id: new sessions land at the end of the namespace's keys, so a
// commit of many signins rewrites a page or two of bbolt's tree, not one
// page per session as random ids as keys would.
//
// A signin thus costs the file store a memory insert, not a commit of its
// own (issue 11's BenchmarkStores goal). What a SIGKILL can lose is the
// session changes of the commit under way, a few milliseconds at most: a
// session started just before may be unknown after the restart (its
// client signs in again), and one ended just before may be back until its
// idle timeout (M3). Signups, resets and faults are never written behind.
type sessionLog interface {
	// logSession queues key's new value, or its deletion when val is
	// nil, after every change logged before it.
	logSession(key string, val []byte)
	// barrier returns once every change logged before it is in the file.
	barrier() error
}

func (b *boltStore) logSession(key string, val []byte) {
	b.writes.writeBehind(func(bk *bolt.Bucket) error {
		if val == nil {
			return bk.Delete([]byte(key))
		}
		return bk.Put([]byte(key), val)
	})
}

func (b *boltStore) barrier() error { return b.writes.write(func(*bolt.Bucket) error { return nil }) }

// sessionsShared reports whether sessions live in the backend (Redis),
// rather than in this process's table (memory and file stores).
func (s *Store) sessionsShared() bool { return s.kv != nil && s.slog == nil }

// logSession writes rec behind to a file store; ns.smu is held, which
// orders the changes of one session.
func (ns *Namespace) logSession(rec *sessionRec) {
	s := ns.store
	if s.slog == nil {
		return
	}
	if rec.logKey == "" {
		seq := s.logSeq.Add(1)
		if now := s.cfg.Now().UnixNano(); now > seq { // increasing across restarts too
			s.logSeq.CompareAndSwap(seq, now)
			seq = max(seq, now)
		}
		rec.logKey = fmt.Sprintf("%s%016x%s", nsKey(kindSession, ns.name), seq, rec.id)
	}
	b, _ := json.Marshal(&kvSession{UID: rec.uid, Login: rec.login, Created: rec.created.UnixNano(), LastSeen: rec.lastSeen.UnixNano()})
	s.slog.logSession(rec.logKey, b)
}

// logGone writes behind the removal of the sessions removed since the last
// call; ns.smu is held.
func (ns *Namespace) logGone() {
	t := &ns.sessions
	if ns.store.slog != nil {
		for _, key := range t.gone {
			ns.store.slog.logSession(key, nil)
		}
	}
	t.gone = t.gone[:0]
}

// loadSessions reads a file store's sessions of ns into its table, once,
// before its first session operation: the namespace may have been used
// before a restart, or before this process evicted it from memory.
func (ns *Namespace) loadSessions() {
	s := ns.store
	if s.slog == nil {
		return
	}
	ns.loadOnce.Do(func() {
		s.backendErr("sessions", s.slog.barrier()) // what an evicted copy of ns logged
		prefix := nsKey(kindSession, ns.name)
		pairs, err := s.kv.scan(prefix)
		s.backendErr("sessions", err)
		recs := make([]*sessionRec, 0, len(pairs))
		for _, p := range pairs {
			var r kvSession
			id := strings.TrimPrefix(p.key, prefix)
			if len(id) <= 16 || json.Unmarshal(p.val, &r) != nil {
				continue
			}
			recs = append(recs, &sessionRec{id: id[16:], uid: r.UID, login: r.Login, logKey: p.key,
				created: time.Unix(0, r.Created).UTC(), lastSeen: time.Unix(0, r.LastSeen).UTC()})
		}
		slices.SortFunc(recs, func(a, b *sessionRec) int { return a.lastSeen.Compare(b.lastSeen) })
		ns.smu.Lock()
		defer ns.smu.Unlock()
		defer ns.settle()
		t := &ns.sessions
		for _, r := range recs {
			if _, dup := t.byID[r.id]; dup || !s.charge(ns, sessionSize(r)) {
				t.gone = append(t.gone, r.logKey) // past the budget: dropped, as StartSession would
				continue
			}
			t.byID[r.id] = r
			t.pushBack(r)
		}
		t.sweep(s.cfg.Now(), s.cfg.IdleTimeout)
		for len(t.byID) > s.cfg.MaxSessions && t.head != nil {
			t.remove(t.head)
		}
	})
}
