package conformance_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode"
)

// moreMutants break one decision each in a way only the partitions, the
// properties across operations, the state machines, the concurrency
// specs, the cookie jar or the JSON edge cases find, by family.
func moreMutants() []mutant {
	return []mutant{
		// Valid boundaries refused.
		{"signup-refuses-password-of-exactly-min-length", "S5", refuseSignup("password", func(p map[string]any) bool { return runes(p["password"]) == 8 })},
		{"signup-refuses-timezone-at-maximum", "S5", refuseSignup("timezone", func(p map[string]any) bool { return num(p["timezone"]) == 50400 })},
		{"signup-refuses-timezone-at-minimum", "S5", refuseSignup("timezone", func(p map[string]any) bool { return num(p["timezone"]) == -43200 })},
		{"signup-refuses-device_type-0", "S5", refuseSignup("device_type", func(p map[string]any) bool { _, ok := p["device_type"]; return ok && num(p["device_type"]) == 0 })},
		{"signup-refuses-device_type-14", "S5", refuseSignup("device_type", func(p map[string]any) bool { return num(p["device_type"]) == 14 })},
		{"signup-refuses-names-over-255", "S5", refuseSignup("name", func(p map[string]any) bool { return runes(p["name"]) > 255 })},
		{"signup-refuses-language-with-region", "S5", refuseSignup("language", func(p map[string]any) bool { return strings.Contains(str(p["language"]), "_") })},
		{"signup-refuses-long-local-part", "S5", refuseSignup("email", func(p map[string]any) bool {
			local, _, _ := strings.Cut(str(p["login"]), "@")
			return len(local) >= 60
		})},

		// The masking bug's survivor: the length rule not checked at all.
		{"signup-skips-password-length-check", "S5", func(inner http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if operation(r) == "signup" {
					if m, ok := decodeJSON(body(r)).(map[string]any); ok {
						if p, ok := m["params"].(map[string]any); ok {
							pw, isStr := p["password"].(string)
							if isStr && runes(pw) < 8 && p["confirm_password"] == pw {
								p["password"] = pw + "-padded-by-mutant"
								p["confirm_password"] = p["password"]
								b, _ := json.Marshal(m)
								setBody(r, b)
							}
						}
					}
				}
				inner.ServeHTTP(w, r)
			})
		}},

		// The breadth of valid input refused.
		{"signup-refuses-plus-tags", "S5", refuseSignup("email", func(p map[string]any) bool { return strings.Contains(str(p["login"]), "+") })},
		{"signup-refuses-subdomains", "S5", refuseSignup("email", func(p map[string]any) bool {
			_, d, _ := strings.Cut(str(p["login"]), "@")
			return strings.Count(d, ".") > 1
		})},
		{"signup-refuses-upper-case-domains", "S5", refuseSignup("email", func(p map[string]any) bool {
			_, d, _ := strings.Cut(str(p["login"]), "@")
			return d != strings.ToLower(d)
		})},
		{"signup-refuses-non-ascii-names", "S5", refuseSignup("name", func(p map[string]any) bool { return !ascii(str(p["name"])) })},
		{"signup-refuses-emoji-in-surname", "S5", refuseSignup("surname", func(p map[string]any) bool { return hasAstral(str(p["surname"])) })},
		{"signup-refuses-apostrophes-in-surname", "S5", refuseSignup("surname", func(p map[string]any) bool { return strings.Contains(str(p["surname"]), "'") })},
		{"signup-refuses-json-escapes-in-app_version", "S5", refuseSignup("app_version", func(p map[string]any) bool { return strings.ContainsAny(str(p["app_version"]), "\"\\") })},
		{"reset_password-refuses-plus-tags", "S4", refuseReset(func(l string) bool { return strings.Contains(l, "+") })},
		{"reset_password-refuses-upper-case", "S4", refuseReset(func(l string) bool { return l != strings.ToLower(l) })},
		{"signin-fails-for-plus-tags", "S1", failSignin(func(p map[string]any) bool { return strings.Contains(str(p["login"]), "+") })},
		{"signin-fails-for-non-ascii-passwords", "S1", failSignin(func(p map[string]any) bool { return !ascii(str(p["password"])) })},

		// Operations disagree.
		{"signup-refuses-country-ids-above-200", "S5", refuseSignup("country", func(p map[string]any) bool { return num(p["country"]) > 200 })},
		{"countries-lists-an-inactive-country", "S5", rewriteJSON("get_countries", func(r *http.Request, b []byte, v any) any {
			if a, ok := v.([]any); ok {
				return append(a, map[string]any{"id": 99999, "name": "Atlantis", "code": "XA", "phone_code": "+999"})
			}
			return v
		})},
		{"signin-case-sensitive-for-mixed-case-signups", "S1", func(inner http.Handler) http.Handler {
			var mu sync.Mutex
			stored := map[string]string{} // lower -> as signed up
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b := body(r)
				p := params(b)
				login := str(p["login"])
				switch operation(r) {
				case "signup":
					c := forward(inner, r)
					if res := result(c.decoded()); res != nil && res["status"] == "success" && login != strings.ToLower(login) {
						mu.Lock()
						stored[strings.ToLower(login)] = login
						mu.Unlock()
					}
					c.write(w)
					return
				case "signin":
					mu.Lock()
					as, mixed := stored[strings.ToLower(login)]
					mu.Unlock()
					if mixed && as != login {
						writeSigninFailure(w, b)
						return
					}
				}
				inner.ServeHTTP(w, r)
			})
		}},
		{"rejected-signup-registers-the-login", "S5", func(inner http.Handler) http.Handler {
			var mu sync.Mutex
			taken := map[string]bool{}
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if operation(r) != "signup" {
					inner.ServeHTTP(w, r)
					return
				}
				b := body(r)
				login := strings.ToLower(str(params(b)["login"]))
				mu.Lock()
				was := taken[login]
				mu.Unlock()
				if was {
					writeSignupErrors(w, b, "email")
					return
				}
				c := forward(inner, r)
				if errs, ok := result(c.decoded())["errors"].(map[string]any); ok && errs["email"] == nil && login != "" {
					mu.Lock()
					taken[login] = true
					mu.Unlock()
				}
				c.write(w)
			})
		}},
		{"reset_password-breaks-the-next-signin", "S1", func(inner http.Handler) http.Handler {
			var mu sync.Mutex
			reset := map[string]bool{}
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b := body(r)
				login := strings.ToLower(str(params(b)["login"]))
				switch operation(r) {
				case "reset_password":
					mu.Lock()
					reset[login] = true
					mu.Unlock()
				case "signin":
					mu.Lock()
					was := reset[login]
					mu.Unlock()
					if was {
						writeSigninFailure(w, b)
						return
					}
				}
				inner.ServeHTTP(w, r)
			})
		}},
		{"uid-differs-in-other-case", "S1", rewriteJSON("signin", func(r *http.Request, b []byte, v any) any {
			login := str(params(b)["login"])
			if res := result(v); res != nil && login != strings.ToLower(login) {
				if uid, ok := res["uid"].(json.Number); ok {
					n, _ := uid.Int64()
					res["uid"] = n + 1000
					if uc, ok := res["user_context"].(map[string]any); ok {
						uc["uid"] = n + 1000
					}
				}
			}
			return v
		})},
		{"session-id-recycled-after-logout", "S2", func(inner http.Handler) http.Handler {
			// The id of the session logged out last is handed to the next
			// signin.
			var mu sync.Mutex
			issued := map[string]bool{}
			var ended []string
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				b := body(r)
				switch operation(r) {
				case "logout":
					mu.Lock()
					if sid := sessionOf(r, b); issued[sid] {
						ended = append(ended, sid)
					}
					mu.Unlock()
				case "signin":
					c := forward(inner, r)
					v := c.decoded()
					res := result(v)
					if sid, ok := res["session_id"].(string); ok {
						mu.Lock()
						if n := len(ended); n > 0 {
							old := ended[n-1]
							ended = ended[:n-1]
							res["session_id"] = old
							c.header.Set("Set-Cookie", strings.Replace(c.header.Get("Set-Cookie"), sid, old, 1))
							c.setJSON(v)
						} else {
							issued[sid] = true
						}
						mu.Unlock()
					}
					c.write(w)
					return
				}
				inner.ServeHTTP(w, r)
			})
		}},

		// Races, found only by concurrent requests.
		{"concurrent-signups-of-one-email-both-succeed", "S5", raced("signup", func(w http.ResponseWriter, b []byte) {
			writeEnvelope(w, b, `{"status": "success"}`)
		})},
		{"concurrent-signins-share-a-session", "S2", func(inner http.Handler) http.Handler {
			var mu sync.Mutex
			shared := map[string]string{}
			return raced("signin", nil)(rewrite("signin", func(r *http.Request, b []byte, c *captured) {
				v := c.decoded()
				res := result(v)
				sid, ok := res["session_id"].(string)
				if !ok || r.Header.Get("X-Raced") == "" {
					return
				}
				key := r.Header.Get("X-Raced")
				mu.Lock()
				if first, seen := shared[key]; seen {
					res["session_id"] = first
					c.header.Set("Set-Cookie", strings.Replace(c.header.Get("Set-Cookie"), sid, first, 1))
					c.setJSON(v)
				} else {
					shared[key] = sid
				}
				mu.Unlock()
			})(inner))
		}},

		// Cookies a browser keeps otherwise than the headers suggest.
		{"logout-clears-the-cookie-on-another-path", "S3", setCookieRewrite("logout", func(sc string) string { return strings.Replace(sc, "Path=/", "Path=/logout/1.0", 1) })},
		{"logout-clears-the-cookie-for-another-domain", "S3", setCookieRewrite("logout", func(sc string) string { return sc + "; Domain=elsewhere.example" })},
		{"logout-sets-the-session-again", "S3", rewrite("logout", func(r *http.Request, b []byte, c *captured) {
			if sid := sessionOf(r, b); sid != "" {
				c.header.Add("Set-Cookie", "session_id="+sid+"; Path=/; HttpOnly; SameSite=Lax")
			}
		})},
		{"signin-cookie-for-another-domain", "S2", setCookieRewrite("signin", func(sc string) string { return sc + "; Domain=elsewhere.example" })},
		{"signin-cookie-already-expired", "S2", setCookieRewrite("signin", func(sc string) string { return sc + "; Max-Age=0" })},
		{"signin-cookie-on-the-signin-path", "S2", setCookieRewrite("signin", func(sc string) string { return strings.Replace(sc, "Path=/", "Path=/signin", 1) })},
		{"session-cookie-samesite-none", "S2", setCookieRewrite("signin", func(sc string) string { return strings.Replace(sc, "SameSite=Lax", "SameSite=None", 1) })},
		{"logout-keeps-the-cookie-for-the-header-carrier", "S3", rewrite("logout", func(r *http.Request, b []byte, c *captured) {
			if r.Header.Get("X-Openerp-Session-Id") != "" {
				c.header.Del("Set-Cookie")
			}
		})},

		// JSON edge cases a parser gets wrong.
		{"id-through-float64", "T3", rewriteJSON("", func(r *http.Request, b []byte, v any) any {
			if e := envelope(v); e != nil {
				if n, ok := e["id"].(json.Number); ok {
					f, _ := n.Float64()
					e["id"] = json.Number(fmt.Sprintf("%.0f", f))
				}
			}
			return v
		})},
		{"negative-id-echoed-positive", "T3", rewriteJSON("", func(r *http.Request, b []byte, v any) any {
			if e := envelope(v); e != nil {
				if n, ok := e["id"].(json.Number); ok && strings.HasPrefix(n.String(), "-") {
					e["id"] = json.Number(strings.TrimPrefix(n.String(), "-"))
				}
			}
			return v
		})},
		{"empty-string-id-echoed-as-null", "T3", rewriteJSON("", func(r *http.Request, b []byte, v any) any {
			if e := envelope(v); e != nil && e["id"] == "" {
				e["id"] = nil
			}
			return v
		})},
		{"non-ascii-id-mangled", "T3", rewriteJSON("", func(r *http.Request, b []byte, v any) any {
			if e := envelope(v); e != nil {
				if s, ok := e["id"].(string); ok && !ascii(s) {
					e["id"] = strings.Map(func(r rune) rune {
						if r > unicode.MaxASCII {
							return '?'
						}
						return r
					}, s)
				}
			}
			return v
		})},
		{"pretty-printed-calls-refused", "T2", filter(func(r *http.Request, b []byte) bool { return strings.Contains(string(b), "\n") }, http.StatusBadRequest, -32700)},
		{"params-first-calls-refused", "T2", filter(func(r *http.Request, b []byte) bool {
			return strings.HasPrefix(strings.TrimSpace(string(b)), `{"params"`)
		}, http.StatusBadRequest, -32600)},
		{"escaped-strings-refused", "T2", filter(func(r *http.Request, b []byte) bool { return strings.Contains(string(b), `\u`) }, http.StatusBadRequest, -32700)},
		{"explicit-null-id-refused", "T2", filter(func(r *http.Request, b []byte) bool {
			m, _ := decodeJSON(b).(map[string]any)
			id, has := m["id"]
			return has && id == nil
		}, http.StatusBadRequest, -32600)},
		{"params-null-served", "T5", servedAs(func(m map[string]any) bool {
			p, has := m["params"]
			return has && p == nil
		}, func(m map[string]any) { m["params"] = map[string]any{} })},
		{"put-served-like-post", "T5", func(inner http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPut {
					r.Method = http.MethodPost
				}
				inner.ServeHTTP(w, r)
			})
		}},
		{"null-body-served-as-a-call", "T5", func(inner http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if strings.TrimSpace(string(body(r))) == "null" {
					setBody(r, []byte(`{"jsonrpc": "2.0", "method": "call", "params": {}, "id": null}`))
				}
				inner.ServeHTTP(w, r)
			})
		}},

		// Documented fields out of their bounds.
		{"reset_password-error-without-message-text", "S4", rewriteJSON("reset_password", func(r *http.Request, b []byte, v any) any {
			if res := result(v); res != nil && res["status"] == "error" {
				res["message"] = ""
			}
			return v
		})},
		{"signup-error-without-message-text", "S5", rewriteJSON("signup", func(r *http.Request, b []byte, v any) any {
			if errs, ok := result(v)["errors"].(map[string]any); ok {
				for _, e := range errs {
					e.(map[string]any)["message"] = ""
				}
			}
			return v
		})},
		{"signin-empty-session-id", "S1", rewrite("signin", func(r *http.Request, b []byte, c *captured) {
			v := c.decoded()
			if res := result(v); res != nil && res["session_id"] != nil {
				res["session_id"] = ""
				c.setJSON(v)
			}
		})},
		{"countries-phone_code-without-plus", "S6", countries(func(i int, c map[string]any) { c["phone_code"] = strings.TrimPrefix(str(c["phone_code"]), "+") })},
		{"countries-first-id-zero", "S6", countries(func(i int, c map[string]any) {
			if i == 0 {
				c["id"] = 0
			}
		})},
		{"countries-alpha-3-codes", "S6", countries(func(i int, c map[string]any) { c["code"] = str(c["code"]) + "X" })},

		// Shapes and statuses elsewhere.
		{"reset_password-bare-envelope", "T4", rewriteJSON("reset_password", unwrap)},
		{"signup-error-bare-envelope", "T4", rewriteJSON("signup", func(r *http.Request, b []byte, v any) any {
			if res := result(v); res != nil && res["status"] == "error" {
				return unwrap(r, b, v)
			}
			return v
		})},
		{"reset_password-success-202", "T3", rewrite("reset_password", func(r *http.Request, b []byte, c *captured) {
			if res := result(c.decoded()); res != nil && res["status"] == "success" {
				c.status = http.StatusAccepted
			}
		})},
	}
}

