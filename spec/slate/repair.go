package slate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
)

// Repair is one typo an example had and how it was read.
type Repair struct {
	Line    int // 0-based line within the example
	Message string
}

type jsonErr struct {
	line int // 0-based line within the example
	msg  string
}

// Elided is how an example writes "some string" or "more of the same": a
// bare ... outside strings.
const Elided = "..."

// decodeExample decodes an example after repairing its common typos (see
// RepairJSON). A bare ... (outside strings) reads as the string "..." ("some
// string"); as an object member it is dropped ("more members").
func decodeExample(body string) (any, []Repair, *jsonErr) {
	fixed, repairs := RepairJSON(body)
	src := []byte(fixed)
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	if err == nil {
		var extra any
		if dec.Decode(&extra) == nil {
			err = fmt.Errorf("more than one JSON value")
		}
	}
	if err != nil {
		off := int64(len(src))
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		if errors.As(err, &se) {
			off = se.Offset
		} else if errors.As(err, &te) {
			off = te.Offset
		} else if dec.InputOffset() > 0 {
			off = dec.InputOffset()
		}
		if off > int64(len(src)) {
			off = int64(len(src))
		}
		before := src[:off]
		ln := bytes.Count(before, []byte("\n"))
		col := off - int64(bytes.LastIndexByte(before, '\n')) - 1
		if err.Error() == "unexpected EOF" {
			err = fmt.Errorf("unexpected end of JSON")
		}
		return nil, repairs, &jsonErr{line: ln, msg: fmt.Sprintf("%v (column %d)", err, col+1)}
	}
	return v, repairs, nil
}

// Where a JSON reader is.
const (
	stValue = iota // a value is due
	stKey          // a key or the end of the object is due
	stColon        // the colon after a key is due
	stAfter        // a comma or the end of the container is due
)

// RepairJSON repairs the typos hand-written JSON examples commonly have and
// returns the text to decode with one Repair per fix:
//
//   - a missing comma between array elements or object members (a value
//     followed, usually on the next line, by another value or key);
//   - a trailing comma before } or ];
//   - // and /* */ comments;
//   - single-quoted strings;
//   - unquoted keys ({name: 1}) and Python's True, False, None.
//
// A bare ... outside strings is elision, not a typo: as a value it becomes
// the string "...", as an object member it is dropped with its comma. No
// line break is added or removed, so a line of the result is the same line
// of the input.
func RepairJSON(src string) (string, []Repair) {
	r := &repairer{src: src}
	for i := 0; i < len(src); i++ {
		if src[i] == '\n' {
			r.newlines = append(r.newlines, i)
		}
	}
	r.run()
	if len(r.inserts) == 0 {
		return string(r.out), r.repairs
	}
	out := make([]byte, 0, len(r.out)+len(r.inserts))
	last := 0
	for _, at := range r.inserts {
		out = append(append(out, r.out[last:at]...), ',')
		last = at
	}
	return string(append(out, r.out[last:]...)), r.repairs
}

type frame struct {
	obj   bool
	state int
}

type repairer struct {
	src     string
	out     []byte
	repairs []Repair
	stack   []frame
	top     int // state at the top level
	// where the last value ended, in out and in src
	valueEndOut, valueEndSrc int
	// the comma just read, if the next token may make it a trailing one
	commaOut, commaSrc int
	afterComma         bool
	elidedMember       bool // an elided member was just dropped
	// inserts are where missing commas go, as offsets into out before any
	// of them is inserted (in increasing order).
	inserts  []int
	newlines []int // offsets of src's line breaks
}

func (r *repairer) note(off int, format string, args ...any) {
	line := sort.SearchInts(r.newlines, off)
	r.repairs = append(r.repairs, Repair{Line: line, Message: fmt.Sprintf(format, args...)})
}

func (r *repairer) state() int {
	if len(r.stack) == 0 {
		return r.top
	}
	return r.stack[len(r.stack)-1].state
}

func (r *repairer) setState(s int) {
	if len(r.stack) == 0 {
		r.top = s
		return
	}
	r.stack[len(r.stack)-1].state = s
}

func (r *repairer) inObject() bool {
	return len(r.stack) > 0 && r.stack[len(r.stack)-1].obj
}

// valueDone records that a value ended at src offset i (exclusive).
func (r *repairer) valueDone(i int) {
	r.valueEndOut, r.valueEndSrc = len(r.out), i
	r.afterComma, r.elidedMember = false, false
	r.setState(stAfter)
}

// missingComma inserts a comma after the last value when a value or key
// starts where a comma or the container's end is due.
func (r *repairer) missingComma() bool {
	if len(r.stack) == 0 || r.state() != stAfter {
		return false
	}
	r.inserts = append(r.inserts, r.valueEndOut)
	r.note(r.valueEndSrc, "inserted a missing comma")
	if r.inObject() {
		r.setState(stKey)
	} else {
		r.setState(stValue)
	}
	return true
}

// dropComma blanks the comma just read (a trailing comma, or the comma of
// an elided member).
func (r *repairer) dropComma(silent bool) {
	if !r.afterComma {
		return
	}
	r.out[r.commaOut] = ' '
	if !silent {
		r.note(r.commaSrc, "removed a trailing comma")
	}
	r.afterComma = false
}

