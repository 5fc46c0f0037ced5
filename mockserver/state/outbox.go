package state

import (
	"crypto/rand"
	"encoding/hex"
	"time"
)

// OutboxMessage is a password-reset email the mock would have sent.
type OutboxMessage struct {
	To    string    `json:"to"`    // the account's login as registered
	Token string    `json:"token"` // 128 random bits, hex
	Time  time.Time `json:"time"`
}

// RequestReset records a reset message for the account with login
// (case-insensitively) and returns it. For an unknown login it records
// nothing and returns false; the HTTP layer answers success either way, so
// nobody can tell which accounts exist (S4). The outbox holds at most
// Config.OutboxSize messages, dropping the oldest.
func (ns *Namespace) RequestReset(login string) (OutboxMessage, bool) {
	a, ok := ns.Lookup(login)
	if !ok {
		return OutboxMessage{}, false
	}
	m := OutboxMessage{To: a.Login, Token: randomHex(16), Time: ns.store.cfg.Now()}
	if ns.store.kv != nil {
		ns.kvRequestReset(m)
		return m, true
	}
	ns.omu.Lock()
	defer ns.omu.Unlock()
	for !ns.store.charge(ns, outboxSize(&m)) {
		old, ok := ns.outbox.popOldest()
		if !ok {
			return m, true // sent, not kept: the budget is spent
		}
		ns.store.refund(ns, outboxSize(&old))
	}
	if old, dropped := ns.outbox.push(m); dropped {
		ns.store.refund(ns, outboxSize(&old))
	}
	return m, true
}

// Outbox returns the recorded reset messages, oldest first.
func (ns *Namespace) Outbox() []OutboxMessage {
	if ns.store.kv != nil {
		return ns.kvOutbox()
	}
	ns.omu.Lock()
	defer ns.omu.Unlock()
	return ns.outbox.items()
}

// randomHex returns n bytes from crypto/rand, hex-encoded.
func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails (Go 1.24+ crashes the program instead)
	return hex.EncodeToString(b)
}
