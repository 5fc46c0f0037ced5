package conformance_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"
)

// checkMutants are the mutants of the stronger checks (issue 18, item 8):
// plausible backend bugs that only one check of the suite catches, each
// proving that check (TestStrongerChecksAloneCatchTheirMutants).
func checkMutants() []mutant {
	return []mutant{
		// Differential (S1): the failure for an unknown login carries a
		// field the others lack: documented otherwise, a T6 warning alone.
		{"signin-unknown-login-says-so", "S1", func(inner http.Handler) http.Handler {
			known := newLogins()
			return trackSignups(known, rewriteJSON("signin", func(r *http.Request, b []byte, v any) any {
				login, _ := params(b)["login"].(string)
				if res := result(v); res != nil && res["status"] == "error" && login != "" && !known.has(login) {
					res["reason"] = "no such login"
				}
				return v
			})(inner))
		}},
		// Differential (S4): reset_password tells in a header whether the
		// account exists.
		{"reset_password-header-tells-existing-accounts", "S4", func(inner http.Handler) http.Handler {
			known := newLogins()
			return trackSignups(known, rewrite("reset_password", func(r *http.Request, b []byte, c *captured) {
				if login, _ := params(b)["login"].(string); known.has(login) {
					c.header.Set("X-Account-Exists", "yes")
				}
			})(inner))
		}},
		// Client variations (T2): strict content negotiation refuses an
		// Accept that admits JSON without naming it ("*/*", as curl and
		// Python's requests send).
		{"accept-without-application-json-refused", "T2", func(inner http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if operation(r) != "" && !strings.Contains(r.Header.Get("Accept"), "application/json") {
					jsonError(w, http.StatusNotAcceptable, -32600, "not acceptable")
					return
				}
				inner.ServeHTTP(w, r)
			})
		}},
		// Raw bytes (T3): get_countries writes its names in Latin-1, which
		// a decoder turns into U+FFFD without a word.
		{"countries-names-in-latin-1", "T3", rewrite("get_countries", func(r *http.Request, b []byte, c *captured) {
			c.body = latin1(c.body)
		})},
		// Raw bytes (T3): signin labels its UTF-8 answers as Latin-1.
		{"signin-charset-latin-1", "T3", rewrite("signin", func(r *http.Request, b []byte, c *captured) {
			c.header.Set("Content-Type", "application/json; charset=iso-8859-1")
		})},
	}
}

// latin1 re-encodes the runes U+0080..U+00FF of b as single bytes.
func latin1(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r >= 0x80 && r <= 0xff {
			out = append(out, byte(r))
		} else {
			out = append(out, b[i:i+n]...)
		}
		i += n
	}
	return out
}

// TestStrongerChecksAloneCatchTheirMutants: each mutant of the stronger
// checks fails the suite, and every finding of the run is the one check's
// (the differential comparison, the raw bytes' encoding): no other check
// of the suite sees these bugs.
func TestStrongerChecksAloneCatchTheirMutants(t *testing.T) {
	onlyUnderGoTest(t)
	only := map[string]string{
		"signin-unknown-login-says-so":                  "nobody can tell which accounts exist",
		"reset_password-header-tells-existing-accounts": "nobody can tell which accounts exist",
		"countries-names-in-latin-1":                    "a JSON body in UTF-8",
		"accept-without-application-json-refused":       "the request accepted",
		"signin-charset-latin-1":                        "a JSON body in UTF-8",
	}
	binaries(t)
	urls := mutantServers(t, names(checkMutants()))
	for _, m := range checkMutants() {
		t.Run(m.name, func(t *testing.T) {
			srv := served{urls[m.name]}
			files := newReportFiles(t)
			res := runConformance(context.Background(), t, srv.URL, nil, append(files.args(), "--timeout", "2s", "--steps", "0")...)
			if res.code != 1 {
				t.Fatalf("exit status %d, want 1\n%s", res.code, tail(res.out, 40))
			}
			sj := files.summary(t)
			if len(sj.Findings) == 0 {
				t.Fatal("no finding")
			}
			for _, f := range sj.Findings {
				if f.Decision != m.decision || !strings.Contains(f.Expected, only[m.name]) {
					t.Errorf("finding %s [%s] %s: expected %q: not the stronger check's (%q under %s)", f.ID, f.Decision, f.Operation, f.Expected, only[m.name], m.decision)
				}
			}
		})
	}
}
