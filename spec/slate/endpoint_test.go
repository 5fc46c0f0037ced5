package slate_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/nebeus/nebeus-contract/spec/slate"
)

func TestNormalizePath(t *testing.T) {
	for _, tc := range []struct{ in, want, params string }{
		{"/signin/1.0/json", "/signin/1.0/json", ""},
		{"/images/${id}/avatar.png", "/images/{id}/avatar.png", "id"},
		{"/badges/:code", "/badges/{code}", "code"},
		{"/kittens/<ID>", "/kittens/{ID}", "ID"},
		{"/reports/{year}/{{month}}/summary.pdf", "/reports/{year}/{month}/summary.pdf", "year month"},
		{"/files/avatar_${id}.png", "/files/avatar_{id}.png", "id"},
		// A colon inside a segment is not a template.
		{"/v1/models/x:predict", "/v1/models/x:predict", ""},
	} {
		got, params := slate.NormalizePath(tc.in)
		if got != tc.want || strings.Join(params, " ") != tc.params {
			t.Errorf("NormalizePath(%q) = %q %v, want %q %q", tc.in, got, params, tc.want, tc.params)
		}
	}
}

func TestPathOf(t *testing.T) {
	for in, want := range map[string]string{
		"https://domain.com/signin/1.0/json":        "/signin/1.0/json",
		"http://example.com/kittens/<ID>":           "/kittens/<ID>",
		"https://h/images/${id}/avatar.png?size=64": "/images/${id}/avatar.png",
		"{base}/chat/send/1.0/json":                 "/chat/send/1.0/json",
		"/dashboard/stats#top":                      "/dashboard/stats",
		"https://h":                                 "/",
		"https://{host}/x/{id}":                     "/x/{id}",
		"http://h.org/api/strain/":                  "/api/strain",
		"api/users":                                 "/api/users",
		"localhost:8080/books":                      "/books",
	} {
		if got := slate.PathOf(in); got != want {
			t.Errorf("PathOf(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTemplateMatch(t *testing.T) {
	for _, tc := range []struct {
		template, path string
		want           []string
	}{
		{"/images/{id}/avatar.png", "/images/154/avatar.png", []string{"154"}},
		{"/reports/{year}/{month}/summary.pdf", "/reports/2024/05/summary.pdf", []string{"2024", "05"}},
		{"/kittens/{ID}", "/api/kittens/2", []string{"2"}},
		{"/images/{id}/avatar.png", "/images/154/photo.png", nil},
		{"/signin/1.0/json", "/signin/1.0/json", nil},
	} {
		if got := slate.TemplateMatch(tc.template, tc.path); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("TemplateMatch(%q, %q) = %v, want %v", tc.template, tc.path, got, tc.want)
		}
	}
}

func endpoints(s slate.Section) string {
	var out []string
	for _, e := range s.Endpoints {
		out = append(out, fmt.Sprintf("%s %s@%d", e.Method, e.Template, e.Line))
	}
	return strings.Join(out, ", ")
}

// Which endpoints of a section are operations.
func TestParseEndpoints(t *testing.T) {
	src := `# Copy
> ` + "`POST https://h/b/1.0/json`" + `

### HTTP Request
` + "`POST https://h/a/1.0/json`" + `

# A
> ` + "`POST https://h/a/1.0/json`" + `

### HTTP Request

` + "`POST https://h/a/1.0/json`" + `

# Avatar

> ` + "`GET https://h/images/${id}/avatar.png`" + `

> ` + "`GET https://h/images/154/avatar.png`" + `

### HTTP Request

` + "`GET https://h/images/{id}/avatar.png`" + `
` + "`DELETE https://h/images/:id/avatar.png`" + `

# Two paths

> ` + "`POST https://h/chat/send/1.0/json`" + `

### HTTP Request

` + "```http" + `
POST https://h/chat/message/1.0/json
` + "```" + `

# Group

## Bare endpoint line

GET https://h/bare

### HTTP Request

GET https://h/bare/{x}

## Notes

Prose of the bare endpoint's section.
`
	p, err := slate.Parse("mem.md", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range p.Sections {
		got[s.Title] = endpoints(s)
	}
	want := map[string]string{
		// T1's copy error: the HTTP Request line repeats section A's path.
		"Copy":               "POST /b/1.0/json@2",
		"A":                  "POST /a/1.0/json@8",
		"Avatar":             "GET /images/{id}/avatar.png@16, DELETE /images/{id}/avatar.png@23",
		"Two paths":          "POST /chat/send/1.0/json@27, POST /chat/message/1.0/json@32",
		"Group":              "",
		"Bare endpoint line": "GET /bare/{x}@43",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("endpoints\n%v\nwant\n%v", got, want)
	}
	var warns []string
	for _, w := range p.Warnings {
		warns = append(warns, w.Error())
	}
	for _, w := range []string{
		`mem.md:5: section "Copy": HTTP Request POST /a/1.0/json (line 5) disagrees with the endpoint line POST /b/1.0/json (line 2); the endpoint line wins (the HTTP Request line repeats the path of section "A", line 7)`,
		`mem.md:32: section "Two paths" documents a second endpoint POST /chat/message/1.0/json (line 32) besides POST /chat/send/1.0/json (line 27); each becomes an operation`,
	} {
		if !contains(warns, w) {
			t.Errorf("warnings\n%s\nlack\n%s", strings.Join(warns, "\n"), w)
		}
	}
	if len(warns) != 2 {
		t.Errorf("want 2 warnings, got\n%s", strings.Join(warns, "\n"))
	}
	for _, s := range p.Sections {
		switch s.Title {
		case "Avatar":
			// The concrete "> " line is an example of the template.
			if len(s.URLs) != 1 || s.URLs[0].Text != "/images/154/avatar.png" {
				t.Errorf("Avatar URLs %+v", s.URLs)
			}
		case "Bare endpoint line":
			// "## Notes" documents no endpoint: it is part of this section.
			if !contains(s.Notes, "Prose of the bare endpoint's section.") {
				t.Errorf("notes %q", s.Notes)
			}
		}
	}
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
