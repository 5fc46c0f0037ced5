package conformance

import (
	"slices"
	"testing"
)

// TestFindingsGroupByRootCause: findings alike but for the run's own values
// (emails, passwords, ids) are one cause listing every spec; another got,
// pointer or kind of request is another cause; a spec failed without a
// finding is a cause of its own.
func TestFindingsGroupByRootCause(t *testing.T) {
	cookie := func(login string, id int) Finding {
		return Finding{Operation: "signin", Decision: "S2", Expected: "HttpOnly", Kind: "POST /signin/1.0/json",
			Got: "session_id=***; for " + login + " id " + itoa(id)}
	}
	specs := []failedSpec{
		{text: "S5 a", found: []Finding{cookie("nc-ab12cd34-1-17@example.com", 1017), cookie("nc-ab12cd34-1-17@example.com", 1019)}},
		{text: "S1 b", found: []Finding{cookie("NC-AB12CD34-2-9@EXAMPLE.COM", 2040)}},
		{text: "S2 c", found: []Finding{{Operation: "signin", Decision: "S2", Expected: "HttpOnly", Kind: "POST /signin/1.0/json", Got: "no cookie"}}},
		{text: "T1 d", found: []Finding{{Operation: "signin", Decision: "S2", Expected: "HttpOnly", Kind: "GET /signin/1.0/json", Got: "no cookie"}}},
		{text: "S3 e", op: "logout", dec: "S3", failure: "A node timeout occurred"},
		{text: "S2 f", found: []Finding{cookie("nc-ab12cd34-1-99@example.com", 5000)}},
	}
	causes, ids := groupCauses(specs, func(string) string { return "title" })
	if len(causes) != 4 {
		t.Fatalf("%d causes, want 4: %+v", len(causes), causes)
	}
	first := causes[0]
	if first.ID != "F1" || !slices.Equal(first.Specs, []string{"S5 a", "S1 b", "S2 f"}) || first.Occurrences != 4 || first.Title != "title" {
		t.Errorf("the cookie cause: %s %v (%d occurrences)", first.ID, first.Specs, first.Occurrences)
	}
	want := [][]string{{"F1"}, {"F1"}, {"F2"}, {"F3"}, {"F4"}, {"F1"}}
	for i := range want {
		if !slices.Equal(ids[i], want[i]) {
			t.Errorf("spec %s: causes %v, want %v", specs[i].text, ids[i], want[i])
		}
	}
	if c := causes[3]; c.Operation != "logout" || c.Decision != "S3" || c.Got != "A node timeout occurred" {
		t.Errorf("the failure without a finding: %+v", c)
	}
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}