func isWordByte(c byte) bool {
	return c == '_' || c == '-' || c == '+' || c == '.' || c == '$' ||
		(c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
}

func (r *repairer) run() {
	s := r.src
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			r.out = append(r.out, c)
			i++
		case c == '/' && i+1 < len(s) && s[i+1] == '/':
			j := strings.IndexByte(s[i:], '\n')
			if j < 0 {
				j = len(s) - i
			}
			r.note(i, "removed a // comment")
			r.out = append(r.out, bytes.Repeat([]byte{' '}, j)...)
			i += j
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			j := strings.Index(s[i+2:], "*/")
			if j < 0 {
				r.out = append(r.out, s[i:]...)
				return
			}
			r.note(i, "removed a /* */ comment")
			for _, b := range []byte(s[i : i+2+j+2]) {
				if b == '\n' {
					r.out = append(r.out, '\n')
				} else {
					r.out = append(r.out, ' ')
				}
			}
			i += 2 + j + 2
		case c == '"' || c == '\'':
			j := stringEnd(s, i)
			if j < 0 { // unterminated on its line: leave it to the decoder
				r.out = append(r.out, s[i:]...)
				return
			}
			text := s[i:j]
			if c == '\'' {
				r.note(i, "read a single-quoted string as a JSON string")
				text = requote(text)
			}
			r.str(j, text)
			i = j
		case c == '{' || c == '[':
			r.missingComma()
			r.elidedMember = false
			if r.state() == stKey || r.state() == stColon {
				r.out = append(r.out, c) // a key cannot be a container: the decoder says so
				i++
				continue
			}
			r.afterComma = false
			f := frame{obj: c == '{', state: stValue}
			if f.obj {
				f.state = stKey
			}
			r.stack = append(r.stack, f)
			r.out = append(r.out, c)
			i++
		case c == '}' || c == ']':
			if len(r.stack) > 0 && r.stack[len(r.stack)-1].obj == (c == '}') {
				if st := r.state(); st == stKey || st == stValue {
					r.dropComma(r.elidedMember)
				}
				r.stack = r.stack[:len(r.stack)-1]
				r.out = append(r.out, c)
				i++
				r.valueDone(i)
				continue
			}
			r.out = append(r.out, c)
			i++
		case c == ':':
			if r.state() == stColon {
				r.setState(stValue)
			}
			r.out = append(r.out, c)
			i++
		case c == ',':
			switch {
			case r.elidedMember && r.state() == stKey:
				r.out = append(r.out, ' ') // the comma after an elided member
				r.elidedMember = false
			case r.state() == stAfter && len(r.stack) > 0:
				r.commaOut, r.commaSrc, r.afterComma = len(r.out), i, true
				r.out = append(r.out, c)
				if r.inObject() {
					r.setState(stKey)
				} else {
					r.setState(stValue)
				}
			default:
				r.out = append(r.out, c)
			}
			i++
		case isWordByte(c):
			j := i
			for j < len(s) && isWordByte(s[j]) {
				j++
			}
			r.word(i, s[i:j])
			i = j
		default:
			r.out = append(r.out, c)
			i++
		}
	}
}

// str writes a string token (already a JSON string) that ended at src
// offset end.
func (r *repairer) str(end int, text string) {
	r.missingComma()
	r.elidedMember = false
	switch r.state() {
	case stKey:
		r.out = append(r.out, text...)
		r.afterComma = false
		r.setState(stColon)
	default:
		r.out = append(r.out, text...)
		r.valueDone(end)
	}
}

func (r *repairer) word(start int, w string) {
	end := start + len(w)
	if w == Elided && r.inObject() && (r.state() == stKey || r.state() == stAfter) {
		// "more members": drop it and the comma before it.
		r.dropComma(true)
		r.out = append(r.out, bytes.Repeat([]byte{' '}, len(w))...)
		r.setState(stKey)
		r.elidedMember = true
		return
	}
	r.missingComma()
	r.elidedMember = false
	if r.state() == stKey {
		r.note(start, "quoted the unquoted key %s", w)
		r.out = append(r.out, '"')
		r.out = append(r.out, w...)
		r.out = append(r.out, '"')
		r.afterComma = false
		r.setState(stColon)
		return
	}
	switch w {
	case Elided:
		r.out = append(r.out, `"..."`...)
	case "True", "False", "None":
		lit := map[string]string{"True": "true", "False": "false", "None": "null"}[w]
		r.note(start, "read %s as %s", w, lit)
		r.out = append(r.out, lit...)
	default:
		r.out = append(r.out, w...)
	}
	if r.state() == stValue || r.state() == stAfter {
		r.valueDone(end)
	}
}

// stringEnd is the offset after the string opening at s[i], or -1 when it
// does not close on its line.
func stringEnd(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch s[j] {
		case '\\':
			j++
		case '\n':
			return -1
		case q:
			return j + 1
		}
	}
	return -1
}

// requote turns a single-quoted string into a JSON string.
func requote(s string) string {
	body := s[1 : len(s)-1]
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c == '\\' && i+1 < len(body) && body[i+1] == '\'':
			b.WriteByte('\'')
			i++
		case c == '\\' && i+1 < len(body):
			b.WriteByte(c)
			b.WriteByte(body[i+1])
			i++
		case c == '"':
			b.WriteString(`\"`)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}
