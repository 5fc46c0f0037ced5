package faults_test

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nebeus/nebeus-contract/mockserver/faults"
	"github.com/nebeus/nebeus-contract/mockserver/ops"
	"github.com/nebeus/nebeus-contract/mockserver/state"
)

// A fault's delay is written as a Go duration and read as one or as
// milliseconds, within ops.MaxDelay.
func TestDurationJSON(t *testing.T) {
	for in, want := range map[string]time.Duration{`"500ms"`: 500 * time.Millisecond, `250`: 250 * time.Millisecond, `"0s"`: 0} {
		var d faults.Duration
		if err := json.Unmarshal([]byte(in), &d); err != nil || d.D() != want {
			t.Errorf("%s read as %v, %v; want %v", in, d.D(), err, want)
		}
	}
	for _, in := range []string{`"soon"`, `-5`, `true`, `"` + (ops.MaxDelay + time.Second).String() + `"`} {
		var d faults.Duration
		if err := json.Unmarshal([]byte(in), &d); err == nil {
			t.Errorf("%s read as %v; want an error", in, d.D())
		}
	}
	if b, err := json.Marshal(faults.Duration(1500 * time.Millisecond)); err != nil || string(b) != `"1.5s"` {
		t.Errorf("1.5s written as %s, %v", b, err)
	}
}

// The table counts a fault's calls down and drops it after the last, keeps
// one of count 0 until cleared, and keeps namespaces and operations apart:
// the same in memory and in a store with a backend (a file here), where
// every replica shares the count.
func TestTableCountsCallsPerNamespace(t *testing.T) {
	for name, spec := range map[string]string{"memory": "", "file": "file:" + filepath.Join(t.TempDir(), "state.db")} {
		t.Run(name, func(t *testing.T) {
			st, err := state.New(state.Config{Store: spec})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			if st.HasBackend() != (spec != "") {
				t.Fatalf("store %q: backend %v", spec, st.HasBackend())
			}
			tb := faults.New(st)
			take := func(ns, op string) (faults.Fault, bool) {
				t.Helper()
				f, ok, err := tb.Ahead(ns, op, false).Take()
				if err != nil {
					t.Fatal(err)
				}
				return f, ok
			}
			if _, ok := take("a", "op1"); ok {
				t.Fatal("a fault before any was set")
			}
			for _, f := range []faults.Fault{
				{Namespace: "a", Operation: "op1", Status: 503, Count: 2},
				{Namespace: "a", Operation: "op2", Close: true},
				{Namespace: "b", Operation: "op1", Delay: faults.Duration(time.Millisecond), Count: 1},
			} {
				if err := tb.Set(f); err != nil {
					t.Fatal(err)
				}
			}
			if l := tb.List("a"); len(l) != 2 || l[0].Operation != "op1" || l[0].Remaining != 2 || l[1].Operation != "op2" {
				t.Errorf("List(a) = %+v", l)
			}
			for i := range 2 {
				if f, ok := take("a", "op1"); !ok || f.Status != 503 {
					t.Fatalf("call %d of a/op1: %+v, %v; want the 503 fault", i+1, f, ok)
				}
			}
			if _, ok := take("a", "op1"); ok {
				t.Error("a/op1's fault outlived its count")
			}
			for range 3 {
				if f, ok := take("a", "op2"); !ok || !f.Close {
					t.Fatalf("a/op2 (count 0): %+v, %v; want it until cleared", f, ok)
				}
			}
			if f, ok := take("b", "op1"); !ok || f.Delay.D() != time.Millisecond {
				t.Errorf("b/op1: %+v, %v; want its own fault", f, ok)
			}
			if n := tb.Clear("a", ""); n != 1 {
				t.Errorf("Clear(a) cleared %d, want 1 (op2; op1 ran out)", n)
			}
			if _, ok := take("a", "op2"); ok {
				t.Error("a/op2 still faulty after Clear")
			}
			if err := tb.Set(faults.Fault{Namespace: "c", Operation: "op1", Status: 500}); err != nil {
				t.Fatal(err)
			}
			tb.ClearAll()
			if l := tb.List("c"); len(l) != 0 {
				t.Errorf("after ClearAll, List(c) = %+v", l)
			}
		})
	}
}

// A fault's 5xx names itself as the mock's, so nobody mistakes it for a
// bug of theirs.
func TestErrorSaysTheFaultIsInjected(t *testing.T) {
	e := faults.Error(faults.Fault{Status: 503})
	if e.Status != 503 || !strings.Contains(e.Message, "fault injected by the mock") || !strings.Contains(e.Message, "503 Service Unavailable") {
		t.Errorf("%+v", e)
	}
}
