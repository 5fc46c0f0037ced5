package state

import (
	"encoding/json"
	"sync"
	"time"
)

// Violation is one way a request or response broke the contract, as the
// mock's checks report it.
type Violation struct {
	Pointer  string `json:"pointer"`  // JSON Pointer into the checked document
	Message  string `json:"message"`  // what is wrong
	Decision string `json:"decision"` // the contract decision broken, e.g. "S5"
}

// Entry is one request the mock answered.
type Entry struct {
	Time       time.Time       `json:"time"`
	Operation  string          `json:"operation"`
	Request    json.RawMessage `json:"request"`
	Status     int             `json:"status"`
	Response   json.RawMessage `json:"response"`
	Violations []Violation     `json:"violations,omitempty"`
	Namespace  string          `json:"namespace"`

	// Seq numbers the entries of one journal from 1, in append order
	// (Append sets it); a reader resumes after the last Seq it saw.
	Seq uint64 `json:"seq"`
	// Origin is the browser origin that sent the request ("" for none).
	Origin string `json:"origin,omitempty"`
	// Carrier is how a session arrived (S2): "cookie", "header", "params",
	// several joined by "+", or "none".
	Carrier string `json:"carrier,omitempty"`
	// Session is what the mock knew of the session that arrived: "known",
	// "unknown" or "expired"; "" when none arrived.
	Session string `json:"session,omitempty"`
	// Hint says why a session that should have arrived did not, and how to
	// fix it; nil when nothing looks wrong.
	Hint *Hint `json:"hint,omitempty"`
}

// Hint is advice attached to a journal entry: a stable code a program can
// match, and a message for people.
type Hint struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Journal is a bounded ring buffer of entries, safe for concurrent use:
// appending to a full journal drops the oldest entry, so memory stays bounded
// however long the mock runs. Entries are stored as given; callers must not
// modify an entry's byte slices after appending it.
type Journal struct {
	mu  sync.Mutex
	r   ring[Entry]
	seq uint64 // entries ever appended; Clear keeps counting

	// The namespace's share of the memory budget (budget.go); nil for a
	// journal of its own (NewJournal).
	charge func(int64) bool
	refund func(int64)
}

// NewJournal returns an empty journal holding at most size entries (none
// when size <= 0).
func NewJournal(size int) *Journal {
	return &Journal{r: ring[Entry]{size: size}}
}

// Append adds e, dropping the oldest entry when the journal is full.
// Past the memory budget it drops its own oldest entries to make room, and
// an entry that cannot fit even then is not kept (its Seq still counts).
func (j *Journal) Append(e Entry) {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.seq++
	e.Seq = j.seq
	if j.charge != nil {
		n := entrySize(&e)
		if j.r.size > 0 && len(j.r.buf) == j.r.size && j.charge(n-entrySize(&j.r.buf[j.r.start])) {
			// Full, the common case: the push drops the oldest entry,
			// and the budget takes the difference in one call.
			j.r.push(e)
			return
		}
		for !j.charge(n) {
			old, ok := j.r.popOldest()
			if !ok {
				return
			}
			j.refund(entrySize(&old))
		}
	}
	if old, dropped := j.r.push(e); dropped && j.refund != nil {
		j.refund(entrySize(&old))
	}
}

// Entries returns the entries, oldest first.
func (j *Journal) Entries() []Entry {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.r.items()
}

// Len returns the number of entries.
func (j *Journal) Len() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.r.buf)
}

// Clear empties the journal.
func (j *Journal) Clear() {
	j.mu.Lock()
	if j.refund != nil {
		var n int64
		for i := range j.r.buf {
			n += entrySize(&j.r.buf[i])
		}
		j.refund(n)
	}
	j.r.clear()
	j.mu.Unlock()
}

// After returns the entries still held whose Seq is greater than seq,
// oldest first, and the last Seq appended (seq itself when nothing was). A
// reader that fell behind by more than the journal holds gets what is held:
// memory stays bounded by the journal's size whatever the reader does.
func (j *Journal) After(seq uint64) ([]Entry, uint64) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.seq <= seq {
		return nil, max(seq, j.seq)
	}
	n := min(int(j.seq-seq), len(j.r.buf))
	items := j.r.items()
	return items[len(items)-n:], j.seq
}
