package journal

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/nebeus/nebeus-contract/schemas"
)

// FuzzRedact: whatever a body holds, the journal's view of it is valid
// JSON of bounded size, and no value under a secret key (compared decoded,
// so "pass\u0077ord" counts) appears in it, unless the same text appears
// in the body elsewhere too.
func FuzzRedact(f *testing.F) {
	for _, s := range []string{
		`{"jsonrpc":"2.0","params":{"login":"a@b.co","password":"hunter2-secret"}}`,
		`{"params":{"pass\u0077ord":"escaped-secret"}}`,
		`{"params":{"session_\u0069d":"0123456789abcdef0123"}}`,
		`[{"password":{"nested":["deep-secret"]}},{"confirm_password":12345678}]`,
		`{"password":"dup-one","password":"dup-two"}`,
		`{"password":"unterminated-secret`,
		`{"a":1e1000001,"password":"after-a-huge-number"}`,
		`"just a string"`, `null`, `{"x":"\ud800"}`, `{"password":"x"} trailing`,
	} {
		f.Add([]byte(s))
	}
	sec := New(schemas.MustDefault().Model())
	f.Fuzz(func(t *testing.T, body []byte) {
		out := sec.redact(body)
		if len(body) > 0 && !json.Valid(out) {
			t.Fatalf("not JSON: %q", out)
		}
		if len(out) > 6*len(body)+512 {
			t.Fatalf("%d bytes out of %d", len(out), len(body))
		}
		v, err := schemas.Decode(body)
		if err != nil {
			return
		}
		var hidden, shown []string
		var walk func(v any, key string)
		walk = func(v any, key string) {
			switch x := v.(type) {
			case map[string]any:
				for k, e := range x {
					shown = append(shown, k)
					walk(e, k)
				}
			case []any:
				for _, e := range x {
					walk(e, key)
				}
			case string:
				switch {
				case sec.hidden[key]:
					hidden = append(hidden, x)
				case sec.tokens[key] && len(x) > 8:
					hidden = append(hidden, x[8:])
				default:
					shown = append(shown, x)
				}
			case json.Number:
				if sec.hidden[key] {
					hidden = append(hidden, string(x))
				} else {
					shown = append(shown, string(x))
				}
			}
		}
		walk(v, "")
		view, err := schemas.Decode(out)
		if err != nil {
			t.Fatalf("the view is not JSON: %v", err)
		}
		text := flatText(view)
	next:
		for _, h := range hidden {
			if len(h) < 6 {
				continue
			}
			for _, s := range shown {
				if strings.Contains(s, h) {
					continue next
				}
			}
			if strings.Contains(text, h) {
				t.Fatalf("secret %q shows in %s", h, out)
			}
		}
	})
}

// flatText is every key and scalar of v, joined.
func flatText(v any) string {
	var b strings.Builder
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				b.WriteString(k + "\x00")
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case string:
			b.WriteString(x + "\x00")
		case json.Number:
			b.WriteString(string(x) + "\x00")
		}
	}
	walk(v)
	return b.String()
}
