package conformance

import (
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestScrubberCatchesEveryForm: a secret is scrubbed as sent, JSON-escaped,
// URL-encoded and shell-quoted; a header value shorter than MinScrubbed
// is left in free text.
func TestScrubberCatchesEveryForm(t *testing.T) {
	const secret = `to"k/en é&<x>'s`
	sc := OptionsScrubber(Options{Header: http.Header{"X-Token": {secret}, "X-Debug": {"1"}}})
	for name, text := range map[string]string{
		"as sent":        "echo: " + secret + ".",
		"JSON":           `{"echo":"to\"k/en é\u0026\u003cx\u003e's"}`,
		"JSON, no HTML":  `{"echo":"to\"k/en é&<x>'s"}`,
		"query":          "?t=" + url.QueryEscape(secret),
		"path":           "/" + url.PathEscape(secret),
		"in shell quote": `'` + strings.ReplaceAll(secret, "'", `'\''`) + `'`,
	} {
		got := sc.String(text)
		if strings.Contains(got, "en é") || strings.Contains(got, "en%20%C3") || strings.Contains(got, "en+%C3") || !strings.Contains(got, "***") {
			t.Errorf("%s: %q scrubbed to %q", name, text, got)
		}
	}
	if got := sc.String("HTTP 401 after 1 try"); got != "HTTP 401 after 1 try" {
		t.Errorf("a one-byte header value blanks the text: %q", got)
	}
}

// TestCommandsReadSecretsFromTheEnvironment: a curl command holds neither
// the password nor a header value, and the shell expands its references to
// the environment back into exactly what was sent.
func TestCommandsReadSecretsFromTheEnvironment(t *testing.T) {
	const token, password = "tok'en-9f2\"x", `pw-"1'2\3`
	s, err := newSuite(Options{BaseURL: "http://example.test", Login: "a@example.com", Password: password,
		Header: http.Header{"X-Gateway-Token": {token}}})
	if err != nil {
		t.Fatal(err)
	}
	body := marshal(map[string]any{"params": map[string]any{"login": "a@example.com", "password": password}})
	hdr := http.Header{"X-Gateway-Token": {token}, "Content-Type": {"application/json"}}
	cmd, vars := s.command(s.curl(http.MethodPost, "http://example.test/signin/1.0/json", hdr, body))
	if strings.Contains(cmd, "tok'en") || strings.Contains(cmd, "pw-") {
		t.Fatalf("a secret shows: %s", cmd)
	}
	if len(vars) != 2 || vars[0] != EnvPassword || vars[1] != "NEBEUS_HEADER_1" {
		t.Errorf("variables %v", vars)
	}
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh: the command is not expanded")
	}
	// The command's words, as the shell passes them to curl.
	show := exec.Command("sh", "-c", `printwords() { for w in "$@"; do printf '%s\n' "$w"; done; }; `+strings.Replace(cmd, "curl ", "printwords ", 1))
	show.Env = append(os.Environ(), "NEBEUS_HEADER_1="+token, EnvPassword+"="+password)
	out, err := show.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	words := strings.Split(string(out), "\n")
	if !contains(words, "X-Gateway-Token: "+token) || !contains(words, string(body)) {
		t.Errorf("the shell does not send what was sent:\n%s\nwant the header %q and the body %s", out, token, body)
	}
}

func contains(l []string, s string) bool {
	for _, e := range l {
		if e == s {
			return true
		}
	}
	return false
}

// TestHTMLReportEscapesWhatADeploymentSent: markup in an answer is shown,
// not run.
func TestHTMLReportEscapesWhatADeploymentSent(t *testing.T) {
	sj := Summary{Causes: []Cause{{ID: "F1", Finding: Finding{Decision: "T3", Got: `<script>alert(1)</script>`, Response: `<img src=x onerror=alert(2)>`}}}}.JSON()
	b, err := htmlReport(sj)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	if strings.Contains(page, "<script>") || strings.Contains(page, "<img") {
		t.Errorf("markup from the answer is in the page")
	}
	if !strings.Contains(page, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Errorf("the answer is not shown escaped")
	}
}
