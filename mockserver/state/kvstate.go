package state

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// kvAccount is an account as a backend stores it: never the password, only
// its salt and HMAC (M4).
type kvAccount struct {
	Login       string `json:"l"`
	Name        string `json:"n"`
	Surname     string `json:"s"`
	Lang        string `json:"g"`
	Country     int    `json:"c"`
	Timezone    *int   `json:"tz,omitempty"`
	Salt        []byte `json:"salt"`
	Hash        []byte `json:"hash"`
	DeviceType  *int   `json:"dt,omitempty"`
	Identifier  string `json:"id,omitempty"`
	AppVersion  string `json:"av,omitempty"`
	DeviceModel string `json:"dm,omitempty"`
	DeviceOS    string `json:"do,omitempty"`
}

func (a *kvAccount) view(uid int, defaultTZ string) Account {
	out := Account{UID: uid, Login: a.Login, Name: a.Name, Surname: a.Surname, Country: a.Country,
		Lang: a.Lang, TZ: defaultTZ, Timezone: a.Timezone, DeviceType: a.DeviceType,
		Identifier: a.Identifier, AppVersion: a.AppVersion, DeviceModel: a.DeviceModel, DeviceOS: a.DeviceOS}
	if a.Timezone != nil {
		out.TZ = ZoneName(a.Timezone, defaultTZ)
	}
	return out
}

// kvSession is a session as a backend stores it. Expiry is decided by
// LastSeen and the Store's clock (M3), the same on every store; a
// backend's own TTL only collects what the clock has expired already.
type kvSession struct {
	UID      int    `json:"u"`
	Login    string `json:"l"`
	Created  int64  `json:"c"`
	LastSeen int64  `json:"s"`
}

func (s *kvSession) session(id string) Session {
	return Session{ID: id, UID: s.UID, Login: s.Login, Created: time.Unix(0, s.Created).UTC(), LastSeen: time.Unix(0, s.LastSeen).UTC()}
}

func (s *Store) backendErr(op string, err error) {
	if err != nil && s.cfg.OnError != nil && !errors.Is(err, ErrDown) { // ErrDown: told once, by OnAvailability
		s.cfg.OnError(fmt.Errorf("state: %s: %w", op, err))
	}
}

func (ns *Namespace) seedN() int { return int(ns.accounts.n) }

func (ns *Namespace) kvSignup(in NewAccount, salt [16]byte, sum [32]byte) (Account, error) {
	key := loginKey(in.Login)
	if _, dup := ns.accounts.index[key]; dup { // a fixture account (read-only in this mode)
		return Account{}, ErrDuplicateLogin
	}
	cfg := &ns.store.cfg
	rec := kvAccount{Login: in.Login, Name: in.Name, Surname: in.Surname, Lang: in.Language, Country: in.Country,
		Timezone: in.Timezone, Salt: salt[:], Hash: sum[:], DeviceType: in.DeviceType,
		Identifier: in.Identifier, AppVersion: in.AppVersion, DeviceModel: in.DeviceModel, DeviceOS: in.DeviceOS}
	if rec.Lang == "" {
		rec.Lang = cfg.DefaultLang
	}
	b, _ := json.Marshal(&rec)
	n, err := ns.store.kv.insertAccount(nsKey(kindAccount, ns.name)+key, nsKey(kindCounter, ns.name), nsKey(kindUID, ns.name), b)
	if err != nil {
		return Account{}, fmt.Errorf("state: signup: %w", err)
	}
	if n == 0 {
		return Account{}, ErrDuplicateLogin
	}
	return rec.view(FirstUID+ns.seedN()+int(n)-1, cfg.DefaultTZ), nil
}

// decodeAccount reads "16 hex digits of n, then JSON".
func decodeAccount(b []byte) (int64, *kvAccount, bool) {
	if len(b) < 16 {
		return 0, nil, false
	}
	n, err := strconv.ParseInt(string(b[:16]), 16, 64)
	if err != nil {
		return 0, nil, false
	}
	var a kvAccount
	if json.Unmarshal(b[16:], &a) != nil {
		return 0, nil, false
	}
	return n, &a, true
}

