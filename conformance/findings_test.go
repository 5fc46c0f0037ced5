package conformance_test

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/nebeus/nebeus-contract/conformance"
	"github.com/nebeus/nebeus-contract/mockserver"
)

// reportFiles are the report files of one run.
type reportFiles struct{ json, junit, html string }

func newReportFiles(t *testing.T) reportFiles {
	dir := t.TempDir()
	return reportFiles{filepath.Join(dir, "report.json"), filepath.Join(dir, "junit.xml"), filepath.Join(dir, "report.html")}
}

func (r reportFiles) args() []string {
	return []string{"--json-report", r.json, "--junit-report", r.junit, "--html-report", r.html}
}

// all is the text of every report file (each must exist).
func (r reportFiles) all(t *testing.T) string {
	t.Helper()
	var b strings.Builder
	for _, p := range []string{r.json, r.junit, r.html} {
		c, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("report file: %v", err)
		}
		b.Write(c)
	}
	return b.String()
}

// summary is the summary the JSON report holds.
func (r reportFiles) summary(t *testing.T) conformance.SummaryJSON {
	t.Helper()
	b, err := os.ReadFile(r.json)
	if err != nil {
		t.Fatal(err)
	}
	var rs []types.Report
	if err := json.Unmarshal(b, &rs); err != nil || len(rs) != 1 {
		t.Fatalf("JSON report: %v (%d suites)", err, len(rs))
	}
	sj, ok := conformance.ReportSummary(rs[0])
	if !ok {
		t.Fatal("the JSON report holds no summary (entry nebeus-summary)")
	}
	return sj
}

// junitCases are the test cases of a JUnit report.
type junitCase struct {
	Name      string `xml:"name,attr"`
	Classname string `xml:"classname,attr"`
	Status    string `xml:"status,attr"`
	Skipped   *struct {
		Message string `xml:"message,attr"`
	} `xml:"skipped"`
	Failure *struct {
		Message string `xml:"message,attr"`
	} `xml:"failure"`
}

