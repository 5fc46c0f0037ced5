package openapitest_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nebeus/nebeus-contract/spec/model"
)

// breakHeader picks what the breaking server breaks in its answer.
const breakHeader = "X-Break"

// breaker is the mock with its answers broken as the request's X-Break
// says: "text" changes each fixed text that only one variant of the
// contract has (S1's failure text), "shape" swaps an array of one
// envelope and a bare envelope (T4), "jsonrpc" changes the version (T2).
// Everything is read from the model and the document, nothing restated.
func breaker(t *testing.T, c *model.Contract, version string) func(http.Handler) http.Handler {
	t.Helper()
	count := map[string]int{}
	for _, op := range c.Operations {
		seen := map[string]bool{}
		for _, v := range op.Variants {
			for _, f := range v.Fields {
				if s, ok := f.Text(); ok && !seen[s] {
					seen[s] = true
					count[s]++
				}
			}
		}
	}
	var texts []string
	for s, n := range count {
		if n == 1 {
			texts = append(texts, s)
		}
	}
	if len(texts) == 0 {
		t.Fatal("the contract fixes no text particular to one variant (S1)")
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			body := rec.Body.Bytes()
			switch r.Header.Get(breakHeader) {
			case "text":
				for _, s := range texts {
					q, _ := json.Marshal(s)
					body = bytes.ReplaceAll(body, q, []byte(`"`+s+` (reworded)"`))
				}
			case "shape":
				var v any
				if json.Unmarshal(body, &v) == nil {
					if a, ok := v.([]any); ok && len(a) == 1 {
						v = a[0]
					} else {
						v = []any{v}
					}
					body, _ = json.Marshal(v)
				}
			case "jsonrpc":
				q, _ := json.Marshal(version)
				body = bytes.ReplaceAll(body, append([]byte(`"jsonrpc":`), q...), []byte(`"jsonrpc":"1.0"`))
			}
			for k, vs := range rec.Header() {
				w.Header()[k] = vs
			}
			w.Header().Del("Content-Length")
			w.WriteHeader(rec.Code)
			_, _ = w.Write(body)
		})
	}
}

// startPrism starts Prism's validation proxy in front of upstream, with
// --errors (a request the document rejects gets 422, an answer it rejects
// 500; violations are in sl-violations either way).
func startPrism(t *testing.T, prism, upstream string) string {
	t.Helper()
	spec, _ := filepath.Abs(specYAML)
	port := freePort(t)
	out := startProcess(t, toolsDir, prism, "proxy", spec, upstream, "--host", "127.0.0.1", "--port", itoa(port), "--errors", "--cors=false")
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	waitHTTP(t, base+"/", 90*time.Second, out)
	return base
}

type answer struct {
	status     int
	body       string
	violations string
}

func call(t *testing.T, base string, op *model.Operation, params any, header ...string) answer {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "params": params})
	req, err := http.NewRequest(op.Method, op.URL(base, nil), bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return answer{resp.StatusCode, string(b), resp.Header.Get("sl-violations")}
}