// kvAccountByKey returns a signed-up (not fixture) account by login key.
func (ns *Namespace) kvAccountByKey(key string) (int, *kvAccount, bool, error) {
	b, ok, err := ns.store.kv.get(nsKey(kindAccount, ns.name) + key)
	return ns.kvAccountFrom(b, ok, err)
}

// kvAccountFrom is the account a read of its key answered. A failed read
// or a value that does not decode is an error, never "no such account"
// (issue 19: an outage must not read as a wrong password).
func (ns *Namespace) kvAccountFrom(b []byte, ok bool, err error) (int, *kvAccount, bool, error) {
	if err != nil {
		return 0, nil, false, fmt.Errorf("state: account: %w", err)
	}
	if !ok {
		return 0, nil, false, nil
	}
	n, a, ok := decodeAccount(b)
	if !ok {
		return 0, nil, false, fmt.Errorf("state: account: %w: a stored account does not decode", ErrCorrupt)
	}
	return FirstUID + ns.seedN() + int(n) - 1, a, true, nil
}

func (ns *Namespace) kvAuthenticate(uid int, a *kvAccount, ok bool, password string) (Account, bool) {
	h := ns.store.hasher
	if !ok || len(a.Salt) != 16 || len(a.Hash) != 32 {
		h.check(&h.dummySalt, &h.dummyHash, password)
		return Account{}, false
	}
	salt, want := [16]byte(a.Salt), [32]byte(a.Hash)
	if !h.check(&salt, &want, password) {
		return Account{}, false
	}
	return a.view(uid, ns.store.cfg.DefaultTZ), true
}

func (ns *Namespace) kvLookup(key string) (Account, bool, error) {
	uid, a, ok, err := ns.kvAccountByKey(key)
	if !ok {
		return Account{}, false, err
	}
	return a.view(uid, ns.store.cfg.DefaultTZ), true, nil
}

func (ns *Namespace) kvLookupUID(uid int) (Account, bool) {
	n := uid - FirstUID - ns.seedN() + 1
	if n < 1 {
		return Account{}, false
	}
	key, ok, err := ns.store.kv.get(nsKey(kindUID, ns.name) + strconv.Itoa(n))
	ns.store.backendErr("account by uid", err)
	if !ok {
		return Account{}, false
	}
	k, _ := strings.CutPrefix(string(key), nsKey(kindAccount, ns.name))
	a, ok, err := ns.kvLookup(k)
	ns.store.backendErr("account by uid", err)
	return a, ok
}

func (ns *Namespace) kvAccounts() []AccountView {
	pairs, err := ns.store.kv.scan(nsKey(kindAccount, ns.name))
	ns.store.backendErr("accounts", err)
	type acc struct {
		n int64
		a *kvAccount
	}
	var all []acc
	for _, p := range pairs {
		if n, a, ok := decodeAccount(p.val); ok {
			all = append(all, acc{n, a})
		}
	}
	slices.SortFunc(all, func(x, y acc) int { return int(x.n - y.n) })
	out := make([]AccountView, 0, ns.seedN()+len(all))
	for i := range ns.seedN() {
		out = append(out, ns.accounts.view(int32(i), ns.store.cfg.DefaultTZ))
	}
	for _, a := range all {
		out = append(out, a.a.view(FirstUID+ns.seedN()+int(a.n)-1, ns.store.cfg.DefaultTZ))
	}
	return out
}

func (ns *Namespace) kvNumAccounts() int {
	b, ok, err := ns.store.kv.get(nsKey(kindCounter, ns.name))
	ns.store.backendErr("accounts", err)
	n := 0
	if ok {
		n, _ = strconv.Atoi(strings.TrimSpace(string(b)))
	}
	return ns.seedN() + n
}

func (ns *Namespace) sessionKey(id string) string { return nsKey(kindSession, ns.name) + id }

// sessionTTL is how long a backend keeps an unused session: past the idle
// timeout, so the clock decides expiry (M3) and the backend only collects.
func (ns *Namespace) sessionTTL() time.Duration { return ns.store.cfg.IdleTimeout + time.Minute }

func (ns *Namespace) kvStartSession(uid int, login string) (Session, error) {
	now := ns.store.cfg.Now()
	id := randomHex(SessionIDBytes)
	rec := kvSession{UID: uid, Login: login, Created: now.UnixNano(), LastSeen: now.UnixNano()}
	b, _ := json.Marshal(&rec)
	if err := ns.store.kv.put(ns.sessionKey(id), b, ns.sessionTTL()); err != nil {
		return Session{}, fmt.Errorf("state: session: %w", err)
	}
	return rec.session(id), nil
}

