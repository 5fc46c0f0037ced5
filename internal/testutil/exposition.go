package testutil

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Sample is one line of the Prometheus text exposition format: a metric
// name, its labels (unescaped) and its value.
type Sample struct {
	Name   string
	Labels map[string]string
	Value  float64
}

// ParseExposition reads what a /metrics endpoint wrote as a Prometheus
// scraper would (text format 0.0.4): it fails, naming the line, on a
// malformed sample, a bad escape in a label value, a # TYPE after its
// family's samples or given twice, or a family's samples split by another
// family's. It is strict so that the mock's tests see what a scraper
// would refuse.
func ParseExposition(text string) ([]Sample, error) {
	var out []Sample
	typed := map[string]string{}  // family -> its # TYPE
	finished := map[string]bool{} // families whose samples have ended
	last := ""                    // the family of the previous sample
	for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		n := i + 1
		if line == "" {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "# "); ok {
			f := strings.Fields(rest)
			if len(f) >= 2 && f[0] == "TYPE" {
				if len(f) != 3 || !validName(f[1]) {
					return nil, fmt.Errorf("line %d: malformed # TYPE: %q", n, line)
				}
				if _, dup := typed[f[1]]; dup || finished[f[1]] || last == f[1] {
					return nil, fmt.Errorf("line %d: # TYPE %s given twice or after its samples", n, f[1])
				}
				typed[f[1]] = f[2]
			} else if len(f) >= 2 && f[0] == "HELP" && !validName(f[1]) {
				return nil, fmt.Errorf("line %d: malformed # HELP: %q", n, line)
			}
			continue
		}
		s, err := parseSample(line)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w: %q", n, err, line)
		}
		fam := family(s.Name, typed)
		if fam != last {
			if finished[fam] {
				return nil, fmt.Errorf("line %d: the samples of %s are split by another family's", n, fam)
			}
			finished[last] = true
			last = fam
		}
		out = append(out, s)
	}
	return out, nil
}

// family is the family a sample belongs to: a histogram's _bucket, _sum
// and _count lines belong to the name its # TYPE gave.
func family(name string, typed map[string]string) string {
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if base, ok := strings.CutSuffix(name, suffix); ok && (typed[base] == "histogram" || typed[base] == "summary") {
			return base
		}
	}
	return name
}

func parseSample(line string) (Sample, error) {
	s := Sample{Labels: map[string]string{}}
	end := strings.IndexAny(line, "{ ")
	if end < 0 {
		return s, fmt.Errorf("no value")
	}
	s.Name, line = line[:end], line[end:]
	if !validName(s.Name) {
		return s, fmt.Errorf("bad metric name %q", s.Name)
	}
	if strings.HasPrefix(line, "{") {
		line = line[1:]
		for !strings.HasPrefix(line, "}") {
			eq := strings.IndexByte(line, '=')
			if eq < 0 || !validName(line[:eq]) || strings.Contains(line[:eq], ":") {
				return s, fmt.Errorf("bad label name")
			}
			name := line[:eq]
			v, rest, err := unquote(line[eq+1:])
			if err != nil {
				return s, fmt.Errorf("label %s: %w", name, err)
			}
			if _, dup := s.Labels[name]; dup {
				return s, fmt.Errorf("label %s twice", name)
			}
			s.Labels[name] = v
			line = strings.TrimPrefix(rest, ",")
			if line == rest && !strings.HasPrefix(rest, "}") {
				return s, fmt.Errorf("no comma or closing brace after label %s", name)
			}
		}
		line = line[1:]
	}
	f := strings.Fields(line)
	if !strings.HasPrefix(line, " ") || len(f) < 1 || len(f) > 2 {
		return s, fmt.Errorf("no value, or more than a value and a timestamp")
	}
	v, err := parseValue(f[0])
	if err != nil {
		return s, err
	}
	s.Value = v
	if len(f) == 2 {
		if _, err := strconv.ParseInt(f[1], 10, 64); err != nil {
			return s, fmt.Errorf("bad timestamp %q", f[1])
		}
	}
	return s, nil
}

// unquote reads a quoted label value at the start of s, whose only escapes
// are \\, \" and \n, and returns it and what follows.
func unquote(s string) (v, rest string, err error) {
	if !strings.HasPrefix(s, `"`) {
		return "", "", fmt.Errorf("value not quoted")
	}
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch c := s[i]; c {
		case '"':
			return b.String(), s[i+1:], nil
		case '\n':
			return "", "", fmt.Errorf("raw line feed in a value")
		case '\\':
			i++
			if i == len(s) {
				return "", "", fmt.Errorf("unterminated escape")
			}
			switch s[i] {
			case '\\', '"':
				b.WriteByte(s[i])
			case 'n':
				b.WriteByte('\n')
			default:
				return "", "", fmt.Errorf(`bad escape \%c`, s[i])
			}
		default:
			b.WriteByte(c)
		}
	}
	return "", "", fmt.Errorf("value not closed")
}

func parseValue(s string) (float64, error) {
	switch s {
	case "+Inf":
		return math.Inf(1), nil
	case "-Inf":
		return math.Inf(-1), nil
	case "NaN":
		return math.NaN(), nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || strings.ContainsAny(s, "_xXpP") {
		return 0, fmt.Errorf("bad value %q", s)
	}
	return v, nil
}

func validName(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		if !(c == '_' || c == ':' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// SumSamples adds the values of the samples named name whose labels
// include every pair of labels (nil: all of them).
func SumSamples(samples []Sample, name string, labels map[string]string) float64 {
	var sum float64
next:
	for _, s := range samples {
		if s.Name != name {
			continue
		}
		for k, v := range labels {
			if s.Labels[k] != v {
				continue next
			}
		}
		sum += s.Value
	}
	return sum
}
