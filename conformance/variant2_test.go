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
	"sync"
	"testing"

	"github.com/nebeus/nebeus-contract/mockserver"
)

// otherFreedoms is a second server that uses the contract's freedom
// otherwise than both the mock and otherButConforming:
//   - protocol errors (T5) answered with a 4xx of its own choosing (422,
//     404 and 405 kept) and an HTML page, not JSON;
//   - every JSON answer pretty-printed, each object's keys ordered by
//     length, longest first (key order is no contract);
//   - an extra field in every result and in every country (T6: warnings);
//   - session ids with '-' and '_' (S2 says opaque, non-empty);
//   - sparse country ids (id*1000+7) with non-ASCII names (S6 says unique
//     integers > 0); signup takes them back.
func otherFreedoms(t testing.TB) http.Handler {
	inner := newMock(t, mockserver.Config{})
	var mu sync.Mutex
	outer := map[string]string{} // the mock's session id -> ours
	inward := map[string]string{}
	toOuter := func(sid string) string {
		if sid == "" {
			return sid
		}
		mu.Lock()
		defer mu.Unlock()
		if o, ok := outer[sid]; ok {
			return o
		}
		o := "sess-" + sid[:len(sid)/2] + "_" + sid[len(sid)/2:]
		outer[sid], inward[o] = o, sid
		return o
	}
	toInner := func(o string) string {
		mu.Lock()
		defer mu.Unlock()
		if sid, ok := inward[o]; ok {
			return sid
		}
		return o
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Inbound: our session ids and country ids back to the mock's.
		b := body(r)
		if m, ok := decodeJSON(b).(map[string]any); ok {
			if p, ok := m["params"].(map[string]any); ok {
				// Rewritten only where an id is ours: a body sent as is
				// keeps its size (T5's body limit, whitespace-padded calls).
				rewrite := false
				if s, ok := p["session_id"].(string); ok {
					p["session_id"] = toInner(s)
					rewrite = true
				}
				if n, ok := p["country"].(json.Number); ok && operation(r) == "signup" {
					rewrite = true
					if i, err := n.Int64(); err == nil {
						if (i-7)%1000 == 0 && i > 7 {
							p["country"] = (i - 7) / 1000
						} else {
							p["country"] = 999999 // no country of ours: inactive
						}
					}
				}
				if rewrite {
					nb, _ := json.Marshal(m)
					setBody(r, nb)
				}
			}
		}
		if h := r.Header.Get("X-Openerp-Session-Id"); h != "" {
			r.Header.Set("X-Openerp-Session-Id", toInner(h))
		}
		if cs := r.Cookies(); len(cs) > 0 {
			var parts []string
			for _, c := range cs {
				v := c.Value
				if c.Name == "session_id" {
					v = toInner(v)
				}
				parts = append(parts, c.Name+"="+v)
			}
			r.Header.Set("Cookie", strings.Join(parts, "; "))
		}
		c := forward(inner, r)

		// Protocol errors: a 4xx and an HTML page.
		if m, ok := c.decoded().(map[string]any); ok && m["error"] != nil && c.status >= 400 && c.status < 500 {
			if c.status != http.StatusNotFound && c.status != http.StatusMethodNotAllowed {
				c.status = http.StatusUnprocessableEntity
			}
			c.header.Set("Content-Type", "text/html; charset=utf-8")
			c.body = []byte("<!DOCTYPE html>\n<html><body><h1>Bad request</h1></body></html>\n")
			c.write(w)
			return
		}
		v := c.decoded()
		if res := result(v); res != nil {
			res["trace_id"] = "t-42"
			if sid, ok := res["session_id"].(string); ok && sid != "" {
				res["session_id"] = toOuter(sid)
			}
		}
		if list, ok := v.([]any); ok && operation(r) == "get_countries" {
			for _, e := range list {
				if cm, ok := e.(map[string]any); ok {
					id, _ := cm["id"].(json.Number).Int64()
					cm["id"] = id*1000 + 7
					cm["name"] = fmt.Sprint(cm["name"], " \u2013 L\u00e4nd \u00b7 \u56fd")
					cm["region"] = "Eur\u00f3pa"
				}
			}
		}
		for i, sc := range c.header.Values("Set-Cookie") {
			if name, rest, ok := strings.Cut(sc, "="); ok && name == "session_id" {
				val, attrs, _ := strings.Cut(rest, ";")
				c.header["Set-Cookie"][i] = "session_id=" + toOuter(val) + ";" + attrs
			}
		}
		if v != nil {
			c.body = prettyByLength(v)
		}
		c.write(w)
	})
}

// prettyByLength encodes v indented, each object's keys longest first.
func prettyByLength(v any) []byte {
	var buf bytes.Buffer
	var enc func(v any, indent string)
	enc = func(v any, indent string) {
		in := indent + "    "
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Slice(keys, func(i, j int) bool {
				if len(keys[i]) != len(keys[j]) {
					return len(keys[i]) > len(keys[j])
				}
				return keys[i] < keys[j]
			})
			buf.WriteString("{\n")
			for i, k := range keys {
				kb, _ := json.Marshal(k)
				buf.WriteString(in)
				buf.Write(kb)
				buf.WriteString(" : ")
				enc(x[k], in)
				if i < len(keys)-1 {
					buf.WriteByte(',')
				}
				buf.WriteByte('\n')
			}
			buf.WriteString(indent + "}")
		case []any:
			buf.WriteString("[\n")
			for i, e := range x {
				buf.WriteString(in)
				enc(e, in)
				if i < len(x)-1 {
					buf.WriteByte(',')
				}
				buf.WriteByte('\n')
			}
			buf.WriteString(indent + "]")
		default:
			b, _ := json.Marshal(x)
			buf.Write(b)
		}
	}
	enc(v, "")
	buf.WriteByte('\n')
	return buf.Bytes()
}

// TestOtherFreedomsServerPasses: no false alarm on a second deployment
// that uses the contract's freedom otherwise (4xx HTML protocol errors,
// pretty-printed reordered JSON, extra fields, session ids with '-' and
// '_', sparse country ids with non-ASCII names), the state machines and
// the concurrency specs included.
func TestOtherFreedomsServerPasses(t *testing.T) {
	onlyUnderGoTest(t)
	t.Parallel() // runs the binary: its waits overlap other tests
	srv := httptest.NewServer(otherFreedoms(t))
	defer srv.Close()
	res := runConformance(context.Background(), t, srv.URL, nil)
	if res.code != 0 {
		t.Fatalf("exit status %d, want 0 (a false alarm)\n%s", res.code, tail(res.out, 120))
	}
	for _, want := range []string{"warnings (T6", "trace_id", "region"} {
		if !strings.Contains(res.out, want) {
			t.Errorf("the report lacks %q (the extra fields are T6 warnings):\n%s", want, tail(res.out, 60))
		}
	}
	t.Logf("passed in %s\n%s", res.elapsed.Round(1e6), tail(res.out, 45))
}
