package schemas

import (
	"encoding/json"
	"maps"
	"slices"
	"strconv"
)

// Bounds of the numbers Validate checks. jsonschema/v5 turns every number
// it checks into a big.Rat: a number of 330,000 digits costs it a second of
// CPU, and an exponent beyond big.Rat's range (1e1000001) makes it panic.
// These are the validation API's bounds, not the contract's: a number
// written in at most MaxNumberLength characters, with an exponent of at
// most MaxExponentDigits digits, is checked as the schema says; any other
// number is a violation of its own, found in one pass over the payload
// before validation, which then does not run (see numberViolations).
const (
	MaxNumberLength   = 64
	MaxExponentDigits = 3
)

// maxNumberViolations bounds how many numbers one payload is refused for.
const maxNumberViolations = 8

// numberMessage is the message of a refused number; it never echoes the
// number.
var numberMessage = "number beyond what is checked: at most " + strconv.Itoa(MaxNumberLength) +
	" characters and an exponent of at most " + strconv.Itoa(MaxExponentDigits) + " digits"

// Checkable reports whether Validate checks n rather than refusing it: its
// text is at most MaxNumberLength characters and its exponent, if any, at
// most MaxExponentDigits digits. It costs no more than reading n's first
// MaxNumberLength bytes.
func Checkable(n json.Number) bool {
	s := string(n)
	if len(s) > MaxNumberLength {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] == 'e' || s[i] == 'E' {
			exp := s[i+1:]
			if len(exp) > 0 && (exp[0] == '+' || exp[0] == '-') {
				exp = exp[1:]
			}
			return len(exp) <= MaxExponentDigits
		}
	}
	return true
}

// hasUncheckable reports whether v holds a number Checkable refuses. It
// allocates nothing: the common case (none) costs one walk.
func hasUncheckable(v any) bool {
	switch x := v.(type) {
	case json.Number:
		return !Checkable(x)
	case map[string]any:
		for _, e := range x {
			if hasUncheckable(e) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if hasUncheckable(e) {
				return true
			}
		}
	}
	return false
}

// numberViolations lists the numbers of v that Checkable refuses (at most
// maxNumberViolations), each at its pointer (clipped: a pointer into a
// hostile payload can be as long as the payload).
func numberViolations(schema string, v any) []Violation {
	var out []Violation
	var path []string
	var walk func(v any)
	walk = func(v any) {
		if len(out) >= maxNumberViolations {
			return
		}
		switch x := v.(type) {
		case json.Number:
			if !Checkable(x) {
				ptr := ""
				for _, p := range path {
					ptr += "/" + escape(clip(p, maxKeyInPointer))
					if len(ptr) > maxPointer {
						ptr = clip(ptr, maxPointer)
						break
					}
				}
				out = append(out, Violation{Schema: schema, Pointer: ptr, Message: numberMessage, Decision: "T5"})
			}
		case map[string]any:
			for _, k := range slices.Sorted(maps.Keys(x)) {
				path = append(path, k)
				walk(x[k])
				path = path[:len(path)-1]
			}
		case []any:
			for i, e := range x {
				path = append(path, strconv.Itoa(i))
				walk(e)
				path = path[:len(path)-1]
			}
		}
	}
	walk(v)
	return out
}
