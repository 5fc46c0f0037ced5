package state

import "sync"

// The memory budget (Config.MaxBytes) covers what the mock holds for its
// clients in this process, across all namespaces: accounts, sessions and
// outboxes of the memory store, the sessions of the file store
// (sessionlog.go), and the journals of every store (the file and Redis
// stores keep the rest outside the Go heap). Sizes are estimates
// of the heap each item takes, fixed overhead included.
//
// Past the budget, the namespaces unused for longest are evicted first
// (never the default one, never the one asking); if that is not enough, a
// journal or an outbox drops its own oldest entries, a namespace its least
// recently used sessions, and a signup fails with ErrFull.
type budget struct {
	mu   sync.Mutex
	used int64
}

// Estimated sizes, in bytes, beyond the strings an item holds.
const (
	accountOverhead = 200 // the record in its chunk, the index entry
	sessionOverhead = 220 // the record, its list links, the map entry
	outboxOverhead  = 120
	entryOverhead   = 300 // the Entry struct, its slices' headers
)

func accountSize(in *NewAccount) int64 {
	return accountOverhead + int64(2*len(in.Login)+len(in.Name)+len(in.Surname)+len(in.Language)+
		len(in.Identifier)+len(in.AppVersion)+len(in.DeviceModel)+len(in.DeviceOS))
}

func sessionSize(s *sessionRec) int64 { return sessionOverhead + int64(2*len(s.id)+len(s.login)) }

func outboxSize(m *OutboxMessage) int64 { return outboxOverhead + int64(len(m.To)+len(m.Token)) }

func entrySize(e *Entry) int64 {
	n := entryOverhead + len(e.Request) + len(e.Response) + len(e.Operation) + len(e.Namespace) + len(e.Origin) + len(e.Carrier) + len(e.Session)
	for _, v := range e.Violations {
		n += 50 + len(v.Pointer) + len(v.Message) + len(v.Decision)
	}
	if e.Hint != nil {
		n += 32 + len(e.Hint.Code) + len(e.Hint.Message)
	}
	return int64(n)
}

// charge counts n more bytes for ns, evicting idle namespaces when the
// total would pass the budget; false when it still would. A namespace no
// longer in the store (reset, evicted, or only peeked at) is not counted.
func (s *Store) charge(ns *Namespace, n int64) bool {
	s.bud.mu.Lock()
	if ns.dropped {
		s.bud.mu.Unlock()
		return true
	}
	if s.bud.used+n <= s.cfg.MaxBytes {
		s.bud.used += n
		ns.bytes += n
		s.bud.mu.Unlock()
		return true
	}
	s.bud.mu.Unlock()

	s.mu.Lock()
	defer s.mu.Unlock()
	s.bud.mu.Lock()
	defer s.bud.mu.Unlock()
	for s.bud.used+n > s.cfg.MaxBytes {
		if s.evictForBudgetLocked(ns) == "" {
			return false
		}
	}
	if ns.dropped {
		return true
	}
	s.bud.used += n
	ns.bytes += n
	return true
}

// evictForBudgetLocked evicts the namespace unused for longest other than
// the default and keep. s.mu and s.bud.mu are held.
func (s *Store) evictForBudgetLocked(keep *Namespace) string {
	var (
		victim *Namespace
		oldest int64
	)
	for n, ns := range s.namespaces {
		if n == "" || ns == keep || ns.bytes == 0 {
			continue
		}
		if t := ns.lastUsed.Load(); victim == nil || t < oldest {
			victim, oldest = ns, t
		}
	}
	if victim == nil {
		return ""
	}
	delete(s.namespaces, victim.name)
	s.dropLocked(victim)
	s.evictions.Add(1) // with a backend, only this replica's journal of it goes
	return victim.name
}

// refund gives back n bytes ns held.
func (s *Store) refund(ns *Namespace, n int64) {
	if n == 0 {
		return
	}
	s.bud.mu.Lock()
	if !ns.dropped {
		s.bud.used -= n
		ns.bytes -= n
	}
	s.bud.mu.Unlock()
}

// drop takes ns out of the budget: it is no longer in the store.
func (s *Store) drop(ns *Namespace) {
	s.bud.mu.Lock()
	s.dropLocked(ns)
	s.bud.mu.Unlock()
}

func (s *Store) dropLocked(ns *Namespace) {
	if !ns.dropped {
		ns.dropped = true
		s.bud.used -= ns.bytes
		ns.bytes = 0
	}
}

// MemoryUsed returns the bytes the budget counts now (Config.MaxBytes).
func (s *Store) MemoryUsed() int64 {
	s.bud.mu.Lock()
	defer s.bud.mu.Unlock()
	return s.bud.used
}
