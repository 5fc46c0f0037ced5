package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nebeus/nebeus-contract/internal/version"
)

func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return exitCode(err, &errb), out.String(), errb.String()
}

func TestGenerateThenCheck(t *testing.T) {
	out := t.TempDir()
	page, overlay := filepath.Join("..", "..", "spec", "source", "index.html.md"), filepath.Join("..", "..", "spec", "overlay.yaml")
	code, stdout, stderr := runCLI(t, "", "generate", "--page", page, "--overlay", overlay, "--out", out)
	if code != 0 || !strings.Contains(stdout, "wrote 25 files") {
		t.Fatalf("generate: exit %d\n%s%s", code, stdout, stderr)
	}
	// T1's copy error on the page is a warning naming both lines.
	if !strings.Contains(stderr, "warning:") || !strings.Contains(stderr, "line 216") {
		t.Errorf("no T1 warning in %q", stderr)
	}
	if code, stdout, _ := runCLI(t, "", "check", "--page", page, "--overlay", overlay, "--out", out); code != 0 || !strings.Contains(stdout, "up to date") {
		t.Fatalf("check after generate: exit %d %s", code, stdout)
	}
	target := filepath.Join(out, "spec", "openapi.yaml")
	b, _ := os.ReadFile(target)
	os.WriteFile(target, append(b, "# edited\n"...), 0o644)
	code, _, stderr = runCLI(t, "", "check", "--page", page, "--overlay", overlay, "--out", out)
	if code != 1 || !strings.Contains(stderr, "1 generated file(s) out of date") || !strings.Contains(stderr, "spec/openapi.yaml:") {
		t.Errorf("check after an edit: exit %d, %q", code, stderr)
	}
}

