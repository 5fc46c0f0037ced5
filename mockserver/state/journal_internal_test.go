package state

import (
	"strings"
	"testing"
)

// TestJournalBudgetIsExactWhenItWraps: a full journal that drops its
// oldest entry for each new one (charged the difference in one call)
// leaves the budget holding exactly the entries it keeps.
func TestJournalBudgetIsExactWhenItWraps(t *testing.T) {
	s, err := New(Config{JournalSize: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ns, err := s.Namespace("team")
	if err != nil {
		t.Fatal(err)
	}
	before := s.MemoryUsed()
	for i := range 20 {
		ns.Journal().Append(Entry{Operation: "op", Request: []byte(strings.Repeat("x", (i*37)%200))})
	}
	var kept int64
	for _, e := range ns.Journal().Entries() {
		kept += entrySize(&e)
	}
	if len(ns.Journal().Entries()) != 3 {
		t.Fatalf("%d entries kept", len(ns.Journal().Entries()))
	}
	if got := s.MemoryUsed() - before; got != kept {
		t.Errorf("the budget counts %d bytes for the journal, its entries hold %d", got, kept)
	}
}
