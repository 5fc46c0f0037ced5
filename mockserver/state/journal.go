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
}

// Journal is a bounded ring buffer of entries, safe for concurrent use:
// appending to a full journal drops the oldest entry, so memory stays bounded
// however long the mock runs. Entries are stored as given; callers must not
// modify an entry's byte slices after appending it.
type Journal struct {
	mu sync.Mutex
	r  ring[Entry]
}

// NewJournal returns an empty journal holding at most size entries (none
// when size <= 0).
func NewJournal(size int) *Journal {
	return &Journal{r: ring[Entry]{size: size}}
}

// Append adds e, dropping the oldest entry when the journal is full.
func (j *Journal) Append(e Entry) {
	j.mu.Lock()
	j.r.push(e)
	j.mu.Unlock()
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
	j.r.clear()
	j.mu.Unlock()
}