func (r reportFiles) junitCases(t *testing.T) []junitCase {
	t.Helper()
	b, err := os.ReadFile(r.junit)
	if err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Suites []struct {
			Cases []junitCase `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b, &suites); err != nil || len(suites.Suites) != 1 {
		t.Fatalf("JUnit report: %v", err)
	}
	return suites.Suites[0].Cases
}

// TestOneBugOneFinding: a session cookie without HttpOnly (S2) breaks every
// spec that signs in, under the decision each is about; the report opens
// with one finding for it that lists them all, and the JSON, JUnit and
// HTML reports say the same.
func TestOneBugOneFinding(t *testing.T) {
	onlyUnderGoTest(t)
	srv := mutantServer(t, "session-cookie-not-httponly")
	files := newReportFiles(t)
	res := runConformance(context.Background(), t, srv.URL, nil, append(files.args(), "--timeout", "2s", "--steps", "0")...)
	if res.code != 1 {
		t.Fatalf("exit status %d, want 1\n%s", res.code, tail(res.out, 60))
	}
	sj := files.summary(t)
	if len(sj.Findings) != 1 {
		var heads []string
		for _, c := range sj.Findings {
			heads = append(heads, fmt.Sprintf("%s [%s] %s %s: %s / %s (%d specs)", c.ID, c.Decision, c.Operation, c.Pointer, c.Expected, c.Got, len(c.Specs)))
		}
		t.Fatalf("%d findings, want 1 (the cookie):\n%s", len(sj.Findings), strings.Join(heads, "\n"))
	}
	f := sj.Findings[0]
	if f.ID != "F1" || f.Decision != "S2" || f.Operation != "signin" || !strings.Contains(f.Expected, "HttpOnly") {
		t.Errorf("the finding is %+v", f)
	}
	if len(f.Specs) < 3 || len(f.Specs) != sj.Specs.Failed {
		t.Errorf("the finding lists %d specs; %d failed", len(f.Specs), sj.Specs.Failed)
	}
	// Broken under other decisions' names too: the finding gathers them.
	others := 0
	for _, sp := range f.Specs {
		if !strings.HasPrefix(sp, "S2 ") {
			others++
		}
	}
	if others == 0 {
		t.Errorf("every spec the finding lists is an S2 spec: %v", f.Specs)
	}

	// The text report: the findings come before the table of checks.
	summary := res.out[strings.LastIndex(res.out, conformance.Description):]
	fi := strings.Index(summary, "findings: 1 ")
	ti := -1
	if loc := regexp.MustCompile(`operation +decision +passed`).FindStringIndex(summary); loc != nil {
		ti = loc[0]
	}
	if fi < 0 || ti < 0 || fi > ti {
		t.Errorf("the summary does not open with the findings (findings at %d, table at %d):\n%s", fi, ti, summary)
	}
	if !strings.Contains(summary, fmt.Sprintf("broke %d spec(s)", len(f.Specs))) {
		t.Errorf("the summary does not say how many specs the finding broke:\n%s", summary)
	}

	// JUnit: a class per operation, each name starting with its decision;
	// every failed case points at F1.
	classes := map[string]bool{}
	for _, c := range files.junitCases(t) {
		classes[c.Classname] = true
		if !regexp.MustCompile(`^[TSM][0-9] `).MatchString(c.Name) {
			t.Errorf("JUnit case %q does not start with its decision", c.Name)
		}
		if c.Failure != nil && !strings.HasPrefix(c.Failure.Message, "F1 [S2] signin") {
			t.Errorf("failed JUnit case %q: message %q", c.Name, c.Failure.Message)
		}
	}
	for _, op := range []string{"signup", "signin", "logout", "reset_password", "get_countries"} {
		if !classes[op] {
			t.Errorf("no JUnit class %s (classes %v)", op, classes)
		}
	}

	// HTML: one file, no external asset, the finding and its specs.
	b, err := os.ReadFile(files.html)
	if err != nil {
		t.Fatal(err)
	}
	page := string(b)
	if !strings.Contains(page, `id="F1"`) || !strings.Contains(page, "DOES NOT CONFORM") {
		t.Errorf("the HTML report lacks the finding or the verdict")
	}
	for _, sp := range f.Specs {
		if !strings.Contains(page, template(sp)) {
			t.Errorf("the HTML report does not list %q", sp)
		}
	}
	if regexp.MustCompile(`(?i)(src|href)\s*=\s*"(https?:)?//|<link|<script|@import`).MatchString(page) {
		t.Errorf("the HTML report loads an external asset")
	}
}

// template is text as html/template escapes it in an element.
func template(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;", "+", "&#43;")
	return r.Replace(s)
}

// TestSkippedCasesSayWhichFindingSkippedThem: a JUnit case skipped after a
// failure in its ordered flow says which finding it was.
func TestSkippedCasesSayWhichFindingSkippedThem(t *testing.T) {
	onlyUnderGoTest(t)
	srv := mutantServer(t, "signup-success-201")
	files := newReportFiles(t)
	res := runConformance(context.Background(), t, srv.URL, nil, append(files.args(), "--timeout", "2s", "--label-filter", "mutating", "--steps", "0")...)
	if res.code != 1 {
		t.Fatalf("exit status %d, want 1\n%s", res.code, tail(res.out, 60))
	}
	sj := files.summary(t)
	ids := map[string]bool{}
	for _, c := range sj.Findings {
		ids[c.ID] = true
	}
	after := 0
	for _, c := range files.junitCases(t) {
		if c.Skipped == nil || !strings.Contains(c.Skipped.Message, "after ") {
			continue
		}
		after++
		m := regexp.MustCompile(`\((F[0-9]+)`).FindStringSubmatch(c.Skipped.Message)
		if m == nil || !ids[m[1]] {
			t.Errorf("skipped case %q names no finding: %q", c.Name, c.Skipped.Message)
		}
	}
	if after == 0 || after != len(sj.SkippedAfter) {
		t.Errorf("%d JUnit cases skipped after a failure; the summary lists %d", after, len(sj.SkippedAfter))
	}
}

