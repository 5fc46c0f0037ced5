package journal

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/nebeus/nebeus-contract/mockserver/state"
	"github.com/nebeus/nebeus-contract/mockserver/wire"
	"github.com/nebeus/nebeus-contract/spec/model"
)

// maxJournalBody bounds what one journal entry keeps of a request or
// response: with the journal's bounded length, memory stays bounded
// whatever clients send.
const maxJournalBody = 16 << 10

// Redacted replaces passwords in the journal (M4).
const Redacted = "***"

// Secrets are the keys whose values never leave the journal as sent, read
// from the contract model (x-secret): a secret that only clients send (a
// password) is replaced by "***" (M4); one the API also hands out (a
// session id) is cut to a prefix, enough to tell sessions apart (S2: a
// journal must not hand out live sessions). Keys are compared decoded,
// never as raw text: "pass\u0077ord" is the password key.
type Secrets struct {
	hidden, tokens map[string]bool
	// quoted are the hidden keys as JSON strings, and mask redacted as
	// one, encoded once rather than on every request.
	quoted [][]byte
	mask   []byte
}

// New reads the secrets of the contract m.
func New(m *model.Contract) Secrets {
	s := Secrets{hidden: map[string]bool{}, tokens: map[string]bool{}}
	for _, o := range m.Operations {
		for _, v := range o.Variants {
			for _, f := range v.Fields {
				if f.Secret {
					s.tokens[f.Name()] = true
				}
			}
		}
	}
	for _, name := range m.Secrets() {
		if !s.tokens[name] && !s.hidden[name] {
			s.hidden[name] = true
			s.quoted = append(s.quoted, wire.AppendString(nil, name))
		}
	}
	s.mask = wire.AppendString(nil, Redacted)
	return s
}

// KeepRequest is what an entry holds of a request: its bytes, unless it
// carries a hidden secret (a password, M4), which is redacted now. A body
// that did not decode is redacted now when it names a secret or escapes a
// character (a key may hide behind \u escapes), since no tree says what
// it holds.
func (s Secrets) KeepRequest(raw []byte, decoded any) json.RawMessage {
	if raw == nil || len(raw) > maxJournalBody {
		return Keep(raw)
	}
	if decoded != nil {
		if !s.mayHoldHidden(raw) || !s.holdsHidden(decoded, 0) {
			return Keep(raw)
		}
		if b, ok := s.maskValues(raw, decoded); ok {
			return b
		}
		return s.redact(raw)
	}
	if bytes.IndexByte(raw, '\\') >= 0 || s.mentioned(raw) {
		return s.redact(raw)
	}
	return Keep(raw)
}

// mayHoldHidden is false when raw cannot decode to a tree with a hidden
// key: no escape at all, and no hidden key's name in its text (a decoded
// key is then its raw text). The common request is told apart by a few
// byte searches instead of a walk of its tree.
func (s Secrets) mayHoldHidden(raw []byte) bool {
	if bytes.IndexByte(raw, '\\') >= 0 {
		return true
	}
	for _, q := range s.quoted {
		if bytes.Contains(raw, q[1:len(q)-1]) {
			return true
		}
	}
	return false
}

// holdsHidden reports whether a decoded value has a hidden secret's key
// at any depth (bounded as redact is).
func (s Secrets) holdsHidden(v any, depth int) bool {
	if depth > MaxDepth {
		return true
	}
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s.hidden[k] || s.holdsHidden(e, depth+1) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if s.holdsHidden(e, depth+1) {
				return true
			}
		}
	}
	return false
}

// maskValues is a copy of raw with each hidden secret's string value, as
// its JSON text, replaced by redacted: the cheap way, taken when every such
// value appears in raw exactly as encoding/json writes it (no escapes of
// its own); otherwise ok is false and the tree is re-encoded.
func (s Secrets) maskValues(raw []byte, decoded any) ([]byte, bool) {
	var values []string
	if !s.hiddenValues(decoded, 0, &values) {
		return nil, false
	}
	// A key given twice decodes to its last value only: the text of the
	// others must go too, which only the token-by-token redaction sees.
	keys := 0
	for _, q := range s.quoted {
		keys += bytes.Count(raw, q)
	}
	if keys > len(values) {
		return nil, false
	}
	out := bytes.Clone(raw)
	mask := s.mask
	for _, v := range values {
		q := wire.AppendString(nil, v)
		if !bytes.Contains(out, q) {
			return nil, false
		}
		out = bytes.ReplaceAll(out, q, mask)
	}
	return out, true
}

// hiddenValues collects the string values of hidden secrets; false when
// one is not a string (then only re-encoding can hide it).
func (s Secrets) hiddenValues(v any, depth int, out *[]string) bool {
	if depth > MaxDepth {
		return false
	}
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s.hidden[k] {
				str, ok := e.(string)
				if !ok || str == "" {
					return false
				}
				*out = append(*out, str)
				continue
			}
			if !s.hiddenValues(e, depth+1, out) {
				return false
			}
		}
	case []any:
		for _, e := range x {
			if !s.hiddenValues(e, depth+1, out) {
				return false
			}
		}
	}
	return true
}

// mentioned reports whether b names a secret in plain text.
func (s Secrets) mentioned(b []byte) bool {
	for name := range s.hidden {
		if bytes.Contains(b, []byte(name)) {
			return true
		}
	}
	for name := range s.tokens {
		if bytes.Contains(b, []byte(name)) {
			return true
		}
	}
	return false
}

