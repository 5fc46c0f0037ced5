package conformance

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
)

// Secrets that never leave (issue 18, item 4). Beyond what secrets.go masks
// by the contract's names, three kinds of value are scrubbed from everything
// the suite writes (the text report, repro scripts, the JSON, JUnit and HTML
// reports), wherever they appear, response bodies included, because a
// gateway may echo a request's headers, cookies or body in its error page:
//
//   - every --header value (Options.Header; a gateway's token);
//   - the given account's password (Options.Password);
//   - every session id the deployment hands out (the session cookie's
//     value and the secret fields of an answer, S2), whoever it was for.
//
// A repro script reads the first two from the environment instead
// (NEBEUS_HEADER_1.., NEBEUS_PASSWORD), and captures the session ids it
// uses from the answers of the calls it replays (SID_1..); a session id
// it cannot capture is '***'.

// MinScrubbed is the shortest --header value scrubbed from free text: a
// shorter one ("X-Debug: 1") would blank every such digit or word of the
// report. Repro scripts read every header value from the environment,
// whatever its length.
const MinScrubbed = 4

// minSession is the shortest server-issued secret scrubbed from free text
// (S2's session ids are long random strings).
const minSession = 8

// Environment variables repro scripts read secrets from.
const (
	EnvPassword     = "NEBEUS_PASSWORD"
	envHeaderPrefix = "NEBEUS_HEADER_"
)

// HeaderRef is one --header value as repro scripts read it.
type HeaderRef struct {
	Name, Value string
	// Env is the environment variable the scripts read it from.
	Env string
	// token stands for the value while a command is built, so quoting and
	// redaction leave it whole; it becomes a reference to Env at the end.
	token string
}

// HeaderRefs are the run's --header values, in the order of their names
// then of their values: NEBEUS_HEADER_1 is the first.
func HeaderRefs(h http.Header) []HeaderRef {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var out []HeaderRef
	for _, k := range keys {
		for _, v := range h[k] {
			n := len(out) + 1
			out = append(out, HeaderRef{Name: k, Value: v, Env: fmt.Sprintf("%s%d", envHeaderPrefix, n),
				token: fmt.Sprintf("zzNEBEUSSECRETH%dzz", n)})
		}
	}
	return out
}

// passwordToken stands for the given account's password while a command
// is built (see HeaderRef.token), passwordJSONToken for it inside a JSON
// string (a body).
const (
	passwordToken     = "zzNEBEUSSECRETPWzz"
	passwordJSONToken = "zzNEBEUSSECRETPWJzz"
)

// jsonEnvRef reads a variable into a JSON string of a single-quoted shell
// word: as envRef when its value needs no escaping in JSON, else escaping
// its quotes and backslashes on the way.
func jsonEnvRef(name, value string) string {
	if b, _ := json.Marshal(value); string(b) == `"`+value+`"` {
		return envRef(name)
	}
	return `'"$(printf '%s' "${` + name + `}" | sed 's/[\\"]/\\&/g')"'`
}

// envRef is how a single-quoted shell word reads a variable: it closes the
// quote, expands the variable (double-quoted) and reopens the quote.
func envRef(name string) string { return `'"${` + name + `}"'` }

// Scrubber replaces secret values in text bound for a report by "***", in
// every form a deployment may echo them: as sent, JSON-escaped,
// URL-encoded, shell-quoted.
type Scrubber struct {
	forms []string // longest first
	// r replaces them all in one pass (built when first used).
	once sync.Once
	r    *strings.Replacer
}

// NewScrubber scrubs values (those shorter than min are left: see
// MinScrubbed).
func NewScrubber(min int, values ...string) *Scrubber {
	sc := &Scrubber{}
	sc.add(min, values...)
	return sc
}

func (sc *Scrubber) add(min int, values ...string) {
	seen := map[string]bool{}
	for _, f := range sc.forms {
		seen[f] = true
	}
	for _, v := range values {
		if len(v) < min || v == "" {
			continue
		}
		for _, f := range forms(v) {
			if f != "" && !seen[f] {
				seen[f] = true
				sc.forms = append(sc.forms, f)
			}
		}
	}
	slices.SortStableFunc(sc.forms, func(a, b string) int { return len(b) - len(a) })
}

// OptionsScrubber scrubs what opts hold secret: every header value and the
// password (a parent of parallel shards, which saw no session id itself,
// scrubs their merged reports with it once more).
func OptionsScrubber(opts Options) *Scrubber {
	var vs []string
	for _, r := range HeaderRefs(opts.Header) {
		vs = append(vs, r.Value)
	}
	sc := NewScrubber(MinScrubbed, vs...)
	sc.add(1, opts.Password)
	return sc
}