// gateway stands in front of a deployment as a staging gateway does: it
// wants its token, and its error pages echo what it was sent (every request
// header, cookies included, and the bodies of the last signins of the given
// account). It answers logout with such an error page, so that the echo
// reaches the report. It records every session id the deployment hands
// out.
type gateway struct {
	inner      http.Handler
	token      string
	login      string
	mu         sync.Mutex
	signins    []string
	sessionIDs []string
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Gateway-Token") != g.token {
		jsonError(w, http.StatusForbidden, 403, "gateway: no valid X-Gateway-Token")
		return
	}
	b := body(r)
	if operation(r) == "signin" && strings.Contains(string(b), g.login) {
		g.mu.Lock()
		g.signins = append(g.signins, string(b))
		g.mu.Unlock()
	}
	if operation(r) == "logout" {
		var echo strings.Builder
		fmt.Fprintf(&echo, "gateway error; request %s %s\n", r.Method, r.URL)
		for k, vs := range r.Header {
			fmt.Fprintf(&echo, "%s: %s\n", k, strings.Join(vs, ", "))
		}
		g.mu.Lock()
		fmt.Fprintf(&echo, "recent signins: %s\nbody: %s", strings.Join(g.signins, "; "), b)
		g.mu.Unlock()
		jsonError(w, http.StatusBadGateway, 502, echo.String())
		return
	}
	c := forward(g.inner, r)
	if v, ok := decodeJSON(c.body).(any); ok {
		if sid, _ := result(v)["session_id"].(string); sid != "" {
			g.mu.Lock()
			g.sessionIDs = append(g.sessionIDs, sid)
			g.mu.Unlock()
		}
	}
	c.write(w)
}

// TestSecretsNeverLeave: the --header value, the password and every
// session id never show in the text report, the repro scripts or the JSON,
// JUnit and HTML reports, though the gateway echoes them into its error
// pages; the scripts read them from the environment and replay with it.
func TestSecretsNeverLeave(t *testing.T) {
	onlyUnderGoTest(t)
	const token, password = "gw-token-5f1c2a9e", "demo-password-1"
	g := &gateway{inner: newMock(t, mockserver.Config{}), token: token, login: "demo@example.com"}
	srv := httptest.NewServer(g)
	defer srv.Close()
	files := newReportFiles(t)
	res := runConformance(context.Background(), t, srv.URL, []string{"NEBEUS_PASSWORD=" + password},
		append(files.args(), "--timeout", "2s", "--steps", "0", "--login", "demo@example.com", "--header", "X-Gateway-Token: "+token)...)
	if res.code != 1 {
		t.Fatalf("exit status %d, want 1 (logout fails)\n%s", res.code, tail(res.out, 60))
	}
	written := res.out + files.all(t)
	g.mu.Lock()
	sids := slices.Clone(g.sessionIDs)
	echoed := len(g.signins) > 0
	g.mu.Unlock()
	if len(sids) == 0 || !echoed {
		t.Fatalf("the run made no session (%d) or no signin of the given account (%v)", len(sids), echoed)
	}
	for name, v := range map[string]string{"the --header value": token, "the password": password} {
		if n := strings.Count(written, v); n > 0 {
			t.Errorf("%s shows %d times", name, n)
		}
	}
	leaked := 0
	for _, sid := range sids {
		if strings.Contains(written, sid) {
			leaked++
		}
	}
	if leaked > 0 {
		t.Errorf("%d of %d session ids show", leaked, len(sids))
	}
	// The echo reached the report, scrubbed.
	if !strings.Contains(written, "X-Gateway-Token: ***") {
		t.Errorf("the gateway's echo is not in the report, scrubbed")
	}
	// Every command reads the header from the environment.
	if !strings.Contains(res.out, `-H 'X-Gateway-Token: '"${NEBEUS_HEADER_1}"''`) {
		t.Errorf("no command reads the header from NEBEUS_HEADER_1:\n%s", tail(res.out, 60))
	}

	// A script of the given account reads its password from the
	// environment, and replays with it: the gateway lets it through and
	// the deployment signs it in.
	script := scriptWith(res.out, "${NEBEUS_PASSWORD}")
	if script == nil {
		t.Fatalf("no repro script reads NEBEUS_PASSWORD:\n%s", tail(res.out, 80))
	}
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl not found: the script is not replayed")
	}
	cmd := exec.Command("sh", "-c", strings.Join(script, "\n"))
	cmd.Env = append(os.Environ(), "NEBEUS_HEADER_1="+token, "NEBEUS_PASSWORD="+password)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("replaying: %v\n%s\n%s", err, strings.Join(script, "\n"), out)
	}
	if strings.Contains(string(out), "no valid X-Gateway-Token") || !strings.Contains(string(out), "gateway error") {
		t.Errorf("the replay did not pass the gateway to the failing logout:\n%s", out)
	}
}

