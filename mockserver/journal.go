package mockserver

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"

	"github.com/nebeus/nebeus-contract/mockserver/state"
	"github.com/nebeus/nebeus-contract/schemas"
	"github.com/nebeus/nebeus-contract/spec/model"
)

// maxJournalBody bounds what one journal entry keeps of a request or
// response: with the journal's bounded length, memory stays bounded
// whatever clients send.
const maxJournalBody = 16 << 10

// redacted replaces passwords in the journal (M4).
const redacted = "***"

// secrets are the keys whose values never reach the journal as sent, read
// from the contract model (x-secret): a secret that only clients send (a
// password) is replaced by "***" (M4); one the API also hands out (a
// session id) is cut to a prefix, enough to tell sessions apart (S2: a
// journal must not hand out live sessions).
type secrets struct {
	hidden, tokens map[string]bool
	names          [][]byte       // every secret key, for a cheap first look
	pattern        *regexp.Regexp // the same keys in text that is not JSON
}

func newSecrets(m *model.Contract) secrets {
	s := secrets{hidden: map[string]bool{}, tokens: map[string]bool{}}
	for _, o := range m.Operations {
		for _, v := range o.Variants {
			for _, f := range v.Fields {
				if f.Secret {
					s.tokens[f.Name()] = true
				}
			}
		}
	}
	var quoted []string
	for _, name := range m.Secrets() {
		if !s.tokens[name] {
			s.hidden[name] = true
		}
		s.names = append(s.names, []byte(name))
		quoted = append(quoted, regexp.QuoteMeta(name))
	}
	if len(quoted) == 0 {
		quoted = []string{"$^"} // matches nothing
	}
	s.pattern = regexp.MustCompile(`("(?:` + strings.Join(quoted, "|") + `)"\s*:\s*)("(?:[^"\\]|\\.)*"?|[^,}\s]*)`)
	return s
}

// mentioned reports whether b may hold a secret.
func (s secrets) mentioned(b []byte) bool {
	for _, n := range s.names {
		if bytes.Contains(b, n) {
			return true
		}
	}
	return false
}

// journalAppend records one operation request in its namespace's journal.
func (s *Server) journalAppend(ex *exchange) {
	e := state.Entry{
		Time:      s.now(),
		Operation: ex.op.ID,
		Request:   s.secrets.redactRequest(ex.reqRaw, ex.reqDecoded),
		Status:    ex.status,
		Namespace: ex.ns.Name(),
	}
	if ex.resp != nil {
		e.Response = s.secrets.redactResponse(ex.resp)
	}
	for _, v := range ex.violations {
		e.Violations = append(e.Violations, state.Violation{Pointer: v.Pointer, Message: v.Message, Decision: v.Decision})
	}
	ex.ns.Journal().Append(e)
}

// redactRequest is the request as the journal keeps it: the decoded body
// re-encoded with passwords and session ids redacted; a body that is not
// JSON kept as a string, redacted by pattern; nil without a body.
func (s secrets) redactRequest(raw []byte, decoded any) json.RawMessage {
	if raw == nil {
		return nil
	}
	if decoded == nil && !bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return s.notJSON(raw)
	}
	if !s.mentioned(raw) && len(raw) <= maxJournalBody {
		return json.RawMessage(bytes.Clone(raw)) // nothing to hide; the body is the caller's buffer
	}
	b, err := marshal(s.redactTree(decoded))
	if err != nil || len(b) > maxJournalBody {
		return truncated(len(raw))
	}
	return b
}

// redactResponse hides session ids in a response (signin's session_id).
// Responses without one, get_countries' included, are kept as they are:
// their bytes are not copied.
func (s secrets) redactResponse(b []byte) json.RawMessage {
	if !s.mentioned(b) {
		if len(b) > maxJournalBody {
			return truncated(len(b))
		}
		return b
	}
	v, err := schemas.Decode(b)
	if err != nil {
		return s.notJSON(b)
	}
	out, err := marshal(s.redactTree(v))
	if err != nil {
		return truncated(len(b))
	}
	return out
}

// redactTree returns a copy of v with the values of password keys replaced
// and session ids cut, at any depth.
func (s secrets) redactTree(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			switch {
			case s.hidden[k]:
				out[k] = redacted
			case s.tokens[k]:
				if str, ok := val.(string); ok {
					out[k] = redactSession(str)
				} else {
					out[k] = s.redactTree(val)
				}
			default:
				out[k] = s.redactTree(val)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = s.redactTree(val)
		}
		return out
	}
	return v
}

// redactSession keeps a prefix, enough to tell sessions apart in a journal
// or log, too little to use one.
func redactSession(id string) string {
	if len(id) <= 8 {
		return redacted
	}
	return id[:8] + "…"
}

// notJSON keeps a body that is not JSON as a JSON string, secrets redacted.
// Secret values in text that is not valid JSON are found by pattern, so a
// malformed body does not leak them either.
func (s secrets) notJSON(raw []byte) json.RawMessage {
	if len(raw) > maxJournalBody {
		return truncated(len(raw))
	}
	clean := s.pattern.ReplaceAll(raw, []byte(`$1"`+redacted+`"`))
	b, _ := json.Marshal(string(bytes.ToValidUTF8(clean, []byte("\uFFFD"))))
	return b
}

func truncated(n int) json.RawMessage {
	return json.RawMessage(strconv.Quote("(" + strconv.Itoa(n) + " bytes, not kept)"))
}
