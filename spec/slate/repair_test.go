package slate_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/nebeus/nebeus-contract/spec/slate"
)

// Each repair class on its own: testdata/repair/NAME.in is read as
// testdata/repair/NAME.want.json, with exactly the listed repairs (0-based
// line within the example: message).
func TestRepairJSON(t *testing.T) {
	for _, tc := range []struct {
		name    string
		repairs []string
	}{
		{"valid", nil},
		{"missing_comma_array_objects", []string{"1: inserted a missing comma"}},
		{"missing_comma_members", []string{"1: inserted a missing comma", "2: inserted a missing comma", "3: inserted a missing comma"}},
		{"missing_comma_scalars", []string{"1: inserted a missing comma", "2: inserted a missing comma", "3: inserted a missing comma", "4: inserted a missing comma"}},
		{"single_quotes", []string{"0: read a single-quoted string as a JSON string", "0: read a single-quoted string as a JSON string", "0: read a single-quoted string as a JSON string", "0: read a single-quoted string as a JSON string"}},
		{"trailing_commas", []string{"1: removed a trailing comma", "2: removed a trailing comma", "2: removed a trailing comma"}},
		{"comments", []string{"1: removed a // comment", "2: removed a // comment", "3: removed a /* */ comment"}},
		{"unquoted_keys", []string{"0: quoted the unquoted key status", "0: quoted the unquoted key is_agent", "0: read False as false", "0: quoted the unquoted key none", "0: read None as null", "0: quoted the unquoted key ok", "0: read True as true"}},
		// ... is elision, not a typo: no repair is reported.
		{"elision", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata", "repair", tc.name+".in"))
			if err != nil {
				t.Fatal(err)
			}
			fixed, repairs := slate.RepairJSON(string(in))
			if strings.Count(fixed, "\n") != strings.Count(string(in), "\n") {
				t.Errorf("repair changed the number of lines:\n%s", fixed)
			}
			var got []string
			for _, r := range repairs {
				got = append(got, fmt.Sprintf("%d: %s", r.Line, r.Message))
			}
			if !reflect.DeepEqual(got, tc.repairs) {
				t.Errorf("repairs\n%q\nwant\n%q", got, tc.repairs)
			}
			var v, want any
			if err := json.Unmarshal([]byte(fixed), &v); err != nil {
				t.Fatalf("repaired text does not parse: %v\n%s", err, fixed)
			}
			w, _ := os.ReadFile(filepath.Join("testdata", "repair", tc.name+".want.json"))
			if err := json.Unmarshal(w, &want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(v, want) {
				t.Errorf("repaired value %v, want %v", v, want)
			}
		})
	}
}

// What no repair can save stays invalid: the example is skipped with a
// warning naming its line.
func TestRepairJSONLeavesTheUnreadable(t *testing.T) {
	for _, in := range []string{`{"a": }`, `[1, 2`, `{"a" 1}`, `{"a": 1} {"b": 2}`, `<xml/>`, `{"a": "unterminated}`} {
		fixed, _ := slate.RepairJSON(in)
		var v any
		if json.Unmarshal([]byte(fixed), &v) == nil {
			t.Errorf("%s repaired into %s", in, fixed)
		}
	}
}

// A repair in a page is a warning on the page line of the repaired spot.
func TestParseRepairWarningsNameThePageLine(t *testing.T) {
	src := "# Op\n\n> `POST https://h/op/1.0/json`\n\n```json\n[\n  {\"a\": 1}\n  {\"a\": 2},\n]\n```\n"
	p, err := slate.Parse("mem.md", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range p.Warnings {
		got = append(got, w.Error())
	}
	want := []string{
		`mem.md:7: example "(unlabelled)": inserted a missing comma`,
		`mem.md:8: example "(unlabelled)": removed a trailing comma`,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("warnings\n%q\nwant\n%q", got, want)
	}
	if v := p.Sections[0].Examples[0].Value; fmt.Sprint(v) != "[map[a:1] map[a:2]]" {
		t.Errorf("value %v", v)
	}
}

func FuzzRepairJSON(f *testing.F) {
	matches, _ := filepath.Glob(filepath.Join("testdata", "repair", "*.in"))
	for _, m := range matches {
		b, _ := os.ReadFile(m)
		f.Add(string(b))
	}
	f.Fuzz(func(t *testing.T, s string) {
		fixed, _ := slate.RepairJSON(s)
		if strings.Count(fixed, "\n") != strings.Count(s, "\n") {
			t.Fatalf("line count changed: %q -> %q", s, fixed)
		}
		// Valid JSON without comments or elision is left as it is.
		var v any
		if json.Unmarshal([]byte(s), &v) == nil && !strings.Contains(s, "...") && !strings.Contains(s, "//") && !strings.Contains(s, "/*") {
			var w any
			if err := json.Unmarshal([]byte(fixed), &w); err != nil || !reflect.DeepEqual(v, w) {
				t.Fatalf("valid JSON %q changed into %q", s, fixed)
			}
		}
	})
}
