package mockserver

import (
	"fmt"
	"strings"

	"github.com/nebeus/nebeus-contract/schemas"
)

// message turns a request-schema violation of an argument into text a
// frontend can show (S4, S5). The rule's numbers (minimum, minLength...)
// are read from the schema node, not restated here.
func (s *Server) message(op *operation, v schemas.Violation) string {
	arg := v.Argument
	if arg == "" {
		return v.Message
	}
	node := op.args[arg]
	kw := v.Keyword[strings.LastIndex(v.Keyword, "/")+1:]
	switch kw {
	case "required":
		return arg + " is required"
	case "type":
		switch node["type"] {
		case "string":
			return arg + " must be a string"
		case "integer":
			return arg + " must be a whole number"
		case "number":
			return arg + " must be a number"
		}
		return arg + " has the wrong type: " + v.Message
	case "format":
		if node["format"] == "email" {
			return arg + " must be an email address"
		}
		return fmt.Sprintf("%s must be a valid %v", arg, node["format"])
	case "minLength":
		if node["minLength"] != nil && fmt.Sprint(node["minLength"]) == "1" {
			return arg + " must not be empty"
		}
		return fmt.Sprintf("%s must be at least %v characters long", arg, node["minLength"])
	case "maxLength":
		return fmt.Sprintf("%s must be at most %v characters long", arg, node["maxLength"])
	case "minimum", "maximum":
		lo, hasLo := node["minimum"]
		hi, hasHi := node["maximum"]
		switch {
		case hasLo && hasHi:
			return fmt.Sprintf("%s must be between %v and %v", arg, lo, hi)
		case hasLo:
			return fmt.Sprintf("%s must be at least %v", arg, lo)
		default:
			return fmt.Sprintf("%s must be at most %v", arg, hi)
		}
	case "pattern":
		if node["pattern"] == `\S` {
			return arg + " must not be blank"
		}
		if d, ok := node["description"].(string); ok && d != "" {
			return fmt.Sprintf("%s is not a valid %s (pattern %v)", arg, strings.ToLower(d), node["pattern"])
		}
		return fmt.Sprintf("%s does not match %v", arg, node["pattern"])
	}
	return arg + ": " + v.Message
}