// --- helpers ---

func str(v any) string { s, _ := v.(string); return s }

func runes(v any) int { return len([]rune(str(v))) }

// num is a JSON number's value (NaN when v is none).
func num(v any) float64 {
	n, ok := v.(json.Number)
	if !ok {
		return math.NaN()
	}
	f, _ := n.Float64()
	return f
}

func ascii(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII {
			return false
		}
	}
	return true
}

func hasAstral(s string) bool {
	for _, r := range s {
		if r > 0xFFFF {
			return true
		}
	}
	return false
}

func idOf(b []byte) string {
	m, _ := decodeJSON(b).(map[string]any)
	id, _ := json.Marshal(m["id"])
	return string(id)
}

// writeEnvelope answers an array holding one envelope with result.
func writeEnvelope(w http.ResponseWriter, b []byte, result string) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `[{"id": %s, "jsonrpc": "2.0", "result": %s}]`, idOf(b), result)
}

func writeSignupErrors(w http.ResponseWriter, b []byte, key string) {
	writeEnvelope(w, b, fmt.Sprintf(`{"status": "error", "errors": {%q: {"field": %q, "message": "refused"}}}`, key, key))
}

func writeSigninFailure(w http.ResponseWriter, b []byte) {
	w.Header().Set("Content-Type", "application/json")
	fmt.Fprintf(w, `{"id": %s, "jsonrpc": "2.0", "result": {"status": "error", "message": "Login or password is incorrect"}}`, idOf(b))
}

