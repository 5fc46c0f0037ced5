package generate_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/nebeus/nebeus-contract/spec/generate"
)

var update = flag.Bool("update", false, "rewrite golden files")

const (
	root    = "../.."
	page    = "../source/index.html.md"
	overlay = "../overlay.yaml"
)

func project(t testing.TB) *generate.Result {
	t.Helper()
	res, err := generate.Build(generate.Options{Page: page, Overlay: overlay, Decisions: "../DECISIONS.md", Root: root})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return res
}

// The committed outputs are exactly what the page and overlay generate.
func TestCommittedOutputsMatchSource(t *testing.T) {
	drift, err := project(t).Check(root)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range drift {
		t.Errorf("drift: %s", d)
	}
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, b := project(t), project(t)
	if len(a.Files) != len(b.Files) {
		t.Fatalf("file counts differ: %d vs %d", len(a.Files), len(b.Files))
	}
	for p, x := range a.Files {
		if !bytes.Equal(x, b.Files[p]) {
			t.Errorf("%s differs between two runs", p)
		}
	}
}

func TestEveryGeneratedFileSaysSo(t *testing.T) {
	for p, b := range project(t).Files {
		if !bytes.Contains(b, []byte(generate.GeneratedMarker)) || !bytes.Contains(b, []byte("DO NOT EDIT")) {
			t.Errorf("%s lacks the generated header", p)
		}
	}
}

