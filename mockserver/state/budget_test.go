package state_test

import (
	"encoding/json"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/nebeus/nebeus-contract/mockserver/state"
)

// TestMemoryBudgetAcrossNamespaces: journals, accounts, sessions and
// outboxes spread over many namespaces stay within Config.MaxBytes in
// total; idle namespaces are evicted to make room, the default namespace
// keeps its state, and a reset gives every byte back.
func TestMemoryBudgetAcrossNamespaces(t *testing.T) {
	const budget = 256 << 10
	clock := newClock()
	s := mustStore(t, state.Config{MaxBytes: budget, Now: clock.Now})
	def := mustNamespace(t, s, "")
	kept, err := def.Signup(newAccount("kept@example.com"))
	if err != nil {
		t.Fatal(err)
	}
	body := json.RawMessage(`"` + strings.Repeat("x", 8<<10) + `"`)
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Go(func() {
			for i := range 50 {
				name := fmt.Sprintf("team-%d-%d", w, i)
				ns, err := s.Namespace(name)
				if err != nil {
					t.Error(err)
					return
				}
				for j := range 5 {
					ns.Journal().Append(state.Entry{Operation: "signup", Request: body, Namespace: name})
					if a, err := ns.Signup(newAccount(fmt.Sprintf("u%d@example.com", j))); err == nil {
						ns.StartSession(a.UID)
						ns.RequestReset(a.Login)
					}
				}
				if used := s.MemoryUsed(); used > budget {
					t.Errorf("%d bytes in use, budget %d", used, budget)
				}
			}
		})
	}
	wg.Wait()
	if used := s.MemoryUsed(); used <= 0 || used > budget {
		t.Errorf("%d bytes in use, want 1..%d", used, budget)
	}
	if s.Evictions() == 0 {
		t.Error("no namespace was evicted")
	}
	if n := len(s.Namespaces()); n >= 200 {
		t.Errorf("%d namespaces kept past the budget", n)
	}
	if _, ok := mustNamespace(t, s, "").Authenticate("kept@example.com", "password-123"); !ok {
		t.Errorf("the default namespace lost account %d", kept.UID)
	}
	// One namespace alone: its journal drops its own oldest entries.
	for range 100 {
		def.Journal().Append(state.Entry{Operation: "signin", Request: body})
	}
	if used := s.MemoryUsed(); used > budget {
		t.Errorf("%d bytes in use after filling one journal", used)
	}
	if n := def.Journal().Len(); n == 0 || n >= 100 {
		t.Errorf("default journal holds %d entries, want the newest that fit", n)
	}
	s.ResetAll()
	if used := s.MemoryUsed(); used != 0 {
		t.Errorf("%d bytes still counted after ResetAll", used)
	}
}

func TestMemoryBudgetRefusesSignupWhenSpent(t *testing.T) {
	s := mustStore(t, state.Config{MaxBytes: 4 << 10})
	ns := mustNamespace(t, s, "")
	var full bool
	for i := range 100 {
		in := newAccount(fmt.Sprintf("user%d@example.com", i))
		in.Identifier = strings.Repeat("d", 200)
		if _, err := ns.Signup(in); err != nil {
			if !strings.Contains(err.Error(), "budget") {
				t.Fatalf("signup %d: %v", i, err)
			}
			full = true
			break
		}
	}
	if !full || s.MemoryUsed() > 4<<10 {
		t.Errorf("full %v, %d bytes used", full, s.MemoryUsed())
	}
	s.Reset("")
	if s.MemoryUsed() != 0 {
		t.Errorf("%d bytes after reset", s.MemoryUsed())
	}
	if _, err := mustNamespace(t, s, "").Signup(newAccount("again@example.com")); err != nil {
		t.Errorf("signup after reset: %v", err)
	}
}

// TestResetReleasesMemory: after a reset nothing holds the namespace's
// accounts any more; the heap they took comes back at the next collection.
func TestResetReleasesMemory(t *testing.T) {
	s := mustStore(t, state.Config{})
	ns := mustNamespace(t, s, "big")
	long := strings.Repeat("d", 1000)
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	for i := range 20000 {
		in := newAccount(fmt.Sprintf("user%d@example.com", i))
		in.Identifier, in.AppVersion, in.DeviceModel, in.DeviceOS = long+"1", long+"2", long+"3", long+"4"
		if _, err := ns.Signup(in); err != nil {
			t.Fatal(err)
		}
	}
	var full runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&full)
	grew := int64(full.HeapAlloc) - int64(before.HeapAlloc)
	if grew < 40<<20 {
		t.Fatalf("20,000 accounts of 4 KB grew the heap by only %d bytes", grew)
	}
	s.Reset("big")
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	if kept := int64(after.HeapAlloc) - int64(before.HeapAlloc); kept > grew/10 {
		t.Errorf("after the reset the heap holds %d of the %d bytes the accounts took", kept, grew)
	}
	if s.MemoryUsed() != 0 {
		t.Errorf("budget still counts %d bytes", s.MemoryUsed())
	}
}
