package conformance_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/nebeus/nebeus-contract/schemas"
)

// strongerMutant is a mutant that only one of the stronger checks (issue
// 18, item 8: here the transport limits at their edges, specs_limits.go,
// Unicode in logins, specs_unicode.go;
// the differential, client and raw-byte checks have theirs in
// mutants_checks_test.go) catches: every spec it fails names one of
// caughtBy, and each of caughtBy fails at least one spec.
type strongerMutant struct {
	mutant
	caughtBy []string
}

func strongerMutants() []strongerMutant {
	return []strongerMutant{
		// T5: a deployment that breaks on large bodies (a 5xx where its
		// limit should answer 413): past the limit, and from the limit on.
		{mutant{"body-past-the-limit-5xx", "T5", failBodiesOver(contractMaxBody())}, []string{"T5 a call one byte past the body limit"}},
		{mutant{"body-at-the-limit-5xx", "T5", failBodiesOver(contractMaxBody() - 1)}, []string{"T5 a call of exactly the body limit", "T5 a call one byte past the body limit"}},

		// S1: a login whose domain is internationalised refused with a
		// text of its own (a domain check before the lookup).
		{mutant{"signin-own-text-for-idn-domains", "S1", func(inner http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if operation(r) == "signin" {
					b := body(r)
					if _, domain, _ := strings.Cut(str(params(b)["login"]), "@"); !ascii(domain) {
						w.Header().Set("Content-Type", "application/json")
						fmt.Fprintf(w, `{"id": %s, "jsonrpc": "2.0", "result": {"status": "error", "message": "Invalid email domain"}}`, idOf(b))
						return
					}
				}
				inner.ServeHTTP(w, r)
			})
		}}, []string{"S1 signin fails an unknown login with an internationalised domain"}},

		// Every documented type of value (T5: a 5xx for a valid value): a strict integer parser
		// (strconv.Atoi on the number's text) that breaks on a whole
		// number written with a fraction part, which JSON Schema counts
		// as an integer and Python's floats write.
		{mutant{"signup-500-on-integers-written-1.0", "T5", func(inner http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if operation(r) == "signup" {
					for _, v := range params(body(r)) {
						if n, ok := v.(json.Number); ok && strings.HasSuffix(string(n), ".0") {
							http.Error(w, "internal error", http.StatusInternalServerError)
							return
						}
					}
				}
				inner.ServeHTTP(w, r)
			})
		}}, []string{"S5 signup with device_type written with a fraction part", "S5 signup with timezone written with a fraction part"}},
		// Every documented type of value (T3): logout refuses an empty
		// session_id, a value its string type admits, as invalid params:
		// a clean rejection, which the negative inputs allow an edge value,
		// but not the documented answer the type promises.
		{mutant{"logout-refuses-empty-session-id", "T3", func(inner http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if operation(r) == "logout" {
					if id, ok := params(body(r))["session_id"].(string); ok && id == "" {
						jsonError(w, http.StatusBadRequest, -32602, "invalid params")
						return
					}
				}
				inner.ServeHTTP(w, r)
			})
		}}, []string{"T2 logout with session_id sent empty"}},
	}
}

// failBodiesOver answers 500 to a request whose body is longer than n
// bytes, as a backend does that breaks where it should refuse.
func failBodiesOver(n int64) func(http.Handler) http.Handler {
	return func(inner http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, err := io.ReadAll(io.LimitReader(r.Body, n+1))
			if err != nil || int64(len(b)) > n {
				http.Error(w, "internal error", http.StatusInternalServerError)
				return
			}
			r.Body = io.NopCloser(bytes.NewReader(b))
			inner.ServeHTTP(w, r)
		})
	}
}

// contractMaxBody is the request body limit of the embedded contract (T5).
func contractMaxBody() int64 {
	c, err := schemas.Default()
	if err != nil {
		panic(err)
	}
	return c.Model().MaxBody
}

// failedSpecs are the texts of the specs a run of the binary failed, from
// Ginkgo's summary ("[FAIL] container [It] text [labels]").
func failedSpecs(out string) []string {
	var specs []string
	for _, l := range strings.Split(out, "\n") {
		_, rest, ok := strings.Cut(l, "[FAIL] ")
		if !ok {
			continue
		}
		_, text, ok := strings.Cut(rest, "[It] ")
		if !ok {
			continue
		}
		if i := strings.LastIndex(text, " ["); i > 0 {
			text = text[:i]
		}
		if !slices.Contains(specs, text) {
			specs = append(specs, text)
		}
	}
	return specs
}

// TestStrongerChecksCatchTheirOwnMutants runs the whole suite against each
// mutant of the stronger checks: it must fail, and only in the specs of the
// check the mutant is for (each of which must fail), so each check is
// proven to catch what nothing else does.
func TestStrongerChecksCatchTheirOwnMutants(t *testing.T) {
	onlyUnderGoTest(t)
	binaries(t)
	var ms []mutant
	for _, m := range strongerMutants() {
		ms = append(ms, m.mutant)
	}
	urls := mutantServers(t, names(ms))
	// Subtests: one mutant runs alone with -run 'TestStronger.../NAME';
	// they run in parallel up to -parallel (GOMAXPROCS).
	for _, m := range strongerMutants() {
		t.Run(m.name, func(t *testing.T) {
			t.Parallel()
			srv := served{urls[m.name]}
			// The state machines get a small budget: they are not what
			// these mutants are for, and a full budget adds nothing here.
			res := runConformance(context.Background(), t, srv.URL, nil, "--timeout", "2s", "--steps", "40", "--steps-time", "200ms")
			if res.code != 1 {
				t.Fatalf("mutant %s [%s] survived: exit status %d\n%s", m.name, m.decision, res.code, tail(res.out, 40))
			}
			failed := failedSpecs(res.out)
			for _, f := range failed {
				if !slices.ContainsFunc(m.caughtBy, func(c string) bool { return strings.HasPrefix(f, c) }) {
					t.Errorf("mutant %s [%s] is also caught by %q: not only by %q", m.name, m.decision, f, m.caughtBy)
				}
			}
			for _, c := range m.caughtBy {
				if !slices.ContainsFunc(failed, func(f string) bool { return strings.HasPrefix(f, c) }) {
					t.Errorf("mutant %s [%s]: no failing spec starts with %q; failed: %q\n%s", m.name, m.decision, c, failed, tail(res.out, 60))
				}
			}
			if !strings.Contains(res.out, "["+m.decision+"] violation") {
				t.Errorf("mutant %s: the report never names a [%s] violation", m.name, m.decision)
			}
		})
	}
}
