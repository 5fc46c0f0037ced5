package state_test

import (
	"testing"

	"github.com/nebeus/nebeus-contract/mockserver/state"
)

func TestJournalAfterResumesAndStaysBounded(t *testing.T) {
	j := state.NewJournal(3)
	if got, last := j.After(0); len(got) != 0 || last != 0 {
		t.Fatalf("empty journal: %v %d", got, last)
	}
	for i := 0; i < 5; i++ {
		j.Append(state.Entry{Operation: string(rune('a' + i))})
	}
	got, last := j.After(0) // fell behind by more than the journal holds
	if last != 5 || len(got) != 3 || got[0].Seq != 3 || got[2].Seq != 5 {
		t.Fatalf("After(0) = %+v, %d; want seqs 3..5 and 5", got, last)
	}
	got, last = j.After(4)
	if len(got) != 1 || got[0].Operation != "e" || last != 5 {
		t.Fatalf("After(4) = %+v, %d", got, last)
	}
	if got, last = j.After(5); len(got) != 0 || last != 5 {
		t.Fatalf("After(5) = %+v, %d", got, last)
	}
	j.Clear()
	j.Append(state.Entry{Operation: "f"})
	if got, last = j.After(5); len(got) != 1 || got[0].Seq != 6 || last != 6 {
		t.Fatalf("after Clear: %+v, %d; Seq keeps counting", got, last)
	}
}
