package conformance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/nebeus/nebeus-contract/mockserver"
)

// otherButConforming is a server that makes every choice the contract
// leaves open differently from the mock (M1..M4 and T5's status codes),
// and adds a field (T6): the suite must pass it, with warnings only.
//   - company_id 4242, db "other-db", default tz "UTC" (M1);
//   - username "user-<uid>" rather than the login, uids offset by 900000
//     (user_context.uid too, S1 demands they agree);
//   - other texts for reset_password's and signup's errors (only S1's text
//     is contract);
//   - HTTP 200 rather than 4xx for protocol errors carrying a JSON-RPC
//     error (T5 allows both);
//   - an extra field "server_version" in signin's result (T6: a warning);
//   - every object's keys in reverse order.
func otherButConforming(t testing.TB) http.Handler {
	inner := newMock(t, mockserver.Config{CompanyID: 4242, DB: "other-db", DefaultTZ: "UTC"})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := forward(inner, r)
		v := c.decoded()
		if m, ok := v.(map[string]any); ok && c.status >= 400 && c.status < 500 && m["error"] != nil {
			c.status = http.StatusOK
		}
		if res := result(v); res != nil {
			switch operation(r) {
			case "signin":
				if uid, ok := res["uid"].(json.Number); ok {
					n, _ := uid.Int64()
					res["uid"] = n + 900000
					res["user_context"].(map[string]any)["uid"] = n + 900000
					res["username"] = fmt.Sprintf("user-%d", n+900000)
					res["server_version"] = "17.0-variant"
				}
			case "reset_password":
				if res["status"] == "error" {
					res["message"] = "Adresse e-mail invalide"
				}
			case "signup":
				if errs, ok := res["errors"].(map[string]any); ok {
					for _, e := range errs {
						e.(map[string]any)["message"] = "Champ invalide"
					}
				}
			}
		}
		if v != nil {
			c.body = reverseKeys(v)
		}
		c.write(w)
	})
}

// reverseKeys encodes v with every object's keys in reverse order.
func reverseKeys(v any) []byte {
	var buf bytes.Buffer
	var enc func(v any)
	enc = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Sort(sort.Reverse(sort.StringSlice(keys)))
			buf.WriteByte('{')
			for i, k := range keys {
				if i > 0 {
					buf.WriteByte(',')
				}
				kb, _ := json.Marshal(k)
				buf.Write(kb)
				buf.WriteByte(':')
				enc(x[k])
			}
			buf.WriteByte('}')
		case []any:
			buf.WriteByte('[')
			for i, e := range x {
				if i > 0 {
					buf.WriteByte(',')
				}
				enc(e)
			}
			buf.WriteByte(']')
		default:
			b, _ := json.Marshal(x)
			buf.Write(b)
		}
	}
	enc(v)
	return buf.Bytes()
}

// TestOtherButConformingServerPasses: no false alarm on a deployment that
// chooses differently where the contract lets it.
func TestOtherButConformingServerPasses(t *testing.T) {
	onlyUnderGoTest(t)
	t.Parallel() // runs the binary: its waits overlap other tests
	srv := httptest.NewServer(otherButConforming(t))
	defer srv.Close()
	res := runConformance(context.Background(), t, srv.URL, nil)
	if res.code != 0 {
		t.Fatalf("exit status %d, want 0 (a false alarm)\n%s", res.code, tail(res.out, 80))
	}
	if !strings.Contains(res.out, "warnings (T6") || !strings.Contains(res.out, "server_version") {
		t.Errorf("the extra field is not reported as a T6 warning:\n%s", tail(res.out, 60))
	}
	t.Logf("passed in %s\n%s", res.elapsed.Round(1e6), tail(res.out, 45))
}

// odooShaped answers a bare envelope wherever the page documents an array
// of one, and wraps get_countries' list in an envelope, as stock Odoo does:
// not the documented shapes (T4), unless the run relaxes them.
func odooShaped(t testing.TB) http.Handler {
	inner := newMock(t, mockserver.Config{})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b := body(r)
		c := forward(inner, r)
		switch v := c.decoded().(type) {
		case []any:
			if len(v) == 1 && envelope(v) != nil {
				c.setJSON(v[0])
			} else if operation(r) == "get_countries" && c.status == http.StatusOK {
				m, _ := decodeJSON(b).(map[string]any)
				c.setJSON(map[string]any{"jsonrpc": "2.0", "id": m["id"], "result": v})
			}
		}
		c.write(w)
	})
}

// TestRelaxationsAreExplicit: Odoo's shapes fail by default and pass with
// --relax odoo, which the report names.
func TestRelaxationsAreExplicit(t *testing.T) {
	onlyUnderGoTest(t)
	t.Parallel() // runs the binary: its waits overlap other tests
	srv := httptest.NewServer(odooShaped(t))
	defer srv.Close()
	strict := runConformance(context.Background(), t, srv.URL, nil, "--label-filter", "readonly")
	if strict.code != 1 {
		t.Errorf("without a relaxation: exit status %d, want 1\n%s", strict.code, tail(strict.out, 40))
	}
	relaxed := runConformance(context.Background(), t, srv.URL, nil, "--relax", "odoo")
	if relaxed.code != 0 {
		t.Fatalf("with --relax odoo: exit status %d, want 0\n%s", relaxed.code, tail(relaxed.out, 80))
	}
	for _, want := range []string{"relaxations: bare-envelope, envelope-list", "relaxation bare-envelope:", "relaxation envelope-list:"} {
		if !strings.Contains(relaxed.out, want) {
			t.Errorf("the report does not say %q:\n%s", want, tail(relaxed.out, 40))
		}
	}
}
