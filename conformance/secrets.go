package conformance

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"

	"github.com/nebeus/nebeus-contract/schemas"
)

// What a report shows and what it masks. The contract's secret arguments
// and fields (Contract.Secrets: passwords, session ids; M4, S2) are masked
// as '***' wherever they occur (a body, the query, a cookie), with two
// exceptions that make a repro reproduce:
//
//   - values the run made up itself are shown: the throwaway passwords of
//     the accounts it creates, the bad values it sends, and the session ids
//     the server hands to those accounts. They are not secrets, and a
//     script without them cannot replay a success path;
//   - values that belong to the account given to the run (--password and
//     every secret the server answers a request carrying it with: its
//     sessions) are masked everywhere, even in text that does not name them
//     as secrets.
//
// A secret value the suite did not see made up (a body it was handed) stays
// masked: showing is the exception.
type secretBook struct {
	mu     sync.Mutex
	shown  map[string]bool
	hidden map[string]bool
}

func (b *secretBook) show(v string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.shown == nil {
		b.shown = map[string]bool{}
	}
	if !b.hidden[v] {
		b.shown[v] = true
	}
}

func (b *secretBook) hide(v string) {
	if v == "" {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.hidden == nil {
		b.hidden = map[string]bool{}
	}
	b.hidden[v] = true
	delete(b.shown, v)
}

func (b *secretBook) isShown(v string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.shown[v]
}

func (b *secretBook) isHidden(v string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.hidden[v]
}

// hiddenValues are the values masked everywhere, longest first (so a value
// containing another is masked whole).
func (b *secretBook) hiddenValues() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make([]string, 0, len(b.hidden))
	for v := range b.hidden {
		out = append(out, v)
	}
	slices.SortFunc(out, func(x, y string) int { return len(y) - len(x) })
	return out
}

// throwaway records a value the suite made up (a password, a session id no
// server issued): a report shows it.
func (s *suite) throwaway(v string) string {
	s.book.show(v)
	return v
}

// noteRequest records the secret values a request carries: made up by the
// suite (shown) unless they are the given account's (hidden). It reports
// whether the request carries a hidden value: then whatever secret the
// answer holds belongs to that account too.
func (s *suite) noteRequest(hdr http.Header, body []byte) bool {
	carries := false
	for _, vs := range hdr {
		for _, v := range vs {
			for _, h := range s.book.hiddenValues() {
				if strings.Contains(v, h) {
					carries = true
				}
			}
		}
	}
	v, err := schemas.Decode(body)
	if err != nil {
		return carries
	}
	s.walkSecrets(v, func(val string) {
		if s.book.isHidden(val) {
			carries = true
		}
	})
	if carries {
		return true
	}
	s.walkSecrets(v, s.book.show)
	return false
}

// noteResponse records the secrets an answer hands out (session ids in
// the body and the cookie): the given account's are hidden, the run's own
// shown.
func (s *suite) noteResponse(ex *exchange, carriesHidden bool) {
	note := s.book.show
	if carriesHidden {
		note = s.book.hide
	}
	if v, err := schemas.Decode(ex.Body); err == nil {
		s.walkSecrets(v, func(val string) {
			note(val)
			s.issued.add(val)
		})
	}
	for _, c := range (&http.Response{Header: ex.Header}).Cookies() {
		if s.secret(c.Name) && c.Value != "" {
			note(c.Value)
			s.issued.add(c.Value)
		}
	}
}

// walkSecrets calls f with every string value under a key naming a secret.
func (s *suite) walkSecrets(v any, f func(string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if str, ok := e.(string); ok && s.secret(k) {
				f(str)
				continue
			}
			s.walkSecrets(e, f)
		}
	case []any:
		for _, e := range x {
			s.walkSecrets(e, f)
		}
	}
}

// secret reports whether a key names one of the contract's secret
// arguments or fields (Contract.Secrets: M4, S2).
func (s *suite) secret(key string) bool { return slices.Contains(s.secrets, key) }

// masked reports whether a secret-keyed value is masked: unless the run
// made it up.
func (s *suite) masked(v string) bool { return !s.book.isShown(v) || s.book.isHidden(v) }

// redactBody replaces the string value of every key naming a secret of the
// contract in a JSON body with "***", unless the run made it up; a body
// that is not JSON, or holds no masked secret, is returned as sent.
func (s *suite) redactBody(body []byte) []byte {
	v, err := schemas.Decode(body)
	if err != nil || !s.redactValue(v) {
		return body
	}
	out, err := json.Marshal(v)
	if err != nil {
		return body
	}
	return out
}

func (s *suite) redactValue(v any) bool {
	changed := false
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s.secret(k) {
				if str, isStr := e.(string); isStr && s.masked(str) {
					x[k], changed = "***", true
					continue
				}
			}
			changed = s.redactValue(e) || changed
		}
	case []any:
		for _, e := range x {
			changed = s.redactValue(e) || changed
		}
	}
	return changed
}

// redactURL masks the values of secret query arguments.
func (s *suite) redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.RawQuery == "" {
		return raw
	}
	q := u.Query()
	changed := false
	for k, vs := range q {
		if s.secret(k) && len(vs) > 0 && s.masked(vs[0]) {
			q[k], changed = []string{"***"}, true
		}
	}
	if !changed {
		return raw
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// redactCookies masks the values of cookies named like a secret (S2's
// session cookie).
func (s *suite) redactCookies(v string) string {
	parts := strings.Split(v, ";")
	for i, p := range parts {
		name, val, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok && s.secret(name) && s.masked(val) {
			parts[i] = " " + name + "=***"
			if i == 0 {
				parts[i] = name + "=***"
			}
		}
	}
	return strings.Join(parts, ";")
}

// redact removes every secret of the given account (its password, its
// sessions) from text bound for a report.
func (s *suite) redact(t string) string {
	for _, h := range s.book.hiddenValues() {
		t = strings.ReplaceAll(t, h, "***")
	}
	return t
}