func (ns *Namespace) kvSession(id string, touch bool) (Session, SessionStatus, error) {
	key := ns.sessionKey(id)
	b, ok, err := ns.store.kv.get(key)
	if err != nil {
		return Session{}, SessionUnknown, fmt.Errorf("state: session: %w", err)
	}
	if !ok {
		return Session{}, SessionUnknown, nil
	}
	var rec kvSession
	if json.Unmarshal(b, &rec) != nil {
		return Session{}, SessionUnknown, fmt.Errorf("state: session: %w: a stored session does not decode", ErrCorrupt)
	}
	now := ns.store.cfg.Now()
	if now.Sub(time.Unix(0, rec.LastSeen)) > ns.store.cfg.IdleTimeout {
		return Session{}, SessionExpired, nil
	}
	if touch && now.UnixNano() > rec.LastSeen {
		rec.LastSeen = now.UnixNano()
		b, _ = json.Marshal(&rec)
		ns.store.backendErr("session", ns.store.kv.put(key, b, ns.sessionTTL()))
	}
	return rec.session(id), SessionLive, nil
}

func (ns *Namespace) kvEndSession(id string) (bool, error) {
	_, st, err := ns.kvSession(id, false)
	if err == nil {
		err = ns.store.kv.del(ns.sessionKey(id))
	}
	if err != nil {
		return false, fmt.Errorf("state: logout: %w", err)
	}
	return st == SessionLive, nil
}

// kvSessions lists the live sessions, least recently used first, and
// deletes the expired ones it meets (Redis collects them too: sessionTTL).
func (ns *Namespace) kvSessions(now time.Time) []SessionView {
	prefix := nsKey(kindSession, ns.name)
	pairs, err := ns.store.kv.scan(prefix)
	ns.store.backendErr("sessions", err)
	var out []SessionView
	var dead []string
	for _, p := range pairs {
		var rec kvSession
		if json.Unmarshal(p.val, &rec) != nil {
			continue
		}
		if now.Sub(time.Unix(0, rec.LastSeen)) > ns.store.cfg.IdleTimeout {
			dead = append(dead, p.key)
			continue
		}
		s := rec.session(strings.TrimPrefix(p.key, prefix))
		out = append(out, SessionView{ID: redact(s.ID), UID: s.UID, Login: s.Login, Created: s.Created, LastSeen: s.LastSeen})
	}
	if len(dead) > 0 {
		ns.store.backendErr("sweep", ns.store.kv.del(dead...))
	}
	slices.SortFunc(out, func(a, b SessionView) int { return a.LastSeen.Compare(b.LastSeen) })
	return out
}

func (ns *Namespace) kvRequestReset(m OutboxMessage) error {
	b, _ := json.Marshal(&m)
	if err := ns.store.kv.push(nsKey(kindOutbox, ns.name), b, ns.store.cfg.OutboxSize); err != nil {
		return fmt.Errorf("state: outbox: %w", err)
	}
	return nil
}

func (ns *Namespace) kvOutbox() []OutboxMessage {
	items, err := ns.store.kv.list(nsKey(kindOutbox, ns.name))
	ns.store.backendErr("outbox", err)
	out := make([]OutboxMessage, 0, len(items))
	for _, b := range items {
		var m OutboxMessage
		if json.Unmarshal(b, &m) == nil {
			out = append(out, m)
		}
	}
	return out
}

// kvTouchNamespace records that name is in use, at most once a second per
// process, so a busy namespace costs no write per request.
func (s *Store) kvTouchNamespace(ns *Namespace, now time.Time) {
	last := ns.lastUsed.Load()
	if now.UnixNano()-last < int64(time.Second) && last != 0 {
		return
	}
	ns.lastUsed.Store(now.UnixNano())
	s.backendErr("namespace", s.kv.put(kindNS+sep+ns.name+sep, []byte(strconv.FormatInt(now.UnixNano(), 10)), 0))
}

