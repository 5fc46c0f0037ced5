package mockserver_test

import (
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// requestCase is one entry of testdata/requests.json: a request and what the
// contract says the mock answers.
type requestCase struct {
	Name        string            `json:"name"` // starts with the decision it checks
	Path        string            `json:"path"`
	Method      string            `json:"method"`       // default POST
	ContentType string            `json:"content_type"` // default application/json; "-" none
	Headers     map[string]string `json:"headers"`
	Raw         *string           `json:"raw"`  // the body as is
	JSON        json.RawMessage   `json:"json"` // or a JSON body
	Status      int               `json:"status"`
	Code        int               `json:"code"`       // JSON-RPC error code (T5)
	Variant     string            `json:"variant"`    // documented variant of a 200 (T4)
	Contains    []string          `json:"contains"`   // substrings of the body
	ErrorKeys   []string          `json:"error_keys"` // signup's errors keys (S5)
	Violations  *int              `json:"violations"` // X-Mock-Violations; 0: absent, null: unchecked
}

// TestRequests drives every operation through every branch the table lists:
// each success, each documented error, each protocol error of T5, forced
// variants and namespaces. The harness validates every answer against the
// contract (200s with ValidateResponse, the rest as JSON-RPC errors).
func TestRequests(t *testing.T) {
	data, err := os.ReadFile("testdata/requests.json")
	if err != nil {
		t.Fatal(err)
	}
	var cases []requestCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			h := newHarness(t, nil)
			method := tc.Method
			if method == "" {
				method = http.MethodPost
			}
			body := string(tc.JSON)
			if tc.Raw != nil {
				body = *tc.Raw
			}
			var headers []hdr
			switch tc.ContentType {
			case "":
			case "-":
				headers = append(headers, hdr{"Content-Type", ""})
			default:
				headers = append(headers, hdr{"Content-Type", ""}, hdr{"Content-Type", tc.ContentType})
			}
			for k, v := range tc.Headers {
				headers = append(headers, hdr{k, v})
			}
			a := h.do(method, tc.Path, body, headers...)
			if a.Status != tc.Status {
				t.Fatalf("status %d, want %d: %s", a.Status, tc.Status, a.Body)
			}
			if tc.Code != 0 && a.rpcCode() != tc.Code {
				t.Errorf("JSON-RPC code %d, want %d: %s", a.rpcCode(), tc.Code, a.Body)
			}
			if tc.Variant != "" {
				if a.Variant != tc.Variant {
					t.Errorf("variant %q, want %q: %s", a.Variant, tc.Variant, a.Body)
				}
				if op, _ := h.contract.OperationByPath(tc.Path); op.ID != "" {
					seen[op.ID+"/"+a.Variant] = true
				}
			}
			for _, s := range tc.Contains {
				if !strings.Contains(string(a.Body), s) {
					t.Errorf("body lacks %s: %s", s, a.Body)
				}
			}
			if tc.ErrorKeys != nil {
				errs, _ := a.result()["errors"].(map[string]any)
				var keys []string
				for k, v := range errs {
					keys = append(keys, k)
					if f, _ := v.(map[string]any)["field"].(string); f != k {
						t.Errorf("errors[%q].field = %q (S5)", k, f)
					}
					if m, _ := v.(map[string]any)["message"].(string); strings.TrimSpace(m) == "" {
						t.Errorf("errors[%q] has no message", k)
					}
				}
				slices.Sort(keys)
				if !slices.Equal(keys, tc.ErrorKeys) {
					t.Errorf("error keys %v, want %v: %s", keys, tc.ErrorKeys, a.Body)
				}
			}
			if got := a.Header.Get("X-Mock-Violations"); tc.Violations != nil && *tc.Violations > 0 && got != strconv.Itoa(*tc.Violations) {
				t.Errorf("X-Mock-Violations %q, want %d", got, *tc.Violations)
			}
			if tc.Status == http.StatusMethodNotAllowed && a.Header.Get("Allow") != http.MethodPost {
				t.Errorf("Allow = %q, want POST (T5)", a.Header.Get("Allow"))
			}
			if tc.Violations != nil && *tc.Violations == 0 && a.Header.Get("X-Mock-Violations") != "" {
				t.Errorf("X-Mock-Violations %q on a request that keeps the contract", a.Header.Get("X-Mock-Violations"))
			}
		})
	}
	// Every documented variant of every operation has been answered (T4).
	for _, op := range newHarness(t, nil).contract.Operations() {
		for _, v := range op.Variants {
			if !seen[op.ID+"/"+v.Name] {
				t.Errorf("no case answers %s's %s variant", op.ID, v.Name)
			}
		}
	}
}

// TestT5BodyOverLimitIs413: a body over Config.MaxBody is refused, whether
// its length is announced or not.
func TestT5BodyOverLimitIs413(t *testing.T) {
	h := newHarness(t, nil)
	big := `{"jsonrpc":"2.0","params":{"login":"` + strings.Repeat("a", 1<<20) + `"}}`
	a := h.do(http.MethodPost, "/reset_password/1.0/json", big)
	if a.Status != http.StatusRequestEntityTooLarge || a.rpcCode() != -32600 {
		t.Fatalf("status %d code %d, want 413 -32600", a.Status, a.rpcCode())
	}
	small := newHarness(t, func(c *mockserverConfig) { c.MaxBody = 64 })
	a = small.do(http.MethodPost, "/get_countries/1.0/json", `{"jsonrpc":"2.0","params":{"pad":"`+strings.Repeat("x", 64)+`"}}`)
	if a.Status != http.StatusRequestEntityTooLarge {
		t.Fatalf("status %d, want 413", a.Status)
	}
	a = small.do(http.MethodPost, "/get_countries/1.0/json", `{"jsonrpc":"2.0"}`)
	if a.Status != http.StatusOK {
		t.Fatalf("status %d under the limit, want 200", a.Status)
	}
}
