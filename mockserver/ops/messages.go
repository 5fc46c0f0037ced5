package ops

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/nebeus/nebeus-contract/schemas"
)

// message turns a request-schema violation of an argument into text a
// frontend can show (S4, S5). The rule's numbers (minimum, minLength...)
// are read from the contract model, not restated here.
func (s *Set) message(op *Operation, v schemas.Violation) string {
	arg := v.Argument
	if arg == "" {
		return v.Message
	}
	a, _ := op.Argument(arg)
	kw := v.Keyword[strings.LastIndex(v.Keyword, "/")+1:]
	switch kw {
	case "required":
		return arg + " is required"
	case "type":
		switch a.Type {
		case "string":
			return arg + " must be a string"
		case "integer":
			return arg + " must be a whole number"
		case "number":
			return arg + " must be a number"
		}
		return arg + " has the wrong type: " + v.Message
	case "format":
		if a.Format == "email" {
			return arg + " must be an email address"
		}
		return fmt.Sprintf("%s must be a valid %s", arg, a.Format)
	case "minLength":
		if a.MinLength != nil && *a.MinLength == 1 {
			return arg + " must not be empty"
		}
		return fmt.Sprintf("%s must be at least %s characters long", arg, intText(a.MinLength))
	case "maxLength":
		return fmt.Sprintf("%s must be at most %s characters long", arg, intText(a.MaxLength))
	case "minimum", "maximum":
		switch {
		case a.Minimum != nil && a.Maximum != nil:
			return fmt.Sprintf("%s must be between %s and %s", arg, numText(a.Minimum), numText(a.Maximum))
		case a.Minimum != nil:
			return fmt.Sprintf("%s must be at least %s", arg, numText(a.Minimum))
		case a.Maximum != nil:
			return fmt.Sprintf("%s must be at most %s", arg, numText(a.Maximum))
		}
	case "pattern":
		if a.Pattern == `\S` {
			return arg + " must not be blank"
		}
		if a.Description != "" {
			return fmt.Sprintf("%s is not a valid %s (pattern %s)", arg, strings.ToLower(a.Description), a.Pattern)
		}
		return fmt.Sprintf("%s does not match %s", arg, a.Pattern)
	case "enum", "const":
		return fmt.Sprintf("%s must be one of %s", arg, enumText(a.Enum))
	}
	return arg + ": " + v.Message
}

func intText(n *int) string {
	if n == nil {
		return "?"
	}
	return strconv.Itoa(*n)
}

func numText(f *float64) string {
	if f == nil {
		return "?"
	}
	return strconv.FormatFloat(*f, 'f', -1, 64)
}

func enumText(vs []any) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = fmt.Sprint(v)
	}
	return strings.Join(parts, ", ")
}