// A second page adds an operation with new argument types and changes an
// example: the generator yields its schemas with no code change.
func TestGenerateExtendedPageGolden(t *testing.T) {
	res, err := generate.Build(generate.Options{Page: "../slate/testdata/extended/index.html.md", Root: root})
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	dir := filepath.Join("testdata", "golden", "extended")
	if *update {
		os.RemoveAll(dir)
		if err := res.Write(mkdir(t, dir)); err != nil {
			t.Fatal(err)
		}
	}
	drift, err := res.Check(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range drift {
		t.Errorf("golden drift (go test ./spec/generate -update, then review): %s", d)
	}
	var req map[string]any
	if err := json.Unmarshal(res.Files["schemas/update_profile.request.json"], &req); err != nil {
		t.Fatalf("update_profile.request: %v", err)
	}
	params := req["properties"].(map[string]any)["params"].(map[string]any)
	props := params["properties"].(map[string]any)
	for arg, want := range map[string]string{
		"newsletter": `{"description":"Wants the newsletter","type":"boolean"}`,
		"age":        `{"description":"Age in years","type":"integer"}`,
		"tags":       `{"description":"Interests","items":{"type":"string"},"type":"array"}`,
		"birthday":   `{"description":"Date of birth","format":"date","type":"string"}`,
		"contact":    `{"description":"Contact address","format":"email","type":"string"}`,
	} {
		got, _ := json.Marshal(props[arg])
		if string(got) != want {
			t.Errorf("argument %s: got %s, want %s", arg, got, want)
		}
	}
	if !bytes.Contains(res.Files["schemas/signin.response.success.json"], []byte(`"email_verified"`)) {
		t.Error("the changed signin example's new field is not in its schema")
	}
	if _, ok := res.Files["schemas/update_profile.response.error.json"]; !ok {
		t.Error("the new operation's error variant has no schema")
	}
}

func mkdir(t *testing.T, d string) string {
	t.Helper()
	if err := os.MkdirAll(d, 0o755); err != nil {
		t.Fatal(err)
	}
	return d
}

// A failed run writes nothing; a good one leaves no stale file behind.
func TestWriteIsAllOrNothing(t *testing.T) {
	out := t.TempDir()
	// A page with no endpoint at all is the page refused (issue 17).
	page := filepath.Join(t.TempDir(), "index.html.md")
	if err := os.WriteFile(page, []byte("# Intro\n\nProse, no endpoint.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := generate.Build(generate.Options{Page: page, Root: out}); err == nil {
		t.Fatal("a page without endpoints built")
	}
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Fatalf("failed build wrote %d entries", len(entries))
	}
	res := project(t)
	if err := res.Write(out); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(out, "schemas", "gone.response.json")
	if err := os.WriteFile(stale, []byte(`{"$comment": "`+generate.GeneratedMarker+`"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	mine := filepath.Join(out, "schemas", "handwritten.json")
	if err := os.WriteFile(mine, []byte(`{}`), 0o644); err != nil {
		t.Fatal(err)
	}
	drift, err := res.Check(out)
	if err != nil || len(drift) != 1 || drift[0].Reason != "stale" {
		t.Fatalf("drift = %v, %v; want the one stale file", drift, err)
	}
	if err := res.Write(out); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("stale generated file survived a write")
	}
	if _, err := os.Stat(mine); err != nil {
		t.Error("a file that is not generated was removed")
	}
	leftovers, _ := filepath.Glob(filepath.Join(out, ".generate-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary folders left: %v", leftovers)
	}
	// Editing a generated file by hand is drift, reported with its line.
	p := filepath.Join(out, "schemas", "signin.request.json")
	b, _ := os.ReadFile(p)
	os.WriteFile(p, bytes.Replace(b, []byte(`"password"`), []byte(`"passwd"`), 1), 0o644)
	drift, _ = res.Check(out)
	if len(drift) != 1 || drift[0].Path != "schemas/signin.request.json" || drift[0].Line == 0 {
		t.Errorf("hand edit not reported: %v", drift)
	}
}

func TestStrictTurnsWarningsIntoErrors(t *testing.T) {
	_, err := generate.Build(generate.Options{Page: page, Overlay: overlay, Root: root, Strict: true})
	if err == nil || !strings.Contains(err.Error(), "index.html.md:241") {
		t.Fatalf("strict build of a page with the T1 copy error: %v", err)
	}
	res, err := generate.Build(generate.Options{Page: "../slate/testdata/malformed/bad_json.md", Root: root})
	if err != nil {
		t.Fatalf("a page with one bad example must still build: %v", err)
	}
	if len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0].Error(), "bad_json.md:25") {
		t.Errorf("warnings = %v", res.Warnings)
	}
}

func TestOverlayErrorsNameTheLine(t *testing.T) {
	for _, tc := range []struct{ file, want string }{
		{"no_decision.yaml", `no_decision.yaml:4: overlay action on "$.operations.signin": x-decision "" is not a decision id`},
		{"no_match.yaml", `no_match.yaml:7: overlay action (S1) target "$.operations.sign_in.params" matches nothing`},
		{"bad_path.yaml", `bad_path.yaml:4: overlay action: target "operations.signin": a JSONPath starts with $`},
		{"bad_yaml.yaml", `bad_yaml.yaml:2: overlay is not valid YAML`},
		{"not_overlay.yaml", `not_overlay.yaml:1: overlay: want an OpenAPI Overlay 1.x document`},
	} {
		t.Run(tc.file, func(t *testing.T) {
			_, err := generate.Build(generate.Options{Page: page, Overlay: filepath.Join("testdata", "overlays", tc.file), Root: root})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v\nwant %q", err, tc.want)
			}
		})
	}
}

// T1: the document has exactly the five operation paths, POST only, and it
// loads and validates with kin-openapi.
func TestOpenAPIDocumentLoadsAndValidates(t *testing.T) {
	for _, f := range []string{"../openapi.yaml", "../openapi.json"} {
		doc, err := openapi3.NewLoader().LoadFromFile(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if err := doc.Validate(context.Background()); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		var paths []string
		for p, item := range doc.Paths.Map() {
			paths = append(paths, p)
			if item.Post == nil || len(item.Operations()) != 1 {
				t.Errorf("%s %s: want exactly POST", f, p)
			}
		}
		sort.Strings(paths)
		want := "/get_countries/1.0/json /logout/1.0/json /reset_password/1.0/json /signin/1.0/json /signup/1.0/json"
		if strings.Join(paths, " ") != want {
			t.Errorf("%s: paths %v, want %s", f, paths, want)
		}
	}
}

func BenchmarkGenerate(b *testing.B) {
	// Baseline: reading the inputs, so the ratio says what generating costs.
	b.Run("baseline-read-inputs", func(b *testing.B) {
		for b.Loop() {
			for _, f := range []string{page, overlay, "../source/includes/_making_requests.md"} {
				if _, err := os.ReadFile(f); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("build-whole-contract", func(b *testing.B) {
		for b.Loop() {
			project(b)
		}
	})
}

// A page without front matter (no title) generates, as the 10 MB page of
// BenchmarkParseHugePage's kind did not ("info: value of title must be a
// non-empty string"): the contract takes its first section's title, with a
// warning at line 1, and the OpenAPI document validates (issue 17).
func TestPageWithoutTitleGenerates(t *testing.T) {
	page := filepath.Join(t.TempDir(), "untitled.md")
	src := "## Get item\n\n`GET /items/{id}`\n\n> Response\n\n```json\n{\"id\": 1}\n```\n"
	if err := os.WriteFile(page, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := generate.Build(generate.Options{Page: page, Root: filepath.Dir(page)})
	if err != nil {
		t.Fatalf("a page without a title is refused: %v", err)
	}
	var warned bool
	for _, w := range res.Warnings {
		warned = warned || (w.Line == 1 && strings.Contains(w.Message, `the page has no title (front matter "title:"); the contract is titled "Get item"`))
	}
	if !warned {
		t.Errorf("no warning about the missing title: %v", res.Warnings)
	}
	doc, err := openapi3.NewLoader().LoadFromData(res.Files["spec/openapi.json"])
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil || doc.Info.Title != "Get item" {
		t.Errorf("OpenAPI title %q, validation: %v", doc.Info.Title, err)
	}
}