// refuseSignup answers signups whose params bad picks with an error under
// key (the mock's answer is not asked).
func refuseSignup(key string, bad func(map[string]any) bool) func(http.Handler) http.Handler {
	return func(inner http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if operation(r) == "signup" {
				b := body(r)
				if p := params(b); p != nil && bad(p) {
					writeSignupErrors(w, b, key)
					return
				}
			}
			inner.ServeHTTP(w, r)
		})
	}
}

// refuseReset answers reset_password of logins bad picks with S4's error.
func refuseReset(bad func(login string) bool) func(http.Handler) http.Handler {
	return func(inner http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if operation(r) == "reset_password" {
				b := body(r)
				if l, ok := params(b)["login"].(string); ok && bad(l) {
					writeEnvelope(w, b, `{"status": "error", "message": "invalid email"}`)
					return
				}
			}
			inner.ServeHTTP(w, r)
		})
	}
}

// failSignin answers signins whose params bad picks with S1's failure.
func failSignin(bad func(map[string]any) bool) func(http.Handler) http.Handler {
	return func(inner http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if operation(r) == "signin" {
				b := body(r)
				if p := params(b); p != nil && bad(p) {
					writeSigninFailure(w, b)
					return
				}
			}
			inner.ServeHTTP(w, r)
		})
	}
}

