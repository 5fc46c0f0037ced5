package conformance

import (
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/nebeus/nebeus-contract/schemas"
)

// partition is one valid value of an argument, derived from the model: a
// boundary, a form of its format, a kind of text. Every one must be
// accepted; the invalid side of each boundary is among the negatives
// (negative.go).
type partition struct {
	Arg   schemas.Argument
	What  string
	Value any
}

func (pt partition) String() string { return pt.Arg.Name + " " + pt.What }

// longLegal is the length of the long but legal strings sent where the
// contract sets no maxLength.
const longLegal = 1000

// Kinds of text every free string argument must take (filtered by the
// argument's own pattern and limits).
var textKinds = []struct{ what, value string }{
	{"with Latin accents", "Zo\u00eb \u00d1\u00fa\u00f1ez-Gar\u00e7on"},
	{"in Cyrillic", "\u0418\u0432\u0430\u043d\u043e\u0432"},
	{"in CJK characters", "\u674e\u5c0f\u9f8d"},
	{"with an emoji outside the BMP", "Ann \U0001F600"},
	{"with an apostrophe and a hyphen", "O'Brien-Smith"},
	{"with JSON's escaped characters", "quote \" backslash \\ slash / tab\tend"},
}

// partitions derives the valid partitions of op's arguments from the
// model: each number at both its boundaries and just inside them; each
// string at its minLength and maxLength, long but legal, in every kind of
// text, fitting each of its pattern's forms; each email in the forms
// addresses take (plus tags, subdomains, mixed case, dots, a 64-character
// local part); each enum value. Arguments whose valid values come from
// elsewhere (bind.go's derived) are left out. Every value is one the
// contract's own request schema accepts.
func (s *suite) partitions(op schemas.Operation, derived []string) []partition {
	var out []partition
	for _, a := range op.Arguments {
		if slices.Contains(derived, a.Name) || a.In == "path" {
			continue
		}
		for _, pt := range s.argPartitions(a) {
			if !s.schemaRejects(op, a.Name, pt.Value) && !slices.ContainsFunc(out, func(o partition) bool {
				return o.Arg.Name == a.Name && jsonText(o.Value) == jsonText(pt.Value)
			}) {
				out = append(out, pt)
			}
		}
	}
	return out
}

func (s *suite) argPartitions(a schemas.Argument) []partition {
	var out []partition
	add := func(what string, v any) { out = append(out, partition{Arg: a, What: what, Value: v}) }
	for _, e := range a.Enum {
		add("= "+jsonText(e), e)
	}
	switch a.Type {
	case "integer", "number":
		if a.Minimum != nil {
			m := numberOf(math.Ceil(*a.Minimum))
			add("at its minimum "+m.String(), m)
			add("just above its minimum ("+step(m, 1).String()+")", step(m, 1))
		}
		if a.Maximum != nil {
			m := numberOf(math.Floor(*a.Maximum))
			add("at its maximum "+m.String(), m)
			add("just below its maximum ("+step(m, -1).String()+")", step(m, -1))
		}
		if (a.Minimum == nil || *a.Minimum <= 0) && (a.Maximum == nil || *a.Maximum >= 0) {
			add("zero", json.Number("0"))
		}
	case "boolean":
		add("true", true)
		add("false", false)
	case "string":
		out = append(out, s.stringPartitions(a)...)
	}
	return out
}

func (s *suite) stringPartitions(a schemas.Argument) []partition {
	var out []partition
	add := func(what, v string) { out = append(out, partition{Arg: a, What: what, Value: v}) }
	if a.Format == "email" {
		for _, e := range s.emailForms() {
			add(e.what, e.value)
		}
		return out
	}
	if formatExamples[a.Format] != "" {
		add("in format "+a.Format, formatExamples[a.Format])
		return out
	}
	var re *regexp.Regexp
	if a.Pattern != "" {
		re, _ = regexp.Compile(a.Pattern)
	}
	if re != nil {
		for _, c := range patternFitters {
			if re.MatchString(c) {
				add(fmt.Sprintf("fitting its pattern (%q)", c), c)
			}
		}
	}
	fill := "Conformance "
	if a.Secret {
		fill = "Pw-\u00e9 9"
	}
	if a.MinLength != nil && *a.MinLength > 0 {
		add(fmt.Sprintf("of exactly its minLength %d", *a.MinLength), s.throwaway(repeatTo(fill, *a.MinLength)))
		add(fmt.Sprintf("of exactly its minLength %d in two-byte letters", *a.MinLength), s.throwaway(strings.Repeat("\u00f1", *a.MinLength)))
	}
	if a.MaxLength != nil {
		add(fmt.Sprintf("of exactly its maxLength %d", *a.MaxLength), s.throwaway(repeatTo(fill, *a.MaxLength)))
	} else {
		add(fmt.Sprintf("long but legal (%d characters)", longLegal), s.throwaway(repeatTo(fill, longLegal)))
	}
	for _, k := range textKinds {
		v := k.value
		if a.MinLength != nil && len([]rune(v)) < *a.MinLength {
			v = repeatTo(v+" ", *a.MinLength)
		}
		add(k.what, s.throwaway(v))
	}
	return out
}

// fresh is the partition's value for one use: an email in the same form
// but new (an address is used once: a signup with it creates an account),
// any other value as derived.
func (s *suite) fresh(pt partition) any {
	if pt.Arg.Format != "email" {
		return pt.Value
	}
	for _, f := range s.emailForms() {
		if f.what == pt.What {
			return f.value
		}
	}
	return pt.Value
}

// repeatTo repeats s to exactly n characters (runes).
func repeatTo(s string, n int) string {
	r := []rune(strings.Repeat(s, n/max(1, len([]rune(s)))+1))
	return string(r[:n])
}

// emailForms are fresh addresses, unique to the run, in the forms
// addresses take; the first is the plain one.
func (s *suite) emailForms() []struct{ what, value string } {
	d := s.opts.EmailDomain
	local := func() string { l, _, _ := strings.Cut(s.email(), "@"); return l }
	long := local() + "-"
	long += strings.Repeat("x", max(0, 64-len(long)))
	return []struct{ what, value string }{
		{"with a plus tag", local() + "+tag-1@" + d},
		{"on a subdomain", local() + "@mail." + d},
		{"in mixed case", mixedCase(local() + "@" + d)},
		{"with dots in the local part", "first.last." + local() + "@" + d},
		{"with an underscore and digits", "user_42." + local() + "@" + d},
		{"on a hyphenated subdomain", local() + "@eu-west-1." + d},
		{"with a 64-character local part", long + "@" + d},
	}
}

// mixedCase turns every other letter to upper case.
func mixedCase(s string) string {
	var b strings.Builder
	up := true
	for _, r := range s {
		if 'a' <= r && r <= 'z' {
			if up {
				r -= 'a' - 'A'
			}
			up = !up
		}
		b.WriteRune(r)
	}
	return b.String()
}
