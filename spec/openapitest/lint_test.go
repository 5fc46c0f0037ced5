package openapitest_test

import (
	"bytes"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// lintFinding is one finding of a linter.
type lintFinding struct {
	Rule, Severity, Where, Message string
}

// acceptedWarnings are the warnings the README justifies, by rule; any
// other warning fails, so a new one is fixed or justified there.
var acceptedWarnings = map[string]string{
	"info-contact": "the page names no contact",
	"info-license": "the page names no license",
	// Issue 20: the one server the document names is the mock, at the
	// host name a frontend dev server uses (localhost); T1 leaves the
	// base URL to the client.
	"no-server-example.com": "the server named is the mock on localhost",
}

func checkFindings(t *testing.T, tool string, fs []lintFinding) {
	t.Helper()
	for _, f := range fs {
		switch {
		case f.Severity == "error":
			t.Errorf("%s error %s at %s: %s", tool, f.Rule, f.Where, f.Message)
		case f.Severity == "warning" && acceptedWarnings[f.Rule] == "":
			t.Errorf("%s warning %s at %s: %s (fix it, or justify it in the README and acceptedWarnings)", tool, f.Rule, f.Where, f.Message)
		default:
			t.Logf("%s %s %s at %s: %s (accepted: %s)", tool, f.Severity, f.Rule, f.Where, f.Message, acceptedWarnings[f.Rule])
		}
	}
}

// Spectral's spectral:oas ruleset finds no error in the document.
func TestSpectralFindsNoError(t *testing.T) {
	t.Parallel()
	lintSpectral(t, specYAML)
}

// lintSpectral runs Spectral's spectral:oas ruleset on the documents at
// specs, in one run (each run of a node tool costs a second of start-up).
func lintSpectral(t *testing.T, specs ...string) {
	t.Helper()
	spectral := nodeTool(t, "spectral")
	abs := absPaths(specs)
	// Spectral exits 1 when it finds errors; its JSON says which.
	out, _ := run(t, toolsDir, 2*time.Minute, spectral, append([]string{"lint", "--ruleset", ".spectral.yaml", "--format", "json", "--quiet"}, abs...)...)
	var results []struct {
		Code     string `json:"code"`
		Message  string `json:"message"`
		Severity int    `json:"severity"`
		Path     []any  `json:"path"`
		Source   string `json:"source"`
	}
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatalf("spectral output is not its JSON report: %v\n%s", err, out)
	}
	var fs []lintFinding
	for _, r := range results {
		sev := []string{"error", "warning", "info", "hint"}[r.Severity]
		var p []string
		for _, x := range r.Path {
			p = append(p, strings.TrimSpace(strings.ReplaceAll(jsonText(x), `"`, "")))
		}
		fs = append(fs, lintFinding{r.Code, sev, where(abs, r.Source, strings.Join(p, ".")), r.Message})
	}
	checkFindings(t, "spectral", fs)
}

// absPaths are paths made absolute: the tools run in toolsDir.
func absPaths(paths []string) []string {
	out := make([]string, len(paths))
	for i, p := range paths {
		out[i], _ = filepath.Abs(p)
	}
	return out
}

// where is a finding's place: in a run over several documents, the
// document (its folder names the page) before the path in it.
func where(docs []string, source, path string) string {
	if len(docs) < 2 {
		return path
	}
	return filepath.Base(filepath.Dir(filepath.Dir(source))) + ": " + path
}

// Redocly's recommended ruleset finds no error in the document.
func TestRedoclyFindsNoError(t *testing.T) {
	t.Parallel()
	lintRedocly(t, specYAML)
}

// lintRedocly runs Redocly's recommended ruleset on the documents at
// specs, in one run; its JSON format writes a report per document, one
// after the other.
func lintRedocly(t *testing.T, specs ...string) {
	t.Helper()
	redocly := nodeTool(t, "redocly")
	abs := absPaths(specs)
	out, _ := run(t, toolsDir, 2*time.Minute, redocly, append([]string{"lint", "--config", "redocly.yaml", "--format", "json"}, abs...)...)
	type report struct {
		Totals struct {
			Errors   int `json:"errors"`
			Warnings int `json:"warnings"`
		} `json:"totals"`
		Problems []struct {
			RuleID   string `json:"ruleId"`
			Severity string `json:"severity"`
			Message  string `json:"message"`
			Location []struct {
				Source struct {
					Ref string `json:"ref"`
				} `json:"source"`
				Pointer string `json:"pointer"`
			} `json:"location"`
		} `json:"problems"`
	}
	dec := json.NewDecoder(bytes.NewReader(out))
	reports := 0
	var fs []lintFinding
	for {
		var r report
		if err := dec.Decode(&r); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("redocly output is not its JSON reports: %v\n%s", err, out)
		}
		reports++
		listed := 0
		for _, p := range r.Problems {
			at, source := "", ""
			if len(p.Location) > 0 {
				at, source = p.Location[0].Pointer, p.Location[0].Source.Ref
			}
			sev := p.Severity
			if sev == "warn" {
				sev = "warning"
			}
			if sev == "error" {
				listed++
			}
			fs = append(fs, lintFinding{p.RuleID, sev, where(abs, filepath.Join(toolsDir, source), at), p.Message})
		}
		if r.Totals.Errors != 0 && listed == 0 {
			t.Errorf("redocly counts %d errors but lists none:\n%s", r.Totals.Errors, out)
		}
	}
	if reports != len(abs) {
		t.Fatalf("redocly wrote %d reports for %d documents:\n%s", reports, len(abs), out)
	}
	checkFindings(t, "redocly", fs)
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