// scriptWith is the first repro script of a report holding s: its lines,
// unindented, comments included.
func scriptWith(out, s string) []string {
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if !strings.HasPrefix(strings.TrimSpace(l), "repro:") {
			continue
		}
		var script []string
		for _, m := range lines[i+1:] {
			t := strings.TrimSpace(m)
			if !strings.HasPrefix(t, "#") && !strings.HasPrefix(t, "curl ") && !strings.HasPrefix(t, "RUN=") && !strings.HasPrefix(t, "SID_") {
				break
			}
			script = append(script, t)
		}
		if strings.Contains(strings.Join(script, "\n"), s) {
			return script
		}
	}
	return nil
}

// TestCoverageSaysWhatARunLeftUnexercised: a readonly run without an
// account never signs in or signs up successfully, and never checks a
// session: the report's coverage says so, in the text and the JSON report.
func TestCoverageSaysWhatARunLeftUnexercised(t *testing.T) {
	onlyUnderGoTest(t)
	srv := httptest.NewServer(newMock(t, mockserver.Config{}))
	defer srv.Close()
	files := newReportFiles(t)
	res := runConformance(context.Background(), t, srv.URL, nil, append(files.args(), "--timeout", "2s", "--label-filter", "readonly", "--steps", "0")...)
	if res.code != 0 {
		t.Fatalf("exit status %d, want 0\n%s", res.code, tail(res.out, 60))
	}
	cov := files.summary(t).Coverage
	for _, want := range []string{"signin variant success", "signup variant success", "decision S2"} {
		if !slices.Contains(cov.Unexercised, want) {
			t.Errorf("the coverage does not name %q as unexercised: %v", want, cov.Unexercised)
		}
		if !strings.Contains(res.out, "\n  "+want+"\n") {
			t.Errorf("the text report does not name %q as unexercised", want)
		}
	}
	if cov.Complete() || cov.Decisions.Exercised >= cov.Decisions.Total || cov.Variants.Exercised >= cov.Variants.Total {
		t.Errorf("coverage %+v: want decisions and variants left", cov)
	}
	if !strings.Contains(res.out, fmt.Sprintf("the run left %d part(s) of the contract unexercised", len(cov.Unexercised))) {
		t.Errorf("the text report does not say the run left part unexercised:\n%s", tail(res.out, 40))
	}
	for _, row := range cov.Operations {
		if !row.Exercised {
			t.Errorf("operation %s not exercised by a readonly run", row.Operation)
		}
	}
}

// TestParallelShardsCarryTheHeaderUnseen: the shards of a parallel run get
// the --header from their parent (through the gateway: no request of
// theirs is refused for want of its token), and neither the merged report
// nor the shards' output shows it.
func TestParallelShardsCarryTheHeaderUnseen(t *testing.T) {
	onlyUnderGoTest(t)
	const token = "gw-token-77aa01"
	g := &gateway{inner: newMock(t, mockserver.Config{}), token: token, login: "demo@example.com"}
	srv := httptest.NewServer(g)
	defer srv.Close()
	files := newReportFiles(t)
	res := runConformance(context.Background(), t, srv.URL, nil,
		append(files.args(), "--timeout", "2s", "--steps", "0", "--parallel", "2", "--label-filter", "readonly", "--header", "X-Gateway-Token: "+token)...)
	if res.code != 1 {
		t.Fatalf("exit status %d, want 1 (logout fails)\n%s", res.code, tail(res.out, 60))
	}
	if strings.Contains(res.out, "no valid X-Gateway-Token") {
		t.Errorf("a shard sent no token:\n%s", tail(res.out, 60))
	}
	if n := strings.Count(res.out+files.all(t), token); n > 0 {
		t.Errorf("the token shows %d times", n)
	}
}
