package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nebeus/nebeus-contract/spec/generate"
)

var (
	repoPage    = filepath.Join("..", "..", "spec", "source", "index.html.md")
	repoOverlay = filepath.Join("..", "..", "spec", "overlay.yaml")
	diffOld     = filepath.Join("testdata", "diff", "old.md")
)

// fields is a text line with its columns' padding collapsed.
func fields(s string) []string {
	var out []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		out = append(out, strings.Join(strings.Fields(l), " "))
	}
	return out
}

func TestDiffPagesBreaking(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "diff", "--overlay", "", diffOld, filepath.Join("testdata", "diff", "breaking.md"))
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, stdout, stderr)
	}
	got := fields(stdout)
	for _, want := range []string{
		"breaking api-removed logout testdata/diff/old.md:72 operation removed (was POST /logout/1.0/json)",
		"breaking response-required-property-removed signin.success/db testdata/diff/old.md:21 required response field removed",
		"breaking response-shape-changed signin.error testdata/diff/breaking.md:47 shape changed from envelope to array (T4)",
		"breaking api-path-changed reset_password testdata/diff/breaking.md:72 path changed from /reset_password/1.0/json to /reset_password/2.0/json",
		"breaking new-required-request-property signup.phone testdata/diff/breaking.md:",
		"breaking request-property-type-changed signup.country testdata/diff/breaking.md:",
		"breaking request-property-became-required signup.language testdata/diff/breaking.md:",
	} {
		if !hasPrefixLine(got, want) {
			t.Errorf("no line %q in\n%s", want, stdout)
		}
	}
	if last := got[len(got)-1]; !strings.HasPrefix(last, "7 breaking, ") {
		t.Errorf("summary %q\n%s", last, stdout)
	}
	// Breaking first.
	for i, l := range got[:len(got)-1] {
		if i < 7 && !strings.HasPrefix(l, "breaking ") {
			t.Errorf("line %d %q: breaking changes come first", i+1, l)
		}
	}
}

func hasPrefixLine(lines []string, prefix string) bool {
	for _, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return true
		}
	}
	return false
}

func TestDiffPagesAdditive(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "diff", diffOld, filepath.Join("testdata", "diff", "additive.md"), "--overlay", "")
	if code != 0 {
		t.Fatalf("exit %d, want 0\n%s%s", code, stdout, stderr)
	}
	got := fields(stdout)
	for _, want := range []string{
		"non-breaking response-required-property-added signin.success/avatar testdata/diff/additive.md:",
		"non-breaking new-optional-request-property signup.referral testdata/diff/additive.md:",
		"non-breaking endpoint-added get_countries testdata/diff/additive.md:",
		"0 breaking, 0 warning, 3 not breaking, ",
	} {
		if !hasPrefixLine(got, want) {
			t.Errorf("no line %q in\n%s", want, stdout)
		}
	}
}

func TestDiffJSON(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "diff", "--overlay", "", "--format", "json", diffOld, filepath.Join("testdata", "diff", "breaking.md"))
	if code != 1 {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	var r struct {
		Changes []struct {
			Level, Rule, Operation, Kind, Target, File, Message string
			Line                                                int
			Old, New                                            any
		} `json:"changes"`
		Breaking, Warning, NonBreaking, Info int
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if r.Breaking != 7 || len(r.Changes) < 7 {
		t.Fatalf("%d breaking of %d changes\n%s", r.Breaking, len(r.Changes), stdout)
	}
	c := r.Changes[2]
	if c.Level != "breaking" || c.Rule != "api-removed" || c.Operation != "logout" || c.Kind != "operation" || c.Target != "" ||
		c.File != "testdata/diff/old.md" || c.Line != 72 || c.Old != "POST /logout/1.0/json" || c.New != nil {
		t.Errorf("third change %+v", c)
	}
	if c := r.Changes[4]; c.Rule != "request-property-type-changed" || c.Target != "country" || c.Old != "number" || c.New != "string" {
		t.Errorf("fifth change %+v", c)
	}
}

func TestDiffRepoPageAgainstItself(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "diff", "--overlay", repoOverlay, repoPage, repoPage)
	if code != 0 || strings.TrimSpace(stdout) != "0 breaking, 0 warning, 0 not breaking, 0 info" {
		t.Errorf("exit %d\n%s%s", code, stdout, stderr)
	}
	// The page's T1 warning is printed once, not once per side.
	if n := strings.Count(stderr, "line 216"); n != 1 {
		t.Errorf("%d T1 warnings in %q", n, stderr)
	}
}

func TestDiffGeneratedContracts(t *testing.T) {
	build := func(page, overlay string) string {
		t.Helper()
		res, err := generate.Build(generate.Options{Page: page, Overlay: overlay, Root: "."})
		if err != nil {
			t.Fatal(err)
		}
		out := t.TempDir()
		if err := res.Write(out); err != nil {
			t.Fatal(err)
		}
		return out
	}
	old, new := build(diffOld, ""), build(filepath.Join("testdata", "diff", "breaking.md"), "")
	page := build(repoPage, repoOverlay)
	for _, tc := range []struct {
		name, overlay string
		old, new      string
		code          int
		want          string
	}{
		{"output roots", "", old, new, 1, "breaking api-removed logout testdata/diff/old.md:72"},
		{"schemas dirs", "", filepath.Join(old, "schemas"), filepath.Join(new, "schemas"), 1, "7 breaking"},
		{"index files", "", filepath.Join(old, "schemas", "index.json"), filepath.Join(new, "schemas", "index.json"), 1, "7 breaking"},
		{"a page against a contract", "", diffOld, new, 1, "7 breaking"},
		{"the repo's page against its generated contract", repoOverlay, repoPage, page, 0, "0 breaking, 0 warning, 0 not breaking, 0 info"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", "diff", "--overlay", tc.overlay, tc.old, tc.new)
			if code != tc.code || !hasPrefixLine(fields(stdout), tc.want) {
				t.Errorf("exit %d (want %d), no line %q\n%s%s", code, tc.code, tc.want, stdout, stderr)
			}
		})
	}
	// The committed contract (the checkout's root) loads; what it says
	// depends on whether it is up to date, which "check" tests.
	if code, _, stderr := runCLI(t, "", "diff", filepath.Join("..", ".."), page); code == 2 {
		t.Errorf("the committed contract: exit 2: %s", stderr)
	}
}

