package conformance

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// The labels the suite's specs carry, for Ginkgo's --label-filter: a CI
// gate picks what it may run by them.
const (
	// LabelReadonly marks specs that create nothing and leave the account
	// given to the run (Options.Login) as it was: safe against production.
	LabelReadonly = "readonly"
	// LabelMutating marks specs that create accounts.
	LabelMutating = "mutating"
	// LabelConcurrency marks the mutating specs that send many requests at
	// once.
	LabelConcurrency = "concurrency"
	// LabelDifferential marks the mutating specs that compare the answers
	// to pairs of requests the contract says must be answered alike
	// (specs_differential.go).
	LabelDifferential = "differential"
)

// SuiteLabels returns every label the suite's specs carry.
func SuiteLabels() []string {
	return []string{LabelReadonly, LabelMutating, LabelConcurrency, LabelDifferential}
}

// ErrUnknownLabel is what CheckLabelFilter wraps: a filter that names a
// label no spec carries selects by a typo, and a gate that checked nothing
// must never pass.
var ErrUnknownLabel = fmt.Errorf("%w: the label filter names a label the suite does not have", ErrOptions)

// CheckLabelFilter checks that every label a Ginkgo label filter names is
// one of SuiteLabels (case-insensitively, as Ginkgo matches them), and that every
// /regular expression/ in it matches one. It does not check the filter's
// syntax (types.ParseLabelFilter does).
func CheckLabelFilter(filter string) error {
	have := SuiteLabels()
	for _, tok := range labelTokens(filter) {
		if strings.HasPrefix(tok, "/") && strings.HasSuffix(tok, "/") && len(tok) > 1 {
			re, err := regexp.Compile("(?i)" + tok[1:len(tok)-1])
			if err != nil {
				return fmt.Errorf("%w: %s: %v", ErrOptions, tok, err)
			}
			if !slices.ContainsFunc(have, re.MatchString) {
				return fmt.Errorf("%w: %s matches none of %s", ErrUnknownLabel, tok, strings.Join(have, ", "))
			}
			continue
		}
		if !slices.ContainsFunc(have, func(l string) bool { return strings.EqualFold(l, tok) }) {
			return fmt.Errorf("%w: %q (have %s)", ErrUnknownLabel, tok, strings.Join(have, ", "))
		}
	}
	return nil
}

// labelTokens are the labels and /regular expressions/ a filter names:
// what remains between its operators (&&, ||, !, parentheses, commas).
func labelTokens(filter string) []string {
	var toks []string
	var cur strings.Builder
	flush := func() {
		if t := strings.TrimSpace(cur.String()); t != "" {
			toks = append(toks, t)
		}
		cur.Reset()
	}
	inRegexp := false
	for i := 0; i < len(filter); i++ {
		c := filter[i]
		switch {
		case c == '/':
			cur.WriteByte(c)
			if inRegexp {
				flush()
			}
			inRegexp = !inRegexp
		case inRegexp:
			cur.WriteByte(c)
		case c == '&' || c == '|' || c == '!' || c == '(' || c == ')' || c == ',':
			flush()
		default:
			cur.WriteByte(c)
		}
	}
	flush()
	return toks
}
