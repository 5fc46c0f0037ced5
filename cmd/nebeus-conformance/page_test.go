package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const (
	widgetsPage    = "../../spec/runcontract/testdata/widgets/index.html.md"
	widgetsOverlay = "../../spec/runcontract/testdata/widgets/overlay.yaml"
)

// Issue 17 item 1: --page generates the contract at start; --help then
// lists the page's operations, and the generator's warnings are printed
// once, on stderr.
func TestPageContract(t *testing.T) {
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"--page", widgetsPage, "--overlay", widgetsOverlay, "--help"}, env(nil), &out, &errb); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"widgets_list     POST /widgets/list/1.0/json (safe)", "widgets_get      POST /widgets/get/1.0/json"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("--help lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "/signin/") {
		t.Errorf("--help lists the built-in contract:\n%s", out.String())
	}

	// A page with a warning (a table without its Type and Required
	// columns): printed once, before the run (here an unreachable target
	// ends it).
	b, err := os.ReadFile(widgetsPage)
	if err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(t.TempDir(), "index.html.md")
	short := strings.Replace(string(b), "Parameter | Type | Required | Description\n--------- | ---- | -------- | -----------\nwidget_id | integer | Required |",
		"Parameter | Description\n--------- | -----------\nwidget_id |", 1)
	if err := os.WriteFile(page, []byte(short), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	errb.Reset()
	err = run(context.Background(), []string{"--page", page, "--base-url", "http://127.0.0.1:1"}, env(nil), &out, &errb)
	if exitCode(err) != 2 {
		t.Fatalf("unreachable target: %v", err)
	}
	if n := strings.Count(errb.String(), "lacks column(s) type, required"); n != 1 || !strings.Contains(errb.String(), "warning: "+page+":") {
		t.Errorf("want the page's one warning once, got %d:\n%s", n, errb.String())
	}
}

func TestPageUsageErrorsExit2(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"include missing":      {[]string{"--page", "../../spec/runcontract/testdata/include-missing/index.html.md"}, "includes/_gadgets.md does not exist"},
		"page missing":         {[]string{"--page", "testdata/nowhere.md"}, "testdata/nowhere.md: no such file"},
		"overlay without page": {[]string{"--overlay", widgetsOverlay}, "--overlay needs --page"},
		"page and contract":    {[]string{"--page", widgetsPage, "--contract", "x"}, "--page and --contract"},
	} {
		t.Run(name, func(t *testing.T) {
			var out, errb bytes.Buffer
			err := run(context.Background(), append([]string{"--base-url", srv.URL}, tc.args...), env(nil), &out, &errb)
			if got := exitCode(err); got != 2 || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("exit status %d (%v), want 2 and %q", got, err, tc.want)
			}
		})
	}
}
