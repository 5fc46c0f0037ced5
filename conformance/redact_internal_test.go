package conformance

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nebeus/nebeus-contract/schemas"
)

// secretLogin is the embedded contract with signin's login marked secret
// in its model.
func secretLogin(t *testing.T) *schemas.Contract {
	t.Helper()
	c := schemas.MustDefault()
	dir := t.TempDir()
	for _, n := range c.Names() {
		b, _ := c.Raw(n)
		if err := os.WriteFile(filepath.Join(dir, n+".json"), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	m := *c.Model()
	m.Operations = append([]schemas.Operation(nil), m.Operations...)
	for i, op := range m.Operations {
		if op.ID != opSignin {
			continue
		}
		args := append([]schemas.Argument(nil), op.Arguments...)
		for j := range args {
			if args[j].Name == argLogin {
				args[j].Secret = true
			}
		}
		m.Operations[i].Arguments = args
	}
	b, _ := json.Marshal(m)
	if err := os.WriteFile(filepath.Join(dir, "index.json"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	c2, err := schemas.Load(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	return c2
}

// TestReportsMaskTheContractsSecrets: curl repros and response snippets
// mask what the model marks secret, and only that.
func TestReportsMaskTheContractsSecrets(t *testing.T) {
	body := []byte(`{"jsonrpc":"2.0","params":{"login":"who@example.com","password":"pw-1","confirm_password":"pw-2","session_id":"sid-3"}}`)
	hdr := http.Header{"Cookie": {"session_id=sid-4; theme=dark"}}
	for _, tc := range []struct {
		name          string
		contract      *schemas.Contract
		shown, hidden []string
	}{
		{"embedded", nil, []string{"who@example.com", "theme=dark"}, []string{"pw-1", "pw-2", "sid-3", "sid-4"}},
		{"login secret", secretLogin(t), []string{"theme=dark"}, []string{"who@example.com", "pw-1", "sid-4"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := newSuite(Options{BaseURL: "http://example.test", Contract: tc.contract})
			if err != nil {
				t.Fatal(err)
			}
			out := s.curl(http.MethodPost, "http://example.test/signin/1.0/json?session_id=sid-5", hdr, body) + s.snippet(body)
			for _, w := range tc.shown {
				if !strings.Contains(out, w) {
					t.Errorf("%q is masked:\n%s", w, out)
				}
			}
			for _, w := range append(tc.hidden, "sid-5") {
				if strings.Contains(out, w) {
					t.Errorf("%q shows:\n%s", w, out)
				}
			}
		})
	}
}
