package schemas

import "encoding/json"

// quickDecode decodes the JSON a client usually sends (ASCII strings
// without escapes, shallow nesting) into exactly what encoding/json with
// UseNumber would, several times faster. It gives up (false) on anything
// else, valid or not: escapes, non-ASCII text, deep nesting, syntax errors,
// trailing data; Decode then asks encoding/json, whose values and error
// messages stand. FuzzDecodeAgreesWithEncodingJSON holds the two to the
// same answer.
func quickDecode(b []byte) (any, bool) {
	d := quickDecoder{b: b, keys: string(b)}
	d.space()
	v, ok := d.value(0)
	if !ok {
		return nil, false
	}
	d.space()
	return v, d.i == len(d.b)
}

// quickMaxDepth is the nesting the fast path follows.
const quickMaxDepth = 64

type quickDecoder struct {
	b []byte
	i int
	// keys is b as one string: object keys are its substrings, so they
	// cost no allocation each. Values get strings of their own: one may
	// outlive the request (a login stored in an account) and must not
	// keep the whole body alive.
	keys string
}

func (d *quickDecoder) space() {
	for d.i < len(d.b) {
		switch d.b[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *quickDecoder) value(depth int) (any, bool) {
	if d.i >= len(d.b) || depth > quickMaxDepth {
		return nil, false
	}
	switch c := d.b[d.i]; {
	case c == '{':
		return d.object(depth)
	case c == '[':
		return d.array(depth)
	case c == '"':
		return d.string()
	case c == '-' || ('0' <= c && c <= '9'):
		return d.number()
	case c == 't':
		return true, d.literal("true")
	case c == 'f':
		return false, d.literal("false")
	case c == 'n':
		return nil, d.literal("null")
	}
	return nil, false
}

func (d *quickDecoder) literal(lit string) bool {
	if len(d.b)-d.i < len(lit) || string(d.b[d.i:d.i+len(lit)]) != lit {
		return false
	}
	d.i += len(lit)
	return true
}

func (d *quickDecoder) object(depth int) (any, bool) {
	d.i++ // {
	m := map[string]any{}
	d.space()
	if d.i < len(d.b) && d.b[d.i] == '}' {
		d.i++
		return m, true
	}
	for {
		d.space()
		if d.i >= len(d.b) || d.b[d.i] != '"' {
			return nil, false
		}
		start, end, ok := d.scanString()
		if !ok {
			return nil, false
		}
		k := d.keys[start:end]
		d.space()
		if d.i >= len(d.b) || d.b[d.i] != ':' {
			return nil, false
		}
		d.i++
		d.space()
		v, ok := d.value(depth + 1)
		if !ok {
			return nil, false
		}
		m[k] = v
		d.space()
		if d.i >= len(d.b) {
			return nil, false
		}
		switch d.b[d.i] {
		case ',':
			d.i++
		case '}':
			d.i++
			return m, true
		default:
			return nil, false
		}
	}
}

func (d *quickDecoder) array(depth int) (any, bool) {
	d.i++ // [
	a := []any{}
	d.space()
	if d.i < len(d.b) && d.b[d.i] == ']' {
		d.i++
		return a, true
	}
	for {
		d.space()
		v, ok := d.value(depth + 1)
		if !ok {
			return nil, false
		}
		a = append(a, v)
		d.space()
		if d.i >= len(d.b) {
			return nil, false
		}
		switch d.b[d.i] {
		case ',':
			d.i++
		case ']':
			d.i++
			return a, true
		default:
			return nil, false
		}
	}
}

// string reads a string of printable ASCII without escapes.
func (d *quickDecoder) string() (any, bool) {
	start, end, ok := d.scanString()
	if !ok {
		return nil, false
	}
	return string(d.b[start:end]), true
}

// scanString finds the text of the string at d.i, [start, end).
func (d *quickDecoder) scanString() (start, end int, ok bool) {
	start = d.i + 1
	for j := start; j < len(d.b); j++ {
		switch c := d.b[j]; {
		case c == '"':
			d.i = j + 1
			return start, j, true
		case c == '\\' || c < 0x20 || c >= 0x80:
			return 0, 0, false
		}
	}
	return 0, 0, false
}

// number reads -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?, kept as
// written (UseNumber).
func (d *quickDecoder) number() (any, bool) {
	start, b := d.i, d.b
	j := d.i
	if j < len(b) && b[j] == '-' {
		j++
	}
	switch {
	case j < len(b) && b[j] == '0':
		j++
	case j < len(b) && '1' <= b[j] && b[j] <= '9':
		for j < len(b) && '0' <= b[j] && b[j] <= '9' {
			j++
		}
	default:
		return nil, false
	}
	if j < len(b) && b[j] == '.' {
		j++
		k := j
		for j < len(b) && '0' <= b[j] && b[j] <= '9' {
			j++
		}
		if j == k {
			return nil, false
		}
	}
	if j < len(b) && (b[j] == 'e' || b[j] == 'E') {
		j++
		if j < len(b) && (b[j] == '+' || b[j] == '-') {
			j++
		}
		k := j
		for j < len(b) && '0' <= b[j] && b[j] <= '9' {
			j++
		}
		if j == k {
			return nil, false
		}
	}
	d.i = j
	return json.Number(b[start:j]), true
}
