package cors_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nebeus/nebeus-contract/mockserver/cors"
	"github.com/nebeus/nebeus-contract/mockserver/session"
	"github.com/nebeus/nebeus-contract/spec/model"
)

// policyCase is one row of testdata/policies.json: patterns as
// --cors-origin takes them, and the origins the policy must allow and
// refuse, or the error New must give.
type policyCase struct {
	Name     string   `json:"name"`
	Patterns []string `json:"patterns"`
	Allows   []string `json:"allows"`
	Refuses  []string `json:"refuses"`
	Error    string   `json:"error"`
}

// The session cookie travels only to origins the policy allows (S2): an
// exact origin, any port of a host, or any origin; never "null" or none,
// and a pattern that is not an origin is refused with the pattern named.
func TestPolicy(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "policies.json"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []policyCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			p, err := cors.New(tc.Patterns)
			if tc.Error != "" {
				if err == nil || !strings.Contains(err.Error(), tc.Error) {
					t.Fatalf("New(%q) = %v, want an error holding %q", tc.Patterns, err, tc.Error)
				}
				if !strings.Contains(err.Error(), strings.TrimSpace(tc.Patterns[0])) {
					t.Errorf("the error %q does not name the pattern %q", err, tc.Patterns[0])
				}
				return
			}
			if err != nil {
				t.Fatalf("New(%q): %v", tc.Patterns, err)
			}
			for _, o := range tc.Allows {
				if !p.Allows(o) {
					t.Errorf("%q refused, want allowed", o)
				}
			}
			for _, o := range tc.Refuses {
				if p.Allows(o) {
					t.Errorf("%q allowed, want refused", o)
				}
			}
		})
	}
}

// A preflight offers the methods the contract's operations take, each
// once (POST when it has none), and the contract's session header beside
// the mock's own.
func TestPreflightLists(t *testing.T) {
	m := &model.Contract{Operations: []model.Operation{{Method: "POST"}, {Method: "GET"}, {Method: "POST"}}}
	if got := cors.OperationMethods(m); got != "POST, GET" {
		t.Errorf("OperationMethods = %q, want %q", got, "POST, GET")
	}
	if got := cors.OperationMethods(&model.Contract{}); got != "POST" {
		t.Errorf("OperationMethods of no operation = %q, want POST", got)
	}
	if got := cors.AllowedHeaders(session.Rules{Session: model.Session{Header: "X-Session-Token"}}); !strings.Contains(got, ", X-Session-Token,") || !strings.HasPrefix(got, "Content-Type, Accept") {
		t.Errorf("AllowedHeaders with a session header = %q", got)
	}
	if got := cors.AllowedHeaders(session.Rules{}); strings.Contains(got, "Session") {
		t.Errorf("AllowedHeaders without a session header = %q", got)
	}
}
