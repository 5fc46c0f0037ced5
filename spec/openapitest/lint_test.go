package openapitest_test

import (
	"encoding/json"
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

// lintSpectral runs Spectral's spectral:oas ruleset on the document at spec.
func lintSpectral(t *testing.T, spec string) {
	t.Helper()
	spectral := nodeTool(t, "spectral")
	spec, _ = filepath.Abs(spec)
	// Spectral exits 1 when it finds errors; its JSON says which.
	out, _ := run(t, toolsDir, 2*time.Minute, spectral, "lint", "--ruleset", ".spectral.yaml", "--format", "json", "--quiet", spec)
	var results []struct {
		Code     string `json:"code"`
		Message  string `json:"message"`
		Severity int    `json:"severity"`
		Path     []any  `json:"path"`
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
		fs = append(fs, lintFinding{r.Code, sev, strings.Join(p, "."), r.Message})
	}
	checkFindings(t, "spectral", fs)
}

// Redocly's recommended ruleset finds no error in the document.
func TestRedoclyFindsNoError(t *testing.T) {
	t.Parallel()
	lintRedocly(t, specYAML)
}

// lintRedocly runs Redocly's recommended ruleset on the document at spec.
func lintRedocly(t *testing.T, spec string) {
	t.Helper()
	redocly := nodeTool(t, "redocly")
	spec, _ = filepath.Abs(spec)
	out, _ := run(t, toolsDir, 2*time.Minute, redocly, "lint", "--config", "redocly.yaml", "--format", "json", spec)
	var report struct {
		Totals struct {
			Errors   int `json:"errors"`
			Warnings int `json:"warnings"`
		} `json:"totals"`
		Problems []struct {
			RuleID   string `json:"ruleId"`
			Severity string `json:"severity"`
			Message  string `json:"message"`
			Location []struct {
				Pointer string `json:"pointer"`
			} `json:"location"`
		} `json:"problems"`
	}
	if err := json.Unmarshal(out, &report); err != nil {
		t.Fatalf("redocly output is not its JSON report: %v\n%s", err, out)
	}
	var fs []lintFinding
	for _, p := range report.Problems {
		where := ""
		if len(p.Location) > 0 {
			where = p.Location[0].Pointer
		}
		sev := p.Severity
		if sev == "warn" {
			sev = "warning"
		}
		fs = append(fs, lintFinding{p.RuleID, sev, where, p.Message})
	}
	if report.Totals.Errors != 0 && len(fs) == 0 {
		t.Errorf("redocly counts %d errors but lists none:\n%s", report.Totals.Errors, out)
	}
	checkFindings(t, "redocly", fs)
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