// kvAdmit makes room for namespace name in the backend when it is new
// there: past Config.MaxNamespaces, the namespace whose last use any
// replica recorded longest ago (never the default) is reset. Replicas
// admitting at the same moment may overshoot the bound by one each.
func (s *Store) kvAdmit(name string) {
	pairs, err := s.kv.scan(kindNS + sep)
	s.backendErr("namespaces", err)
	var (
		victim string
		oldest int64
	)
	for _, p := range pairs {
		n := strings.TrimSuffix(strings.TrimPrefix(p.key, kindNS+sep), sep)
		if n == name {
			return
		}
		t, _ := strconv.ParseInt(string(p.val), 10, 64)
		if n != "" && (victim == "" || t < oldest) {
			victim, oldest = n, t
		}
	}
	if len(pairs) >= s.cfg.MaxNamespaces && victim != "" {
		s.kvReset(victim)
		s.evictions.Add(1)
	}
}

func (s *Store) kvNamespaces() []string {
	pairs, err := s.kv.scan(kindNS + sep)
	s.backendErr("namespaces", err)
	var names []string
	for _, p := range pairs {
		names = append(names, strings.TrimSuffix(strings.TrimPrefix(p.key, kindNS+sep), sep))
	}
	return names
}

func (s *Store) kvReset(name string) {
	for _, k := range nsKinds {
		s.backendErr("reset", s.kv.delPrefix(nsKey(k, name)))
	}
	s.backendErr("reset", s.kv.del(kindNS+sep+name+sep))
}

func (s *Store) kvResetAll() {
	for _, k := range append(slices.Clone(nsKinds), kindNS) {
		s.backendErr("reset", s.kv.delPrefix(k+sep))
	}
}

// kvHasherKey returns the HMAC key every process sharing the backend uses,
// creating it on first use: hashes stored by one replica, or before a
// restart, must check in another (M4: the key never leaves the store).
func kvHasherKey(kv backend) ([]byte, error) {
	key := make([]byte, 32)
	copy(key, randomBytes(32))
	if _, err := kv.insert(keyHasherKey, []byte(hex.EncodeToString(key))); err != nil {
		return nil, err
	}
	b, ok, err := kv.get(keyHasherKey)
	if err != nil || !ok {
		return nil, fmt.Errorf("state: hmac key: %v", err)
	}
	out, err := hex.DecodeString(string(b))
	if err != nil || len(out) != 32 {
		return nil, fmt.Errorf("state: hmac key in the store is damaged")
	}
	return out, nil
}

// Faults. The mock's fault table (mockserver/faults.go) keeps them here when
// the store has a backend, so that every replica injects the same ones.

// HasBackend reports whether the store is durable or shared (file:, redis:)
// rather than this process's memory.
func (s *Store) HasBackend() bool { return s.kv != nil }

// UpdateFault replaces the fault of op in namespace ns by f(old) atomically;
// f returns nil to remove it. Only with a backend.
func (s *Store) UpdateFault(ns, op string, f func(old []byte, ok bool) []byte) error {
	return s.kv.update(nsKey(kindFault, ns)+op, f)
}

// Faults returns the faults of namespace ns by operation. Only with a backend.
func (s *Store) Faults(ns string) map[string][]byte {
	pairs, err := s.kv.scan(nsKey(kindFault, ns))
	s.backendErr("faults", err)
	out := make(map[string][]byte, len(pairs))
	for _, p := range pairs {
		out[strings.TrimPrefix(p.key, nsKey(kindFault, ns))] = p.val
	}
	return out
}

// ClearFaults removes the faults of namespace ns (of op only, when not "")
// and returns how many it removed. Only with a backend.
func (s *Store) ClearFaults(ns, op string) int {
	if op != "" {
		_, ok, _ := s.kv.get(nsKey(kindFault, ns) + op)
		s.backendErr("faults", s.kv.del(nsKey(kindFault, ns)+op))
		return boolInt(ok)
	}
	n := len(s.Faults(ns))
	s.backendErr("faults", s.kv.delPrefix(nsKey(kindFault, ns)))
	return n
}

// ClearAllFaults removes every namespace's faults. Only with a backend.
func (s *Store) ClearAllFaults() {
	s.backendErr("faults", s.kv.delPrefix(kindFault+sep))
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Report hands err, a store failure a caller chose to ignore, to
// Config.OnError.
func (s *Store) Report(err error) { s.backendErr("store", err) }