// setCookieRewrite rewrites every Set-Cookie of op's answers.
func setCookieRewrite(op string, f func(string) string) func(http.Handler) http.Handler {
	return rewrite(op, func(r *http.Request, b []byte, c *captured) {
		for i, sc := range c.header.Values("Set-Cookie") {
			c.header["Set-Cookie"][i] = f(sc)
		}
	})
}

// countries rewrites each country get_countries lists.
func countries(f func(i int, c map[string]any)) func(http.Handler) http.Handler {
	return rewriteJSON("get_countries", func(r *http.Request, b []byte, v any) any {
		if a, ok := v.([]any); ok {
			for i, c := range a {
				if m, ok := c.(map[string]any); ok {
					f(i, m)
				}
			}
		}
		return v
	})
}

// unwrap turns an array holding one envelope into the bare envelope.
func unwrap(r *http.Request, b []byte, v any) any {
	if a, ok := v.([]any); ok && len(a) == 1 {
		return a[0]
	}
	return v
}

// servedAs serves calls pick matches after fix rewrites them (a malformed
// call served as if it were well formed: T5 broken).
func servedAs(pick func(map[string]any) bool, fix func(map[string]any)) func(http.Handler) http.Handler {
	return func(inner http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if m, ok := decodeJSON(body(r)).(map[string]any); ok && pick(m) {
				fix(m)
				b, _ := json.Marshal(m)
				setBody(r, b)
			}
			inner.ServeHTTP(w, r)
		})
	}
}

