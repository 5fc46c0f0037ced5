package mockserver

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"

	"github.com/nebeus/nebeus-contract/mockserver/state"
	"github.com/nebeus/nebeus-contract/schemas"
)

// maxJournalBody bounds what one journal entry keeps of a request or
// response: with the journal's bounded length, memory stays bounded
// whatever clients send.
const maxJournalBody = 16 << 10

// redacted replaces passwords in the journal (M4).
const redacted = "***"

// Keys whose values never reach the journal as sent: passwords are replaced
// by "***" (M4), session ids cut to a prefix (S2: a journal must not hand
// out live sessions).
var (
	passwordKeys = map[string]bool{"password": true, "confirm_password": true}
	sessionKeys  = map[string]bool{"session_id": true}
)

// journalAppend records one operation request in its namespace's journal.
func (s *Server) journalAppend(ex *exchange) {
	e := state.Entry{
		Time:      s.now(),
		Operation: ex.op.ID,
		Request:   redactRequest(ex.reqRaw, ex.reqDecoded),
		Status:    ex.status,
		Namespace: ex.ns.Name(),
	}
	if ex.resp != nil {
		e.Response = redactResponse(ex.resp)
	}
	for _, v := range ex.violations {
		e.Violations = append(e.Violations, state.Violation{Pointer: v.Pointer, Message: v.Message, Decision: v.Decision})
	}
	ex.ns.Journal().Append(e)
}

// redactRequest is the request as the journal keeps it: the decoded body
// re-encoded with passwords and session ids redacted; a body that is not
// JSON kept as a string, redacted by pattern; nil without a body.
func redactRequest(raw []byte, decoded any) json.RawMessage {
	if raw == nil {
		return nil
	}
	if decoded == nil && !bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return notJSON(raw)
	}
	if !bytes.Contains(raw, []byte("password")) && !bytes.Contains(raw, []byte("session_id")) && len(raw) <= maxJournalBody {
		return json.RawMessage(bytes.Clone(raw)) // nothing to hide; the body is the caller's buffer
	}
	b, err := marshal(redactTree(decoded))
	if err != nil || len(b) > maxJournalBody {
		return truncated(len(raw))
	}
	return b
}

// redactResponse hides session ids in a response (signin's session_id).
// Responses without one, get_countries' included, are kept as they are:
// their bytes are not copied.
func redactResponse(b []byte) json.RawMessage {
	if !bytes.Contains(b, []byte("session_id")) {
		if len(b) > maxJournalBody {
			return truncated(len(b))
		}
		return b
	}
	v, err := schemas.Decode(b)
	if err != nil {
		return notJSON(b)
	}
	out, err := marshal(redactTree(v))
	if err != nil {
		return truncated(len(b))
	}
	return out
}

// redactTree returns a copy of v with the values of password keys replaced
// and session ids cut, at any depth.
func redactTree(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			switch {
			case passwordKeys[k]:
				out[k] = redacted
			case sessionKeys[k]:
				if s, ok := val.(string); ok {
					out[k] = redactSession(s)
				} else {
					out[k] = redactTree(val)
				}
			default:
				out[k] = redactTree(val)
			}
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, val := range x {
			out[i] = redactTree(val)
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

// secretPattern finds password and session values in text that is not
// valid JSON, so a malformed body does not leak them either.
var secretPattern = regexp.MustCompile(`("(?:confirm_password|password|session_id)"\s*:\s*)("(?:[^"\\]|\\.)*"?|[^,}\s]*)`)

// notJSON keeps a body that is not JSON as a JSON string, secrets redacted.
func notJSON(raw []byte) json.RawMessage {
	if len(raw) > maxJournalBody {
		return truncated(len(raw))
	}
	clean := secretPattern.ReplaceAll(raw, []byte(`$1"`+redacted+`"`))
	b, _ := json.Marshal(string(bytes.ToValidUTF8(clean, []byte("\uFFFD"))))
	return b
}

func truncated(n int) json.RawMessage {
	return json.RawMessage(strconv.Quote("(" + strconv.Itoa(n) + " bytes, not kept)"))
}
