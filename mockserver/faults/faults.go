package faults

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nebeus/nebeus-contract/mockserver/ops"
	"github.com/nebeus/nebeus-contract/mockserver/state"
	"github.com/nebeus/nebeus-contract/mockserver/wire"
)

// Fault is a failure the control API injects into an operation of one
// namespace, for the next Count calls (0: until cleared). Delay is applied
// first; then Close drops the connection without an answer, or Status
// answers that 5xx, or Variant forces a documented variant (like Prefer,
// without touching state).
type Fault struct {
	Operation string   `json:"operation"`
	Variant   string   `json:"variant,omitempty"`
	Delay     Duration `json:"delay,omitempty"`
	Status    int      `json:"status,omitempty"`
	Close     bool     `json:"close,omitempty"`
	Count     int      `json:"count"`               // calls to affect; 0 until cleared
	Remaining int      `json:"remaining,omitempty"` // calls left when Count > 0
	Namespace string   `json:"namespace"`
}

// Duration is a time.Duration written as a Go duration string in JSON
// ("500ms"); a number is read as milliseconds.
type Duration time.Duration

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// MarshalJSON writes "500ms".
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads "500ms" or 500 (milliseconds), 0..ops.MaxDelay.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("delay: want a duration like \"500ms\" or a number of milliseconds")
		}
		s = n.String()
	}
	v, err := ops.ParseDelay(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// Table holds the faults of every namespace, one per operation: in
// the store when it has a backend (file:, redis://), so every replica
// injects the same faults and a count is shared; else in this map.
type Table struct {
	st *state.Store
	mu sync.Mutex
	m  map[string]map[string]*Fault // namespace -> operation -> fault
	// n counts the faults in m (recount, under mu), so that a request
	// finds there are none, the common case, without taking mu.
	n atomic.Int64
}

// recount refreshes n; t.mu is held.
func (t *Table) recount() {
	var n int64
	for _, ops := range t.m {
		n += int64(len(ops))
	}
	t.n.Store(n)
}

// New makes the table of the store st: in st when it has a backend.
func New(st *state.Store) *Table {
	t := &Table{m: map[string]map[string]*Fault{}}
	if st.HasBackend() {
		t.st = st
	}
	return t
}

// Set replaces the fault of f's operation in f's namespace; err is the
// store's failure (state.Failure): then the fault may not be set.
func (t *Table) Set(f Fault) error {
	f.Remaining = f.Count
	if t.st != nil {
		b, _ := json.Marshal(f)
		return t.st.UpdateFault(f.Namespace, f.Operation, func([]byte, bool) []byte { return b })
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	ops := t.m[f.Namespace]
	if ops == nil {
		ops = map[string]*Fault{}
		t.m[f.Namespace] = ops
	}
	ops[f.Operation] = &f
	t.recount()
	return nil
}

// Lookup is a fault lookup started ahead (Table.Ahead): with a
// shared store, its read travels with the request's other reads.
type Lookup struct {
	t        *Table
	ns, op   string
	has      func() (bool, error) // nil: the memory table, looked up by take
	optional bool                 // the operation does not need the store
}

// Ahead starts looking up the fault of op in namespace ns; Take, on its
// answer, applies it. optional: the operation does not need the store
// otherwise (get_countries), so the lookup does not wait for it
// (state.Store.FaultAhead), and a store failure reads as no fault.
func (t *Table) Ahead(ns, op string, optional bool) Lookup {
	fc := Lookup{t: t, ns: ns, op: op, optional: optional}
	if t.st != nil {
		fc.has = t.st.FaultAhead(ns, op, optional)
	}
	return fc
}

// Take returns the fault in force for the call and counts the call; err
// is the store's failure (state.Failure), never with a fault.
func (fc Lookup) Take() (Fault, bool, error) {
	f, ok, err := fc.t.take(fc.ns, fc.op, fc.has)
	if err != nil && fc.optional {
		fc.t.st.Report(err)
		return Fault{}, false, nil
	}
	return f, ok, err
}

// take returns the fault in force for one call and counts the call; has
// answers whether the store holds one (read ahead; only with a store).
func (t *Table) take(ns, op string, has func() (bool, error)) (Fault, bool, error) {
	if t.st != nil {
		if ok, err := has(); !ok || err != nil {
			return Fault{}, false, err
		}
		var out Fault
		var found bool
		err := t.st.UpdateFault(ns, op, func(old []byte, ok bool) []byte {
			found = false
			if !ok || json.Unmarshal(old, &out) != nil {
				return nil
			}
			found = true
			if out.Count <= 0 {
				return old
			}
			f := out
			if f.Remaining--; f.Remaining <= 0 {
				return nil
			}
			b, _ := json.Marshal(f)
			return b
		})
		if err != nil { // out and found are not read: f may still run (state's guard.go)
			return Fault{}, false, err
		}
		return out, found, nil
	}
	if t.n.Load() == 0 {
		return Fault{}, false, nil
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	f, ok := t.m[ns][op]
	if !ok {
		return Fault{}, false, nil
	}
	out := *f
	if f.Count > 0 {
		f.Remaining--
		if f.Remaining <= 0 {
			delete(t.m[ns], op)
			t.recount()
		}
	}
	return out, true, nil
}

// List returns the faults of a namespace, by operation.
func (t *Table) List(ns string) []Fault {
	if t.st != nil {
		var out []Fault
		for _, b := range t.st.Faults(ns) {
			var f Fault
			if json.Unmarshal(b, &f) == nil {
				out = append(out, f)
			}
		}
		if out == nil {
			out = []Fault{}
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Operation < out[j].Operation })
		return out
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	out := make([]Fault, 0, len(t.m[ns]))
	for _, f := range t.m[ns] {
		out = append(out, *f)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Operation < out[j].Operation })
	return out
}

// Clear removes the faults of a namespace, of one operation when op != "".
func (t *Table) Clear(ns, op string) int {
	if t.st != nil {
		return t.st.ClearFaults(ns, op)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	defer t.recount()
	if op == "" {
		n := len(t.m[ns])
		delete(t.m, ns)
		return n
	}
	if _, ok := t.m[ns][op]; ok {
		delete(t.m[ns], op)
		return 1
	}
	return 0
}

// ClearAll removes every fault (a reset of all namespaces).
func (t *Table) ClearAll() {
	if t.st != nil {
		t.st.ClearAllFaults()
		return
	}
	t.mu.Lock()
	clear(t.m)
	t.recount()
	t.mu.Unlock()
}

// Check validates a fault against the contract's operations.
func Check(set *ops.Set, f *Fault) error {
	op, ok := set.ByID[f.Operation]
	if !ok {
		return fmt.Errorf("operation %s is not in the contract", wire.Echo(f.Operation))
	}
	if f.Variant != "" {
		if _, ok := op.Variant(f.Variant); !ok {
			return fmt.Errorf("%s has no variant %s (have %v)", f.Operation, wire.Echo(f.Variant), ops.VariantNames(op))
		}
	}
	if f.Status != 0 && (f.Status < 500 || f.Status > 599) {
		return fmt.Errorf("status %d: a fault answers a 5xx (500..599)", f.Status)
	}
	if f.Count < 0 {
		return fmt.Errorf("count %d: want 0 (until cleared) or more", f.Count)
	}
	if f.Variant == "" && f.Delay == 0 && f.Status == 0 && !f.Close {
		return fmt.Errorf("the fault does nothing: set variant, delay, status or close")
	}
	return nil
}

// Error is the JSON-RPC-style body of a fault's 5xx.
func Error(f Fault) *wire.Error {
	return &wire.Error{Status: f.Status, Code: wire.CodeInternalError,
		Message: "Internal error (fault injected by the mock: HTTP " + strconv.Itoa(f.Status) + " " + http.StatusText(f.Status) + ")"}
}

// CloseConnection drops the connection without an answer: hijacked and
// closed where the connection allows it (HTTP/1), else the handler is
// aborted, which net/http turns into a closed connection or reset stream.
func CloseConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		_ = conn.Close()
		return
	}
	panic(http.ErrAbortHandler)
}