// raced is a non-atomic op: calls of it with the same params that arrive
// while one is in flight are raced. The first waits a moment for company
// (a check-then-act window, bounded); a call that arrives in it is
// answered by dup (nil: served, marked X-Raced with the params' login).
func raced(op string, dup func(w http.ResponseWriter, b []byte)) func(http.Handler) http.Handler {
	const window = 25 * time.Millisecond
	return func(inner http.Handler) http.Handler {
		var mu sync.Mutex
		open := map[string]chan struct{}{}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if operation(r) != op {
				inner.ServeHTTP(w, r)
				return
			}
			b := body(r)
			p := params(b)
			key := strings.ToLower(str(p["login"])) + "\x00" + str(p["password"])
			mu.Lock()
			ch, inFlight := open[key]
			if !inFlight {
				ch = make(chan struct{})
				open[key] = ch
			}
			mu.Unlock()
			if inFlight {
				select {
				case <-ch:
				default:
					close(ch)
				}
				if dup != nil {
					dup(w, b)
					return
				}
				r.Header.Set("X-Raced", key)
				inner.ServeHTTP(w, r)
				return
			}
			t := time.NewTimer(window)
			select {
			case <-ch:
				r.Header.Set("X-Raced", key)
			case <-t.C:
			}
			t.Stop()
			mu.Lock()
			delete(open, key)
			mu.Unlock()
			inner.ServeHTTP(w, r)
		})
	}
}
