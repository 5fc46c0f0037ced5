// Package state is the mock server's state: accounts, sessions, the
// password-reset outbox and the request journal, kept per namespace and safe
// for concurrent use. It knows nothing of HTTP; the mock's HTTP layer calls it.
//
// # Stores
//
// Config.Store says where accounts, sessions, the outbox, the namespaces
// and the mock's faults live: "memory" (the default: Go maps in this
// process), "file:PATH" (a bbolt file, bolt.go: kept across restarts and a
// SIGKILL) or "redis://HOST:PORT[/DB]" (redis.go: shared by every replica
// naming it). The file and Redis stores share one implementation of the
// rules (kvstate.go) over a small key-value surface (backend.go) whose
// writes are atomic where the contract needs it: a signup inserts its
// account only if the login's key is absent, in one bbolt transaction or
// one Redis script, so of N concurrent signups of one login on any number
// of replicas exactly one wins. The fixture accounts stay in each process
// (they are the same everywhere); session expiry is decided by the stored
// last use and Config.Now on every store, so idle expiry behaves alike (a
// Redis TTL only collects). The HMAC key of the passwords (M4) is kept in
// the store, so a hash written by one replica or before a restart checks
// in another; the password itself is never stored.
//
// A file store's writes share commits (groupcommit.go), and its sessions
// are held in this process like the memory store's and written behind to
// the file (sessionlog.go): bbolt lets one process open the file, so there
// is no other replica to see them. Redis keeps sessions for all replicas.
//
// The journal stays in each process, on every store: it is a live record
// of the requests this replica answered, written on every request, which
// the console streams; sharing it would cost a write to the store per
// request and order entries across replicas by nobody's clock.
//
// # Failures (issue 19)
//
// A file or Redis store is used through a guard (guard.go): every error is
// one of ErrUnavailable, ErrDeadline, ErrFull or ErrCorrupt (Failure), a
// Redis call returns within Config.Deadline whatever the client library
// does, and after a call that got no answer the store is marked down, its
// calls failing at once until a probe answers. The methods a request needs
// return the failure (AuthenticateRead, LookupErr, EndSessionErr,
// RequestResetErr, Signup, StartSessionFor), never "no such account" in
// its place. A file store is checked before bbolt maps it (boltcheck.go):
// a damaged file is ErrCorrupt at New and left untouched (Config.StartAnew
// moves it aside), a file another process holds is reported with its pid.
//
// # Memory budget
//
// Config.MaxBytes (default 256 MiB) bounds what all namespaces hold
// together in this process: accounts, sessions and outboxes of the memory
// store, the file store's sessions, and the journals of every store
// (budget.go). Past it, the idle
// namespaces unused for longest are evicted; then a journal or outbox
// drops its own oldest entries, a namespace its least recently used
// sessions, and a signup fails with ErrFull. A reset gives the bytes back
// and asks the runtime to return freed memory to the operating system.
//
// # Namespaces
//
// A request header names a namespace, so that test runs sharing one mock do
// not see each other's accounts. A [Store] holds the namespaces; each is
// created on first use by [Store.Namespace], seeded with the fixture accounts
// (Config.Accounts), and has its own accounts, sessions, outbox and journal.
// "" is the default namespace. Their number is bounded (Config.MaxNamespaces)
// so that a client inventing names cannot grow memory without limit: past
// the bound, the namespace unused for longest is evicted (never the default
// one), so new names never lock everyone out. [Store.Peek] reads a
// namespace without creating it, for requests the mock rejects and the
// control API's reads. [Store.Reset] and [Store.ResetAll] drop namespaces:
// the next [Store.Namespace] call builds a fresh one from the fixtures. A
// *Namespace obtained before a reset keeps working but is detached from the
// store, so callers look the namespace up for every request instead of
// caching it.
//
// # Accounts
//
// Logins are emails that compare case-insensitively (S1, S5): the account
// index is keyed by the lower-cased login, and the login is kept as first
// registered (it is signin's username, M1). uids are assigned in increasing
// order per namespace, from 100 (M3); a namespace's uids restart when it is
// reset. lang is signup's language as given ("en" stays "en", "en_US" stays
// "en_US"), or Config.DefaultLang (en_US) without one; tz is derived from
// signup's timezone where it is a whole number of hours (M1, see [ZoneName]).
//
// # Passwords (M4)
//
// Passwords are never stored in plain text. Each account keeps a 16-byte
// random salt (crypto/rand) and HMAC-SHA256(key, salt || password), where key
// is 32 random bytes drawn when the [Store] is created and never leaves the
// process. The salt makes precomputed (rainbow) tables useless and equal
// passwords hash differently; the key means even a memory dump's hashes cannot
// be attacked offline without it.
//
// A deliberately slow hash (bcrypt, scrypt, argon2) is what a real service
// would use, and is wrong here: this is a mock holding test accounts, whose
// signin throughput goal is at least 40% of a bare net/http handler, that is
// tens of microseconds per request, where bcrypt at cost 10 alone takes about
// 50 ms. The threat a slow hash answers, an attacker cracking a stolen hash
// database offline, does not apply to a process that holds throwaway test
// credentials in memory only; what does apply, a password ending up in a log,
// a dump or a listing, is prevented by never keeping it. HMAC-SHA256 over a
// short password takes well under a microsecond. Hashes are compared with
// crypto/subtle, and an unknown login is hashed against a dummy salt too, so
// signin takes about as long whether the account exists or not (S1: nobody
// can tell which accounts exist).
//
// # Memory
//
// The goal is under 400 bytes per stored account with a million accounts.
// Accounts live in chunked slices of a compact struct (strings only for the
// login, names and language; the hash and salt as fixed arrays; small ints),
// indexed by a single map from lower-cased login to an int32 position; the
// uid is the position plus 100, so it needs no storage. The optional device
// fields of signup are kept in a side slice, so accounts without them pay 4
// bytes. BenchmarkMemoryPerAccount measures it.
//
// # Sessions (S2, M3)
//
// Every signin starts a new session whose id is 128 bits from crypto/rand,
// hex-encoded (32 characters). A session expires after Config.IdleTimeout
// without use. Sessions sit in a list ordered by last use, so expired ones
// are swept lazily from its front on every session operation, in time
// proportional to what is removed, with no goroutine or ticker to stop.
// Config.MaxSessions bounds each namespace; past it, the least recently used
// session is ended.
//
// # Reset outbox (S4) and journal
//
// [Namespace.RequestReset] records a message with a random token for an
// existing account and nothing for an unknown login; the HTTP layer answers
// success either way (S4). The outbox and the [Journal] of requests are
// bounded ring buffers (Config.OutboxSize, Config.JournalSize) that drop the
// oldest entry when full.
package state
