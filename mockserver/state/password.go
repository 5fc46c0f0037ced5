package state

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"hash"
	"sync"
)

// hasher computes HMAC-SHA256(key, salt || password) with a key drawn once
// per Store (M4; doc.go says why not bcrypt). HMAC states are pooled because
// keying one costs as much as hashing a short password.
type hasher struct {
	pool      sync.Pool
	dummySalt [16]byte // hashed against for unknown logins, so they take as long (S1)
	dummyHash [32]byte
}

func newHasher(key []byte) *hasher {
	if key == nil {
		key = randomBytes(32)
	}
	h := &hasher{}
	h.pool.New = func() any { return hmac.New(sha256.New, key) }
	rand.Read(h.dummySalt[:])
	rand.Read(h.dummyHash[:])
	return h
}

func (h *hasher) sum(salt *[16]byte, password string) [32]byte {
	m := h.pool.Get().(hash.Hash)
	m.Reset()
	m.Write(salt[:])
	m.Write([]byte(password))
	var out [32]byte
	m.Sum(out[:0])
	h.pool.Put(m)
	return out
}

// randomBytes returns n bytes from crypto/rand.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b) // never fails (Go 1.24+ crashes the program instead)
	return b
}

// newSecret returns a fresh salt and the hash of password under it.
func (h *hasher) newSecret(password string) (salt [16]byte, sum [32]byte) {
	rand.Read(salt[:])
	return salt, h.sum(&salt, password)
}

// check reports whether password hashes to want under salt, in time
// independent of where the hashes differ.
func (h *hasher) check(salt *[16]byte, want *[32]byte, password string) bool {
	got := h.sum(salt, password)
	return subtle.ConstantTimeCompare(got[:], want[:]) == 1
}
