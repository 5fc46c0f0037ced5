package slate_test

import (
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nebeus/nebeus-contract/spec/slate"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestParseGolden(t *testing.T) {
	for _, tc := range []struct{ name, page string }{
		{"nebeus", "../source/index.html.md"},
		{"extended", "testdata/extended/index.html.md"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := slate.ParseFile(tc.page)
			if err != nil {
				t.Fatalf("ParseFile: %v", err)
			}
			got, err := json.MarshalIndent(p, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "golden", tc.name+".json")
			if *update {
				if err := os.WriteFile(golden, append(got, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update)", err)
			}
			if string(want) != string(got)+"\n" {
				t.Errorf("parse of %s differs from %s (run go test ./spec/slate -update and review the diff)", tc.page, golden)
			}
		})
	}
}

// T1: the get_countries "HTTP Request" line repeats signup's path; the
// endpoint line wins and the disagreement is a warning naming both lines.
func TestParseT1EndpointDisagreementIsAWarning(t *testing.T) {
	p, err := slate.ParseFile("../source/index.html.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Warnings) != 1 {
		t.Fatalf("want exactly one warning, got %v", p.Warnings)
	}
	w := p.Warnings[0]
	for _, want := range []string{"/signup/1.0/json (line 241)", "/get_countries/1.0/json (line 216)", "endpoint line wins"} {
		if !strings.Contains(w.Error(), want) {
			t.Errorf("warning %q lacks %q", w, want)
		}
	}
	if w.Line != 241 {
		t.Errorf("warning line = %d, want 241", w.Line)
	}
	var countries *slate.Section
	for i := range p.Sections {
		if p.Sections[i].Title == "Get active countries" {
			countries = &p.Sections[i]
		}
	}
	if countries == nil || countries.Endpoint.Path != "/get_countries/1.0/json" {
		t.Fatalf("get_countries endpoint = %+v", countries)
	}
}

// Only what cannot be read at all is fatal; everything else is a warning
// with its line, and the rest of the page is read.
func TestParseMalformed(t *testing.T) {
	for _, tc := range []struct {
		file    string
		fatal   bool   // an error, not a warning
		want    string // substring of the message, with file and line
		partial int    // examples still parsed in the first section; -1: not checked
	}{
		// Item 2 of issue 17: an unclosed fence or front matter costs that
		// part, not the page.
		{file: "unclosed_fence.md", want: "unclosed_fence.md:9: code fence opened here is never closed; the line is skipped", partial: -1},
		{file: "unclosed_front_matter.md", want: "unclosed_front_matter.md:1: front matter opened here is never closed with ---; the page is read without it", partial: -1},
		{file: "bad_yaml.md", want: "bad_yaml.md:", partial: -1},
		{file: "missing_columns.md", want: "missing_columns.md:11: argument table lacks column(s) type, required", partial: -1},
		{file: "missing_include.md", want: `missing_include.md:4: include "nowhere": testdata/malformed/includes/_nowhere.md does not exist`, partial: -1},
		{file: "short_row.md", want: "short_row.md:14: argument table row has 2 cells, the header has 4; the row is skipped", partial: -1},
		{file: "bad_required.md", want: `bad_required.md:13: argument "login": Required column "Sometimes" is neither Required nor Optional; read as optional`, partial: -1},
		{file: "bad_json.md", want: `bad_json.md:25: example "Broken response" is not valid JSON: invalid character '}' looking for beginning of value (column 2)`, partial: 1},
	} {
		t.Run(tc.file, func(t *testing.T) {
			p, err := slate.ParseFile(filepath.Join("testdata", "malformed", tc.file))
			var msgs string
			if tc.fatal {
				var errs slate.Errors
				if !errors.As(err, &errs) {
					t.Fatalf("want slate.Errors, got %v", err)
				}
				msgs = err.Error()
			} else {
				if err != nil {
					t.Fatalf("want only warnings, got error %v", err)
				}
				for _, w := range p.Warnings {
					msgs += w.Error() + "\n"
				}
				if len(p.Sections) != 1 {
					t.Errorf("sections = %+v: the rest of the page must still be read", p.Sections)
				}
				if got := len(p.Sections[0].Examples); tc.partial >= 0 && got != tc.partial {
					t.Errorf("examples kept = %d, want %d: one bad example must not lose the rest", got, tc.partial)
				}
			}
			if !strings.Contains(msgs, tc.want) {
				t.Errorf("message\n%s\nlacks %q", msgs, tc.want)
			}
		})
	}
}

func TestParseLabelsMarkErrorVariants(t *testing.T) {
	src := "# Op\n\n> `POST https://h/op/1.0/json`\n\n```\nUnsuccessful thing\n```\n\n```\n{\"a\": \"...\"}\n```\n\n```\nWorks fine\n```\n\n```json\n[1, ...]\n```\n"
	p, err := slate.Parse("mem.md", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	ex := p.Sections[0].Examples
	if len(ex) != 2 || !ex[0].Error || ex[1].Error || ex[0].Label != "Unsuccessful thing" {
		t.Fatalf("examples = %+v", ex)
	}
	// "..." outside a string stands for elided content and still parses.
	if arr, ok := ex[1].Value.([]any); !ok || len(arr) != 2 || arr[1] != "..." {
		t.Errorf("elided array = %#v", ex[1].Value)
	}
}

func FuzzParse(f *testing.F) {
	seeds := []string{"../source/index.html.md", "testdata/extended/includes/_profile.md", "testdata/malformed/bad_json.md", "testdata/malformed/short_row.md"}
	// The pages in the styles of real pages (issue 17).
	styles, _ := filepath.Glob("../generate/testdata/styles/*/index.html.md")
	for _, p := range append(seeds, styles...) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, src []byte) {
		p, err := slate.Parse("fuzz.md", src, func(string) (string, []byte, error) { return "", nil, os.ErrNotExist })
		if err == nil && p == nil {
			t.Fatal("nil page without error")
		}
	})
}
