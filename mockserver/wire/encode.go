package wire

import (
	"bytes"
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Marshal is json.Marshal without HTML escaping: responses are read by
// programs, and "<" in a name should stay "<". The values the mock builds
// (maps, slices, strings, numbers, its envelopes) are written directly,
// byte for byte as encoding/json writes them (TestMarshalWritesWhatEncodingJSONWrites,
// FuzzMarshal); anything else goes through encoding/json.
func Marshal(v any) ([]byte, error) {
	return appendJSON(make([]byte, 0, 256), v)
}

func appendJSON(dst []byte, v any) ([]byte, error) {
	switch x := v.(type) {
	case nil:
		return append(dst, "null"...), nil
	case bool:
		return strconv.AppendBool(dst, x), nil
	case string:
		return AppendString(dst, x), nil
	case json.Number:
		if x != "" && plainNumber(string(x)) {
			return append(dst, x...), nil
		}
	case int:
		return strconv.AppendInt(dst, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(dst, x, 10), nil
	case float64:
		if a := math.Abs(x); a == 0 || (a >= 1e-6 && a < 1e21) {
			return strconv.AppendFloat(dst, x, 'f', -1, 64), nil
		}
	case map[string]any:
		if x == nil {
			return append(dst, "null"...), nil
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		dst = append(dst, '{')
		for i, k := range keys {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = AppendString(dst, k)
			dst = append(dst, ':')
			var err error
			if dst, err = appendJSON(dst, x[k]); err != nil {
				return nil, err
			}
		}
		return append(dst, '}'), nil
	case []any:
		if x == nil {
			return append(dst, "null"...), nil
		}
		dst = append(dst, '[')
		for i, e := range x {
			if i > 0 {
				dst = append(dst, ',')
			}
			var err error
			if dst, err = appendJSON(dst, e); err != nil {
				return nil, err
			}
		}
		return append(dst, ']'), nil
	case envelope:
		return appendEnvelope(dst, x)
	case [1]envelope:
		dst = append(dst, '[')
		dst, err := appendEnvelope(dst, x[0])
		if err != nil {
			return nil, err
		}
		return append(dst, ']'), nil
	}
	return appendStd(dst, v)
}

func appendEnvelope(dst []byte, e envelope) ([]byte, error) {
	dst, err := appendEnvelopeHead(dst, e.ID, e.JSONRPC)
	if err != nil {
		return nil, err
	}
	if dst, err = appendJSON(dst, e.Result); err != nil {
		return nil, err
	}
	return append(dst, '}'), nil
}

// appendEnvelopeHead writes an envelope up to its result's value.
func appendEnvelopeHead(dst []byte, id json.RawMessage, version string) ([]byte, error) {
	dst = append(dst, `{"id":`...)
	dst, err := appendStd(dst, id) // a RawMessage: encoding/json compacts it
	if err != nil {
		return nil, err
	}
	dst = append(dst, `,"jsonrpc":`...)
	dst = AppendString(dst, version)
	return append(dst, `,"result":`...), nil
}

// appendStd writes v with encoding/json, without HTML escaping.
func appendStd(dst []byte, v any) ([]byte, error) {
	if raw, ok := v.(json.RawMessage); ok && (string(raw) == "null" || plainNumber(string(raw))) {
		return append(dst, raw...), nil // an id: compact already
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return append(dst, bytes.TrimSuffix(buf.Bytes(), []byte("\n"))...), nil
}

// plainNumber: s is a JSON number as the grammar writes it.
func plainNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && '1' <= s[i] && s[i] <= '9':
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		j := i
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := i
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	return i == len(s)
}

const hexDigits = "0123456789abcdef"

// AppendString quotes s as encoding/json does with HTML escaping off.
func AppendString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		if b := s[i]; b < utf8.RuneSelf {
			if b >= 0x20 && b != '"' && b != '\\' {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xF])
			}
			i++
			start = i
			continue
		}
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}
