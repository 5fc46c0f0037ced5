package slate_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/nebeus/nebeus-contract/spec/slate"
)

// How an example's label, or its content when the label says neither, makes
// it a success, an error or a request.
func TestParseExampleKinds(t *testing.T) {
	fence := func(label, body string) string {
		s := ""
		if label != "" {
			s = "```\n" + label + "\n```\n\n"
		}
		return s + "```json\n" + body + "\n```\n\n"
	}
	for _, tc := range []struct {
		name     string
		body     string
		want     string // per example: s(uccess), e(rror), r(equest)
		warnings []string
	}{
		{"labels", fence("Successful response", `{"a": 1}`) + fence("Unsuccessful response", `{"a": 2}`) + fence("Not found (404)", `{"a": 3}`), "s e e", nil},
		// The only example: nothing to tell apart, no warning.
		{"one ambiguous", fence("Example response", `[{"id": 1}]`), "s", nil},
		{"ambiguous pair", fence("Response", `{"a": 1}`) + fence("Another response", `{"a": 2}`), "s s", []string{
			`label "Response" says neither success nor error; it is read as a success variant`,
			`label "Another response" says neither success nor error; it is read as a success variant`}},
		// The JSON decides: a status of error, an error member, success false.
		{"content says error", fence("Response", `{"status": "ok"}`) + fence("Response", `[{"jsonrpc": "2.0", "id": 1, "result": {"status": "error", "message": "x"}}]`) +
			fence("", `{"jsonrpc": "2.0", "id": 1, "error": {"code": 1, "message": "x"}}`) + fence("Output", `{"success": false}`), "s e e e", []string{
			`label "Response" says neither success nor error; it is read as a success variant`,
			`label "Response" says neither success nor error; its JSON is an error, so it is read as an error variant`,
			`has no label; its JSON is an error, so it is read as an error variant`,
			`label "Output" says neither success nor error; its JSON is an error, so it is read as an error variant`}},
		// A request: by its label, or by being a call object.
		{"requests", fence("Example request", `{"login": "a"}`) + fence("", `{"jsonrpc": "2.0", "method": "call", "params": {"a": 1}}`) + fence("Successful response", `{"jsonrpc": "2.0", "id": 1, "result": {}}`), "r r s", nil},
		{"response to a request", fence("Response to the request", `{"a": 1}`), "s", nil},
		{"unlabelled pair", fence("", `{"a": 1}`) + fence("", `{"a": 2}`), "s s", []string{
			"has no label; it is read as a success variant", "has no label; it is read as a success variant"}},
		// A "> " line or a heading just before a fence is its label.
		{"quote label", "> Error response:\n\n```json\n{\"a\": 1}\n```\n", "e", nil},
		{"heading label", "### Error response\n\n```json\n{\"a\": 1}\n```\n", "e", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "# Op\n\n> `POST https://h/op/1.0/json`\n\n" + tc.body
			p, err := slate.Parse("mem.md", []byte(src), nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, ex := range p.Sections[0].Examples {
				switch {
				case ex.Request:
					got = append(got, "r")
				case ex.Error:
					got = append(got, "e")
				default:
					got = append(got, "s")
				}
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("kinds %v, want %s", got, tc.want)
			}
			if len(p.Warnings) != len(tc.warnings) {
				t.Fatalf("warnings %v, want %d", p.Warnings, len(tc.warnings))
			}
			for i, w := range p.Warnings {
				if !strings.Contains(w.Message, tc.warnings[i]) {
					t.Errorf("warning %d %q lacks %q", i, w.Message, tc.warnings[i])
				}
				if w.Line == 0 {
					t.Errorf("warning %q has no line", w.Message)
				}
			}
		})
	}
}

// Only what cannot be read at all is fatal: an include that is not there,
// front matter that is not YAML, are warnings; the page is still read.
func TestParseMissingIncludeAndBadFrontMatterAreWarnings(t *testing.T) {
	src := "---\ntitle: [broken\nincludes:\n  - here\n  - gone\n---\n\n# Op\n\n> `POST https://h/op/1.0/json`\n"
	p, err := slate.Parse("mem.md", []byte(src), func(name string) (string, []byte, error) {
		if name == "here" {
			return "_here.md", []byte("# Other\n\n> `POST https://h/other/1.0/json`\n"), nil
		}
		return "_" + name + ".md", nil, fmt.Errorf("no such file")
	})
	if err != nil {
		t.Fatalf("want warnings only, got %v", err)
	}
	if p.Title != "[broken" || strings.Join(p.Includes, ",") != "here,gone" {
		t.Errorf("front matter salvaged as %q %v", p.Title, p.Includes)
	}
	if len(p.Sections) != 2 {
		t.Errorf("sections %d, want the page's and the include's", len(p.Sections))
	}
	var msgs []string
	for _, w := range p.Warnings {
		msgs = append(msgs, w.Error())
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{"mem.md:", "front matter is not valid YAML", `mem.md:5: include "gone": _gone.md does not exist or cannot be read: no such file; it is skipped`} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings\n%s\nlack %q", all, want)
		}
	}
}
