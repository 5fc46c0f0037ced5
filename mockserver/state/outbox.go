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
// A store failure goes to Config.OnError here; RequestResetErr returns it.
func (ns *Namespace) RequestReset(login string) (OutboxMessage, bool) {
	m, ok, err := ns.RequestResetErr(login)
	ns.store.backendErr("outbox", err)
	return m, ok && err == nil
}

// RequestResetErr is RequestReset with the store's failure (errors.go),
// if any: then nothing was recorded.
func (ns *Namespace) RequestResetErr(login string) (OutboxMessage, bool, error) {
	a, ok, err := ns.LookupErr(login)
	if err != nil || !ok {
		return OutboxMessage{}, false, err
	}
	m := OutboxMessage{To: a.Login, Token: randomHex(16), Time: ns.store.cfg.Now()}
	if ns.store.kv != nil {
		if err := ns.kvRequestReset(m); err != nil {
			return OutboxMessage{}, false, err
		}
		return m, true, nil
	}
	ns.omu.Lock()
	defer ns.omu.Unlock()
	for !ns.store.charge(ns, outboxSize(&m)) {
		old, ok := ns.outbox.popOldest()
		if !ok {
			return m, true, nil // sent, not kept: the budget is spent
		}
		ns.store.refund(ns, outboxSize(&old))
	}
	if old, dropped := ns.outbox.push(m); dropped {
		ns.store.refund(ns, outboxSize(&old))
	}
	return m, true, nil
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