// Keep is what an entry holds of a body: the bytes, or past maxJournalBody
// only their length (so a journal's memory stays bounded).
func Keep(b []byte) json.RawMessage {
	if b == nil {
		return nil
	}
	if len(b) > maxJournalBody {
		return truncated(len(b))
	}
	return b
}

// View is an entry as the journal is read (GET /_mock/journal, the
// console): request and response redacted.
func (s Secrets) View(e state.Entry) state.Entry {
	e.Request = s.redact(e.Request)
	e.Response = s.redactAnswer(e.Response)
	return e
}

// Entries are a journal's entries as read.
func (s Secrets) Entries(j *state.Journal) []state.Entry {
	es := j.Entries()
	for i := range es {
		es[i] = s.View(es[i])
	}
	return es
}

// Secret reports whether key is a secret's, hidden or a token.
func (s Secrets) Secret(key string) bool { return s.hidden[key] || s.tokens[key] }

// redact re-encodes a body with every secret's value redacted, at any
// depth, reading it token by token so that keys are compared decoded. A
// body that is valid JSON comes out as JSON, keys in their order; one that
// is not comes out as a JSON string: what was read before the error,
// redacted alike, and where the error is. A body keep already cut (a JSON
// string) is left alone.
func (s Secrets) redact(b json.RawMessage) json.RawMessage { return s.redactBody(b, false) }

// redactAnswer is redact for an answer, where a secret's key names what
// an object is about rather than holding the secret: signup's
// errors.password is {"field", "message"}, the message no secret (issue
// 19). There a secret key's text or number is redacted, and an object or
// array under it is walked like any other, its own secret keys redacted.
// A request's secret key holds what the client sent, redacted whole.
func (s Secrets) redactAnswer(b json.RawMessage) json.RawMessage { return s.redactBody(b, true) }

func (s Secrets) redactBody(b json.RawMessage, answer bool) json.RawMessage {
	if len(b) == 0 {
		return b
	}
	var out bytes.Buffer
	r := redactor{s: s, dec: json.NewDecoder(bytes.NewReader(b)), out: &out, answer: answer}
	r.dec.UseNumber()
	err := r.copyValue(0, "")
	if err == nil {
		if rest := bytes.TrimSpace(b[r.dec.InputOffset():]); len(rest) == 0 {
			return out.Bytes()
		}
		err = errors.New("data after the JSON value")
	}
	text := out.String() + " … (not JSON after byte " + strconv.FormatInt(r.dec.InputOffset(), 10) + " of " + strconv.Itoa(len(b)) + ": " + err.Error() + ")"
	q, _ := wire.Marshal(text)
	return q
}

// MaxDepth bounds the nesting redact follows (encoding/json's own
// limit is 10000); deeper, the body is reported as not kept.
const MaxDepth = 1000

// redactor re-encodes one JSON value from a token stream.
type redactor struct {
	s      Secrets
	dec    *json.Decoder
	out    *bytes.Buffer
	answer bool // redactAnswer: only a secret key's scalar is redacted
}

var errTooDeep = errors.New("nested too deep to show")

// copyValue copies the next value, the value of key in an object ("" for
// an array item or the body): redacted when key is a secret's.
func (r *redactor) copyValue(depth int, key string) error {
	if depth > MaxDepth {
		return errTooDeep
	}
	tok, err := r.dec.Token()
	if err != nil {
		return err
	}
	_, structured := tok.(json.Delim)
	switch {
	case r.s.hidden[key] && !(r.answer && structured):
		r.out.WriteString(`"` + Redacted + `"`)
		return r.skip(tok)
	case r.s.tokens[key]:
		if str, ok := tok.(string); ok {
			r.scalar(redactSession(str))
			return nil
		}
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			r.out.WriteByte('{')
			for i := 0; r.dec.More(); i++ {
				if i > 0 {
					r.out.WriteByte(',')
				}
				kt, err := r.dec.Token()
				if err != nil {
					return err
				}
				k, _ := kt.(string)
				r.scalar(k)
				r.out.WriteByte(':')
				if err := r.copyValue(depth+1, k); err != nil {
					return err
				}
			}
			if _, err := r.dec.Token(); err != nil {
				return err
			}
			r.out.WriteByte('}')
		case '[':
			r.out.WriteByte('[')
			for i := 0; r.dec.More(); i++ {
				if i > 0 {
					r.out.WriteByte(',')
				}
				if err := r.copyValue(depth+1, ""); err != nil {
					return err
				}
			}
			if _, err := r.dec.Token(); err != nil {
				return err
			}
			r.out.WriteByte(']')
		default:
			return errors.New("unexpected " + t.String())
		}
	default:
		r.scalar(tok)
	}
	return nil
}

// skip reads past the value that starts with tok (a redacted one).
func (r *redactor) skip(tok json.Token) error {
	d, ok := tok.(json.Delim)
	if !ok || (d != '{' && d != '[') {
		return nil
	}
	for depth := 1; depth > 0; {
		t, err := r.dec.Token()
		if err != nil {
			return err
		}
		if d, ok := t.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
}

func (r *redactor) scalar(v any) {
	b, err := wire.Marshal(v)
	if err != nil {
		b = []byte("null")
	}
	r.out.Write(b)
}

// redactSession keeps a prefix, enough to tell sessions apart in a journal
// or log, too little to use one.
func redactSession(id string) string {
	if len(id) <= 8 {
		return Redacted
	}
	return id[:8] + "…"
}

func truncated(n int) json.RawMessage {
	return json.RawMessage(strconv.Quote("(" + strconv.Itoa(n) + " bytes, not kept)"))
}