// String returns t with every secret form replaced by "***".
func (sc *Scrubber) String(t string) string {
	if sc == nil || len(sc.forms) == 0 {
		return t
	}
	sc.once.Do(func() {
		// At each place the first form that matches wins: the longest.
		pairs := make([]string, 0, 2*len(sc.forms))
		for _, f := range sc.forms {
			pairs = append(pairs, f, "***")
		}
		sc.r = strings.NewReplacer(pairs...)
	})
	return sc.r.Replace(t)
}

// forms are the ways v may be written back: as is, JSON-escaped (with and
// without HTML escaping), URL-encoded, and inside single shell quotes.
func forms(v string) []string {
	out := []string{v}
	if b, err := json.Marshal(v); err == nil {
		out = append(out, string(b[1:len(b)-1]))
	}
	var sb strings.Builder
	enc := json.NewEncoder(&sb)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) == nil {
		s := strings.TrimSpace(sb.String())
		out = append(out, s[1:len(s)-1])
	}
	out = append(out, url.QueryEscape(v), url.PathEscape(v), strings.ReplaceAll(v, "'", `'\''`))
	return slices.Compact(out)
}

// issued holds every secret value the deployment handed out (session ids),
// scrubbed from every report whoever it was for.
type issued struct {
	mu     sync.Mutex
	values map[string]bool
}

func (i *issued) add(v string) {
	if len(v) < minSession {
		return
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.values == nil {
		i.values = map[string]bool{}
	}
	i.values[v] = true
}

func (i *issued) list() []string {
	i.mu.Lock()
	defer i.mu.Unlock()
	out := make([]string, 0, len(i.values))
	for v := range i.values {
		out = append(out, v)
	}
	return out
}

// scrubber scrubs everything the run holds secret, as far as this process
// has seen: header values, the password, the given account's secrets and
// every session id handed out.
func (s *suite) scrubber() *Scrubber {
	hidden, issued := s.book.hiddenValues(), s.issued.list()
	s.scrubMu.Lock()
	defer s.scrubMu.Unlock()
	// The sets only grow: their sizes say whether the cached one is
	// still whole.
	if n := [2]int{len(hidden), len(issued)}; s.scrubCache == nil || n != s.scrubSizes {
		sc := OptionsScrubber(s.opts)
		sc.add(1, hidden...)
		sc.add(minSession, issued...)
		s.scrubCache, s.scrubSizes = sc, n
	}
	return s.scrubCache
}

// scrub removes every secret of the run from text bound for a report.
func (s *suite) scrub(t string) string { return s.scrubber().String(t) }

// tokenize replaces the password and header values in a request about to
// be rendered as a command by their tokens.
func (s *suite) tokenizeBody(body []byte) []byte {
	if s.opts.Password == "" || body == nil {
		return body
	}
	t := string(body)
	for _, f := range forms(s.opts.Password) {
		// Only the forms a JSON body holds: the URL and shell forms of a
		// password may be plain text of the body too.
		if strings.Contains(f, "%") || strings.Contains(f, `'\''`) {
			continue
		}
		t = strings.ReplaceAll(t, f, passwordJSONToken)
	}
	return []byte(t)
}

func (s *suite) tokenizeURL(raw string) string {
	if s.opts.Password == "" {
		return raw
	}
	return strings.ReplaceAll(raw, url.QueryEscape(s.opts.Password), passwordToken)
}

// headerToken is the token of a header sent as given by --header, or "".
func (s *suite) headerToken(name, value string) string {
	for _, r := range s.headerRefs {
		if strings.EqualFold(r.Name, name) && r.Value == value {
			return r.token
		}
	}
	return ""
}

// untokenize turns the tokens of a rendered command into references to
// the environment, and lists the variables it reads.
func (s *suite) untokenize(cmd string) (string, []string) {
	var used []string
	if strings.Contains(cmd, passwordToken) || strings.Contains(cmd, passwordJSONToken) {
		cmd = strings.ReplaceAll(cmd, passwordJSONToken, jsonEnvRef(EnvPassword, s.opts.Password))
		cmd = strings.ReplaceAll(cmd, passwordToken, envRef(EnvPassword))
		used = append(used, EnvPassword)
	}
	for _, r := range s.headerRefs {
		if strings.Contains(cmd, r.token) {
			cmd = strings.ReplaceAll(cmd, r.token, envRef(r.Env))
			used = append(used, r.Env)
		}
	}
	return cmd, used
}

// envNotes are the comment lines a script starts with for the variables
// it reads.
func (s *suite) envNotes(used []string) []string {
	var out []string
	for _, e := range used {
		if e == EnvPassword {
			out = append(out, "# "+EnvPassword+": the password of "+s.opts.Login)
			continue
		}
		for _, r := range s.headerRefs {
			if r.Env == e {
				out = append(out, "# "+e+": the value of --header "+r.Name)
			}
		}
	}
	return out
}

// command finishes a command rendered by curl for a report: every secret
// scrubbed (a session id a script captures is replaced before), the
// tokens turned into references to the environment; it lists the
// variables the command reads.
func (s *suite) command(line string) (string, []string) {
	return s.untokenize(s.scrub(line))
}