// Prism's validation proxy: in front of the mock it reports no violation,
// and passes a request that breaks a business rule to its HTTP 200 error;
// in front of a server that breaks S1's text, a shape or jsonrpc it
// reports each.
func TestPrismProxy(t *testing.T) {
	t.Parallel()
	prism := nodeTool(t, "prism")
	m := contract(t).Model()
	version := jsonrpcVersion(t)
	var viaMock, viaBroken string
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); viaMock = startPrism(t, prism, startMock(t, nil)) }()
	go func() { defer wg.Done(); viaBroken = startPrism(t, prism, startMock(t, breaker(t, m, version))) }()
	wg.Wait()
	if t.Failed() {
		return
	}
	signin, _ := m.Operation("signin")
	signup, _ := m.Operation("signup")
	getCountries, _ := m.Operation("get_countries")
	logout, _ := m.Operation("logout")
	if signin == nil || signup == nil || getCountries == nil || logout == nil {
		t.Fatal("the contract lacks an operation this check drives")
	}
	unknown := map[string]any{"login": "nobody@example.com", "password": "wrong-password"}

	t.Run("the mock conforms", func(t *testing.T) {
		account := map[string]any{"login": "prism@example.com", "password": "correct-horse-1", "confirm_password": "correct-horse-1", "name": "Ana", "surname": "García", "country": 2}
		for _, c := range []struct {
			op     *model.Operation
			params any
		}{
			{signup, account},
			{signin, map[string]any{"login": account["login"], "password": account["password"]}},
			{signin, unknown},
			{getCountries, map[string]any{}},
			{logout, map[string]any{}},
		} {
			a := call(t, viaMock, c.op, c.params)
			if a.status != http.StatusOK || a.violations != "" {
				t.Errorf("%s through Prism: HTTP %d, violations %s: %s", c.op.ID, a.status, a.violations, a.body)
			}
		}
	})

	t.Run("business rules are not enforced by the document", func(t *testing.T) {
		// Every argument rule broken at once: Prism passes the request and
		// the mock answers it with HTTP 200 and S5's errors.
		a := call(t, viaMock, signup, map[string]any{"login": "not-an-email", "password": "short", "name": " ", "country": 0, "timezone": 1 << 20})
		if a.status != http.StatusOK || a.violations != "" {
			t.Fatalf("signup breaking business rules through Prism: HTTP %d, violations %s: %s", a.status, a.violations, a.body)
		}
		v, _ := signup.Variant(model.VariantError)
		status, _ := v.Text("/status")
		if !strings.Contains(a.body, `"`+status+`"`) || !strings.Contains(a.body, `"errors"`) {
			t.Errorf("signup breaking business rules: not the error variant: %s", a.body)
		}
		a = call(t, viaMock, signin, map[string]any{})
		if a.status != http.StatusOK || a.violations != "" {
			t.Errorf("signin without arguments through Prism: HTTP %d, violations %s: %s", a.status, a.violations, a.body)
		}
	})

	for _, c := range []struct{ brk, at, code string }{
		{"text", "response/body/result/message", "enum"}, // S1
		{"shape", "response/body", "type"},               // T4
		{"jsonrpc", "response/body/jsonrpc", "enum"},     // T2
	} {
		t.Run("reports a broken "+c.brk, func(t *testing.T) {
			a := call(t, viaBroken, signin, unknown, breakHeader, c.brk)
			var vs []struct {
				Location []string `json:"location"`
				Code     any      `json:"code"`
				Severity string   `json:"severity"`
			}
			_ = json.Unmarshal([]byte(a.violations), &vs)
			for _, v := range vs {
				if strings.Join(v.Location, "/") == c.at && fmt.Sprint(v.Code) == c.code && v.Severity == "Error" {
					t.Logf("broken %s: %s", c.brk, a.violations)
					return
				}
			}
			t.Fatalf("Prism reports no %s error at %s for a broken %s: HTTP %d, sl-violations %q: %s", c.code, c.at, c.brk, a.status, a.violations, a.body)
		})
	}
	t.Run("the breaking server conforms when it breaks nothing", func(t *testing.T) {
		if a := call(t, viaBroken, signin, unknown); a.violations != "" || a.status != http.StatusOK {
			t.Errorf("HTTP %d, violations %s", a.status, a.violations)
		}
	})
}

// jsonrpcVersion is the version the document fixes (T2).
func jsonrpcVersion(t *testing.T) string {
	t.Helper()
	doc := document(t)
	for _, s := range doc.Components.Schemas {
		if s.Value == nil || len(s.Value.Enum) != 1 {
			continue
		}
		if s.Value.Description != "" && strings.Contains(s.Value.Description, "JSON-RPC version") {
			if v, ok := s.Value.Enum[0].(string); ok {
				return v
			}
		}
	}
	t.Fatal("the document fixes no JSON-RPC version")
	return ""
}
