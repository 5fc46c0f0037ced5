package state_test

import (
	"encoding/json"
	"testing"

	"github.com/nebeus/nebeus-contract/mockserver/state"
)

func TestJournal(t *testing.T) {
	tests := []struct {
		size, appends int
		want          []int // statuses, oldest first
	}{
		{size: 3, appends: 0, want: nil},
		{size: 3, appends: 2, want: []int{0, 1}},
		{size: 3, appends: 3, want: []int{0, 1, 2}},
		{size: 3, appends: 4, want: []int{1, 2, 3}},
		{size: 3, appends: 10, want: []int{7, 8, 9}},
		{size: 1, appends: 5, want: []int{4}},
		{size: 0, appends: 5, want: nil},
	}
	for _, tt := range tests {
		j := state.NewJournal(tt.size)
		for i := range tt.appends {
			j.Append(state.Entry{Status: i, Operation: "signin"})
		}
		got := j.Entries()
		if len(got) != len(tt.want) || j.Len() != len(tt.want) {
			t.Errorf("size %d, %d appends: %d entries, want %d", tt.size, tt.appends, len(got), len(tt.want))
			continue
		}
		for i, e := range got {
			if e.Status != tt.want[i] {
				t.Errorf("size %d, %d appends: entry %d status %d, want %d", tt.size, tt.appends, i, e.Status, tt.want[i])
			}
		}
		j.Clear()
		if len(j.Entries()) != 0 {
			t.Error("entries after Clear")
		}
		j.Append(state.Entry{Status: 42})
		if e := j.Entries(); tt.size > 0 && (len(e) != 1 || e[0].Status != 42) {
			t.Errorf("after Clear and Append: %+v", e)
		}
	}
}

func TestNamespaceJournalSize(t *testing.T) {
	ns := mustNamespace(t, mustStore(t, state.Config{JournalSize: 2}), "n")
	for i := range 3 {
		ns.Journal().Append(state.Entry{Status: i, Namespace: ns.Name()})
	}
	if e := ns.Journal().Entries(); len(e) != 2 || e[0].Status != 1 || e[1].Namespace != "n" {
		t.Errorf("entries = %+v", e)
	}
}

func TestEntryJSON(t *testing.T) {
	e := state.Entry{
		Operation:  "signup",
		Request:    json.RawMessage(`{"jsonrpc":"2.0"}`),
		Status:     200,
		Response:   json.RawMessage(`[]`),
		Violations: []state.Violation{{Pointer: "/params/login", Message: "not an email", Decision: "S5"}},
	}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	for _, k := range []string{"time", "operation", "request", "status", "response", "violations", "namespace"} {
		if _, ok := m[k]; !ok {
			t.Errorf("no %q in %s", k, b)
		}
	}
	v := m["violations"].([]any)[0].(map[string]any)
	if v["pointer"] != "/params/login" || v["decision"] != "S5" || v["message"] != "not an email" {
		t.Errorf("violation JSON %v", v)
	}
}
