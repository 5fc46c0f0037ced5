package conformance

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/nebeus/nebeus-contract/schemas"
)

// script renders calls as a shell script that replays them from scratch:
//
//   - the emails and passwords the run made up hold its run id; the script
//     puts ${RUN} there (a fresh number unless RUN is set), so replaying
//     creates new accounts rather than meeting the run's own;
//   - a secret the server handed out (a session id) and a later call
//     sends is captured from the answer into a variable (SID_1, ...) and
//     sent from it: the replay uses the sessions it starts itself;
//   - the given account's password and the --header values are read from
//     the environment (NEBEUS_PASSWORD, NEBEUS_HEADER_1..; a comment line
//     heads the script for each it reads); any other secret, a session id
//     the script does not capture, is '***' (scrub.go).
func (s *suite) script(calls []*exchange) []string {
	runRe := regexp.MustCompile(`(?i)\b(nc|pw)-` + regexp.QuoteMeta(s.opts.RunID) + `-`)
	type capture struct{ value, name, key string }
	var caps []capture
	var lines, used []string
	usesRun := false
	curls := make([]string, len(calls))
	for i, ex := range calls {
		curls[i] = s.curlOf(ex)
	}
	for i, ex := range calls {
		line := curls[i]
		for _, c := range caps {
			line = strings.ReplaceAll(line, c.value, `'"${`+c.name+`}"'`)
		}
		if runRe.MatchString(line) {
			usesRun = true
			line = runRe.ReplaceAllString(line, `${1}-'"$${RUN}"'-`)
		}
		// A secret this answer hands out that a later call sends.
		var defined *capture
		if v, err := schemas.Decode(ex.Body); err == nil && ex.Err == nil {
			s.walkSecretKeys(v, func(key, val string) {
				if defined != nil || len(val) < 8 || s.masked(val) {
					return
				}
				for _, later := range curls[i+1:] {
					if strings.Contains(later, val) {
						caps = append(caps, capture{val, fmt.Sprintf("SID_%d", len(caps)+1), key})
						defined = &caps[len(caps)-1]
						return
					}
				}
			})
		}
		if defined != nil {
			line = fmt.Sprintf(`%s=$(%s | tee /dev/stderr | grep -o '"%s": *"[^"]*"' | head -n 1 | sed 's/.*"\([^"]*\)"$/\1/')`,
				defined.name, line, defined.key)
		}
		line, vars := s.command(line)
		for _, v := range vars {
			if !slices.Contains(used, v) {
				used = append(used, v)
			}
		}
		lines = append(lines, line)
	}
	if usesRun {
		lines = append([]string{`RUN=${RUN:-$(date +%s)$$}`}, lines...)
	}
	return append(s.envNotes(used), lines...)
}

// walkSecretKeys calls f with every secret key and its string value.
func (s *suite) walkSecretKeys(v any, f func(key, val string)) {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if str, ok := e.(string); ok && s.secret(k) {
				f(k, str)
				continue
			}
			s.walkSecretKeys(e, f)
		}
	case []any:
		for _, e := range x {
			s.walkSecretKeys(e, f)
		}
	}
}
