package slate_test

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/nebeus/nebeus-contract/spec/slate"
)

// Each table kind of testdata/tables/tables.md: what it yields and what it
// warns about. A table is never fatal.
func TestParseTables(t *testing.T) {
	p, err := slate.ParseFile(filepath.Join("testdata", "tables", "tables.md"))
	if err != nil {
		t.Fatalf("want warnings only, got %v", err)
	}
	sections := map[string]slate.Section{}
	for _, s := range p.Sections {
		sections[s.Title] = s
	}
	args := func(title string) string {
		var out []string
		for _, a := range sections[title].Arguments {
			vals, _ := json.Marshal(a.Values)
			out = append(out, fmt.Sprintf("%s:%s:%v:%s:%s@%d", a.Name, a.Type, a.Required, a.Description, vals, a.Line))
		}
		return strings.Join(out, " ")
	}
	fields := func(title string) string {
		var out []string
		for _, f := range sections[title].Fields {
			vals, _ := json.Marshal(f.Values)
			out = append(out, fmt.Sprintf("%s:%s:%s:%s@%d", f.Name, f.Type, f.Description, vals, f.Line))
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct{ title, args, fields string }{
		{title: "Full argument table", args: "login:string:true:Email:null@13 age:integer:false:Years:null@14"},
		// No heading: Parameter, Type and Required make it an argument
		// table; backticks and case are read through, \| is a pipe.
		{title: "Argument table by its columns", args: "token:string:true:Session | device token:null@22 count:int:false:How many:null@23"},
		{title: "Argument table without Type and Required", args: "include_cats::false:Also cats:null@33"},
		// An unreadable Required cell reads as optional; a short row is skipped.
		{title: "Required cells", args: "a:string:true:A:null@43 b:string:true:B:null@44 c:string:false:C:null@45 d:string:false:D:null@46 e:string:false:E:null@47"},
		{title: "Possible values of arguments", args: `kind:string:true:How to pay:["card","bank"]@58 level:integer:false:Level:[1,2,3]@59`},
		// A Returns table is response fields, never arguments.
		{title: "Returns table", fields: `status::Outcome:["success","error"]@69 kind::Kind:["a","b"]@70 mode::Mode:["x","y"]@71 name::Name:null@72 count::Count:[1,2,3]@73`},
		// Without a heading: Field, or Possible values without Required.
		{title: "Response table by its columns", fields: `user.name:string:The name:null@81 state::State:["open","closed"]@85`},
		{title: "Tables nobody reads"},
	} {
		if got := args(tc.title); got != tc.args {
			t.Errorf("%s: arguments\n%s\nwant\n%s", tc.title, got, tc.args)
		}
		if got := fields(tc.title); got != tc.fields {
			t.Errorf("%s: fields\n%s\nwant\n%s", tc.title, got, tc.fields)
		}
	}
	var got []string
	for _, w := range p.Warnings {
		got = append(got, fmt.Sprintf("%d: %s", w.Line, w.Message))
	}
	want := []string{
		"31: argument table lacks column(s) type, required (want Parameter | Type | Required | Description, got Parameter | Default | Description); a missing Type reads as any type, a missing Required as optional",
		`47: argument "e": Required column "Sometimes" is neither Required nor Optional; read as optional`,
		"48: argument table row has 2 cells, the header has 4; the row is skipped",
		"93: argument table has no Parameter (or Name, Field) column (got Type | Description); it is ignored",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("warnings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A column the parser does not know is named in a warning; the rest of the
// table is read.
func TestParseTableUnknownColumn(t *testing.T) {
	src := "# Op\n\n> `POST https://h/op/1.0/json`\n\n### Arguments\n\nParameter | Type | Required | Since | Description\n--- | --- | --- | --- | ---\nlogin | string | Required | 1.2 | Email\n"
	p, err := slate.Parse("mem.md", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Warnings) != 0 {
		t.Errorf("Since is a known column: %v", p.Warnings)
	}
	src = strings.Replace(src, "Since", "Max length", 1)
	p, err = slate.Parse("mem.md", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Warnings) != 1 || p.Warnings[0].Line != 7 || !strings.Contains(p.Warnings[0].Message, "column(s) Max length the parser does not know") {
		t.Errorf("warnings %v", p.Warnings)
	}
	if a := p.Sections[0].Arguments; len(a) != 1 || a[0].Name != "login" || !a[0].Required || a[0].Description != "Email" {
		t.Errorf("arguments %+v", a)
	}
}