func TestDiffUsageAndInputErrors(t *testing.T) {
	dir := t.TempDir()
	notIndex := filepath.Join(dir, "x.json")
	os.WriteFile(notIndex, []byte(`{"title": "x"}`), 0o644)
	broken := filepath.Join(dir, "broken.json")
	os.WriteFile(broken, []byte("{\n  \"operations\": [\n  }"), 0o644)
	malformed := filepath.Join("testdata", "diff", "no_endpoint.md")
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no arguments", []string{"diff"}, 2, "want OLD and NEW, got 0"},
		{"one argument", []string{"diff", diffOld}, 2, "want OLD and NEW, got 1"},
		{"bad format", []string{"diff", "--format", "yaml", diffOld, diffOld}, 2, `--format "yaml"`},
		{"unknown flag", []string{"diff", "--frob", diffOld, diffOld}, 2, "flag provided but not defined: -frob"},
		{"missing file", []string{"diff", "--overlay", "", diffOld, "nope.md"}, 2, "error: nope.md: no such file or directory"},
		{"missing overlay", []string{"diff", "--overlay", "nope.yaml", diffOld, diffOld}, 2, "error: overlay nope.yaml (for testdata/diff/old.md): no such file or directory"},
		{"not an index", []string{"diff", notIndex, notIndex}, 2, `x.json: not a contract index: no "operations"`},
		{"broken JSON", []string{"diff", broken, broken}, 2, "broken.json: not a contract index: line 3:"},
		{"empty directory", []string{"diff", dir, dir}, 2, "a directory with neither schemas/index.json nor index.json in it"},
		{"refused page keeps its file", []string{"diff", "--overlay", "", diffOld, malformed}, 2, "error: testdata/diff/no_endpoint.md: the page documents no operation"},
		{"help", []string{"diff", "--help"}, 0, "-old-overlay"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", tc.args...)
			if code != tc.code || !strings.Contains(stdout+stderr, tc.want) {
				t.Errorf("exit %d (want %d), want %q in\n%s%s", code, tc.code, tc.want, stdout, stderr)
			}
		})
	}
}

func TestDiffOverlayPerSide(t *testing.T) {
	// The repo's page with the overlay against the same page without it:
	// the overlay's constraints (formats, minimums, error keys) are what
	// the client sees change.
	code, stdout, stderr := runCLI(t, "", "diff", "--old-overlay", "", "--new-overlay", repoOverlay, repoPage, repoPage)
	if code != 1 || !strings.Contains(stdout, "request-property-format-added") || !strings.Contains(stdout, "request-property-error-key-changed") {
		t.Errorf("exit %d\n%s%s", code, stdout, stderr)
	}
	// Without it, the response texts and minimums clients relied on are
	// gone (breaking); the request constraints loosen (not breaking).
	code, stdout, stderr = runCLI(t, "", "diff", "--old-overlay", repoOverlay, repoPage, repoPage, "--overlay", "")
	lines := fields(stdout)
	for _, want := range []string{
		"breaking response-property-const-removed signin.error/message",
		"breaking request-property-error-key-changed signup.login",
		"non-breaking request-property-format-removed signup.login",
		"non-breaking request-property-min-length-unset signup.password",
	} {
		if !hasPrefixLine(lines, want) {
			t.Errorf("no line %q", want)
		}
	}
	if code != 1 {
		t.Errorf("exit %d\n%s%s", code, stdout, stderr)
	}
}

// Issue 17 items 9 and 1: a path parameter renamed between two pages is
// info, not a path change (exit 0); and diff runs outside the repository,
// where its default overlay is not there (no overlay, said once).
func TestDiffPathParamRenamedOutsideTheRepository(t *testing.T) {
	const page = "---\ntitle: Partners API (a test page)\n---\n\n# Partner logo\n\nReturns the partner's logo as a PNG image.\n\n" +
		"> `GET https://api.partners.test/partner/{uid}/logo.png`\n\n### URL Parameters\n\n" +
		"Parameter | Type | Required | Description\n--------- | ---- | -------- | -----------\nuid | string | Required | The partner's id\n"
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "old.md"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	renamed := strings.NewReplacer("{uid}", "{partner_id}", "\nuid |", "\npartner_id |").Replace(page)
	if err := os.WriteFile(filepath.Join(dir, "new.md"), []byte(renamed), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	code, stdout, stderr := runCLI(t, "", "diff", "old.md", "new.md")
	if code != 0 {
		t.Fatalf("exit %d, want 0\n%s%s", code, stdout, stderr)
	}
	got := fields(stdout)
	want := []string{
		"info api-path-param-renamed partner_logo new.md:9 path parameter renamed (/partner/{uid}/logo.png to /partner/{partner_id}/logo.png): the same URL for clients",
		"0 breaking, 0 warning, 0 not breaking, 1 info",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if n := strings.Count(stderr, "note: no overlay"); n != 1 {
		t.Errorf("the missing default overlay said %d times: %q", n, stderr)
	}
}
