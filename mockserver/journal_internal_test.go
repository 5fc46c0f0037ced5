package mockserver

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// M4: a password never sits in the journal in plain text, not even in
// memory before the journal is read: a request that carries one is
// redacted when it is recorded, escaped keys included.
func TestJournalNeverStoresAPassword(t *testing.T) {
	s, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{
		`{"jsonrpc":"2.0","method":"call","id":1,"params":{"login":"demo@example.com","password":"m4-plain-secret"}}`,
		`{"jsonrpc":"2.0","method":"call","id":2,"params":{"login":"demo@example.com","pass\u0077ord":"m4-escaped-secret"}}`,
		`{"jsonrpc":"2.0","method":"call","id":3,"params":{"login":"demo@example.com","password":"m4-malformed-secret"`,
		`{"jsonrpc":"2.0","method":"call","id":4,"params":{"login":"demo@example.com","password":"m4-dup-one","password":"m4-dup-two"}}`,
		`{"jsonrpc":"2.0","method":"call","id":5,"params":{"login":"demo@example.com","password":"m4-\u0065scaped-value"}}`,
	} {
		r := httptest.NewRequest(http.MethodPost, "/signin/1.0/json", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		s.ServeHTTP(httptest.NewRecorder(), r)
	}
	ns, err := s.store.Namespace("")
	if err != nil {
		t.Fatal(err)
	}
	entries := ns.Journal().Entries()
	if len(entries) != 5 {
		t.Fatalf("%d journal entries, want 5", len(entries))
	}
	for _, e := range entries {
		if strings.Contains(string(e.Request), "m4-") || strings.Contains(string(e.Request), "scaped-value") {
			t.Errorf("the journal holds a password in plain text: %s", e.Request)
		}
	}
}