// A page that cannot be read at all is refused with its line and nothing is
// written; anything else is a line-numbered warning (an error under
// --strict), and the rest of the page still generates.
func TestGenerateReportsPageProblemsWithLine(t *testing.T) {
	malformed := filepath.Join("..", "..", "spec", "slate", "testdata", "malformed")
	for _, tc := range []struct {
		name, page string
		strict     bool
		code       int
		want       string
		writes     bool
	}{
		// Issue 17: an unclosed fence costs its line, not the page; a
		// page with no endpoint at all is refused, writing nothing.
		{"unclosed fence", "unclosed_fence.md", false, 0, "unclosed_fence.md:9: code fence opened here is never closed", true},
		{"no endpoint", "no_endpoint.md", false, 1, "no_endpoint.md: the page documents no operation", false},
		{"missing columns", "missing_columns.md", false, 0, "warning: " + filepath.Join(malformed, "missing_columns.md") + ":11: argument table lacks column(s)", true},
		{"missing columns, strict", "missing_columns.md", true, 1, "missing_columns.md:11: argument table lacks column(s)", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			args := []string{"generate", "--page", filepath.Join(malformed, tc.page), "--overlay", "", "--out", out}
			if tc.strict {
				args = append(args, "--strict")
			}
			code, _, stderr := runCLI(t, "", args...)
			if code != tc.code || !strings.Contains(stderr, tc.want) {
				t.Errorf("exit %d, %q; want exit %d and %q", code, stderr, tc.code, tc.want)
			}
			entries, _ := os.ReadDir(out)
			if wrote := len(entries) > 0; wrote != tc.writes {
				t.Errorf("wrote %d entries, want writes=%v", len(entries), tc.writes)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	for _, tc := range []struct {
		name, stdin string
		args        []string
		code        int
		want        []string
	}{
		{"valid file", "", []string{"validate", "--schema", "signin.response", "testdata/signin-ok.json"}, 0, []string{"valid against signin.response"}},
		{"invalid file names pointer and decision", "", []string{"validate", "--schema", "signin.response", "testdata/signin-bad.json"}, 1,
			[]string{"/0/result/session_id: length must be >= 1, but got 0 [S1]", "warning: /0/result/extra: field not in the contract [T6]", "1 violation(s)"}},
		{"stdin request", `{"jsonrpc":"2.0","params":{"login":"x"}}`, []string{"validate", "--schema", "reset_password.request", "-"}, 1,
			[]string{"/params/login: 'x' is not valid 'email' [S4]"}},
		{"not JSON", `{`, []string{"validate", "--schema", "signin.request"}, 1, []string{"not valid JSON"}},
		{"unknown schema", `{}`, []string{"validate", "--schema", "nope"}, 2, []string{`no schema "nope"`}},
		{"missing schema flag", ``, []string{"validate"}, 2, []string{"--schema NAME"}},
		{"unknown command", ``, []string{"frobnicate"}, 2, []string{`unknown command "frobnicate"`}},
		{"help", ``, []string{"validate", "--help"}, 0, []string{"-schema"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tc.stdin, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\n%s%s", code, tc.code, stdout, stderr)
			}
			for _, w := range tc.want {
				if !strings.Contains(stdout+stderr, w) {
					t.Errorf("output lacks %q:\n%s%s", w, stdout, stderr)
				}
			}
		})
	}
}

func TestListNamesEveryOperation(t *testing.T) {
	code, stdout, _ := runCLI(t, "", "list")
	for _, op := range []string{"/signin/1.0/json", "/logout/1.0/json", "/reset_password/1.0/json", "/signup/1.0/json", "/get_countries/1.0/json"} {
		if !strings.Contains(stdout, op) {
			t.Errorf("list lacks %s", op)
		}
	}
	if code != 0 {
		t.Errorf("exit %d", code)
	}
}

// list and validate read a contract generated elsewhere (--contract), here
// the messy evolved page's, with its plain HTTP and binary operations.
func TestListAndValidateAGeneratedContract(t *testing.T) {
	out := t.TempDir()
	page := filepath.Join("..", "..", "spec", "generate", "testdata", "messy", "index.html.md")
	if code, _, stderr := runCLI(t, "", "generate", "--page", page, "--overlay", "", "--out", out); code != 0 {
		t.Fatalf("generate: exit %d: %s", code, stderr)
	}
	dir := filepath.Join(out, "schemas")
	code, stdout, stderr := runCLI(t, "", "list", "--contract", dir)
	if code != 0 {
		t.Fatalf("list: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"chat_send POST /chat/send/1.0/json", "images_avatar_get GET /images/{id}/avatar.png", "shape binary   image/png"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("list lacks %q:\n%s", want, stdout)
		}
	}
	if code, stdout, _ := runCLI(t, `{"jsonrpc":"2.0","params":{}}`, "validate", "--contract", dir, "--schema", "chat_send.request", "-"); code != 1 || !strings.Contains(stdout, "required property is missing") {
		t.Errorf("validate against the generated contract: exit %d: %s", code, stdout)
	}
	if code, _, _ := runCLI(t, "", "list", "--contract", filepath.Join(out, "nowhere")); code != 2 {
		t.Errorf("list --contract of a missing folder: exit %d, want 2", code)
	}
}

// copyPage copies the widgets test page (and its include) to dir/sub.
func copyPage(t *testing.T, dir, sub string) {
	t.Helper()
	src := filepath.Join("..", "..", "spec", "runcontract", "testdata", "widgets")
	for _, f := range []string{"index.html.md", filepath.Join("includes", "_errors.md")} {
		b, err := os.ReadFile(filepath.Join(src, f))
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, sub, f)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// Issue 17 item 1: outside the repository, generate creates --out and a
// default overlay that is not there is no overlay, said once; a page given
// without --overlay gets none (the default overlay is this project's own
// page's decisions).
func TestGenerateOutsideTheRepository(t *testing.T) {
	dir := t.TempDir()
	copyPage(t, dir, filepath.Join("spec", "source"))
	t.Chdir(dir)
	for _, tc := range []struct {
		name string
		args []string
		note string
	}{
		{"defaults", []string{"generate", "--out", filepath.Join("new", "a")}, "the default spec/overlay.yaml is not there"},
		{"page given", []string{"generate", "--page", filepath.Join("spec", "source", "index.html.md"), "--out", filepath.Join("new", "b", "c")}, "no overlay for spec/source/index.html.md"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", tc.args...)
			if code != 0 {
				t.Fatalf("exit %d: %s%s", code, stdout, stderr)
			}
			if n := strings.Count(stderr, "note: no overlay"); n != 1 || !strings.Contains(stderr, tc.note) {
				t.Errorf("want the note %q once, got %q", tc.note, stderr)
			}
			out := tc.args[len(tc.args)-1]
			if _, err := os.Stat(filepath.Join(out, "schemas", "widgets_get.request.json")); err != nil {
				t.Errorf("--out %s not written: %v", out, err)
			}
			// list reads the folder generate wrote, as the mock and the
			// suite read --contract.
			if code, stdout, stderr := runCLI(t, "", "list", "--contract", out); code != 0 || !strings.Contains(stdout, "widgets_get POST /widgets/get/1.0/json") {
				t.Errorf("list --contract %s: exit %d\n%s%s", out, code, stdout, stderr)
			}
		})
	}
}

// Issue 20: every binary says its version (stamped by make dist).
func TestVersion(t *testing.T) {
	for _, arg := range []string{"--version", "version"} {
		code, stdout, stderr := runCLI(t, "", arg)
		if code != 0 || stdout != version.Line("nebeus-contract") || !strings.HasPrefix(stdout, "nebeus-contract ") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", arg, code, stdout, stderr)
		}
	}
}
