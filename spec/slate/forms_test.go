package slate_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/nebeus/nebeus-contract/spec/slate"
)

// Issue 17 item 3: the forms real pages write an endpoint in. Each source
// is one section; want is its endpoints, "" for none.
func TestEndpointForms(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"quote line", "> `GET https://h/api/v1/x`", "GET /api/v1/x"},
		{"bold line", "**GET /api/v1/x**", "GET /api/v1/x"},
		{"bold method", "**POST** `/api/v1/x`", "POST /api/v1/x"},
		{"method then code path", "POST `/api/otc/rate`", "POST /api/otc/rate"},
		{"code without leading slash", "`GET api/users/{user}`", "GET /api/users/{user}"},
		{"HEAD beside GET", "`GET api/test`\n\n`HEAD api/test`", "GET /api/test, HEAD /api/test"},
		{"heading", "### HTTP Request\n\n#### `GET http://h.org/api/strain/<strain>`", "GET /api/strain/{strain}"},
		{"bracket template", "`GET /books/[id]`", "GET /books/{id}"},
		{"colon template", "`GET /books/:id/pages`", "GET /books/{id}/pages"},
		{"dollar template", "`GET /books/${id}`", "GET /books/{id}"},
		{"angle template", "`DELETE /books/<id>`", "DELETE /books/{id}"},
		{"host without scheme", "`GET localhost:8080/books`", "GET /books"},
		{"curl only", "```shell\ncurl -X POST https://h/api/orders \\\n  -H 'X: y'\n```", "POST /api/orders"},
		{"curl with data is a POST", "```bash\n$ curl https://h/api/orders -d a=b\n```", "POST /api/orders"},
		{"curl -G is a GET", "```bash\ncurl -G https://h/api/orders --data-urlencode a=b\n```", "GET /api/orders"},
		{"curl -I is a HEAD", "```\ncurl -I https://h/api/orders\n```", "HEAD /api/orders"},
		{"curl split without backslashes", "```curl\ncurl -X PUT\n\"https://h/api/orders/7\"\n-H \"X: y\"\n```", "PUT /api/orders/7"},
		{"HTTP exchange", "```http\nGET /api/orders HTTP/1.1\nHost: h\n```", "GET /api/orders"},
		{"endpoint table", "Method | URL\n--- | ---\nGET | <code>/api/a</code>\nPOST | `api/b`", "GET /api/a, POST /api/b"},
		{"request line cell", "Method | HTTP request | Description\n--- | --- | ---\npost | POST /orders | Create", "POST /orders"},
		{"prose is no endpoint", "Get /users returns the users.\n\nGET /users is prose outside HTTP Request.", ""},
		{"curl placeholder is no endpoint", "```shell\ncurl \"api_endpoint_here\" -H \"Authorization: k\"\n```", ""},
		{"curl of the base URL is no endpoint", "```shell\ncurl -i https://h.io \\\n  -u key:\n```", ""},
		{"elided URL is no endpoint", "```shell\ncurl -XPOST -H \"A: b\" https://h/v1/...\n```\n\n`GET /v1/...`", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := slate.Parse("mem.md", []byte("# Op\n\n"+tc.src+"\n"), nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(p.Sections) != 1 {
				t.Fatalf("sections %+v", p.Sections)
			}
			var got []string
			for _, e := range p.Sections[0].Endpoints {
				got = append(got, e.Method+" "+e.Template)
			}
			if strings.Join(got, ", ") != tc.want {
				t.Errorf("endpoints = %q, want %q", strings.Join(got, ", "), tc.want)
			}
		})
	}
}

// An endpoint a curl example shows is no operation of its own when an
// endpoint line documents it, under other template names or a base path.
func TestShownEndpointsDocumentedElsewhere(t *testing.T) {
	src := "# Intro\n\n```shell\ncurl https://h/api/v0/books/42\ncurl https://h/api/v0/authors/{Name}\n```\n\n" +
		"# Books\n\n`GET /books/{id}`\n\n# Authors\n\n`GET /authors/{name}`\n\n# Stats\n\n```shell\ncurl https://h/stats\n```\n"
	p, err := slate.Parse("mem.md", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, s := range p.Sections {
		got[s.Title] = endpoints(s)
	}
	if got["Intro"] != "" || got["Stats"] != "GET /stats@19" || got["Books"] != "GET /books/{id}@10" {
		t.Errorf("endpoints %v", got)
	}
}

// Issue 17 item 6 and the headings and columns of other languages: which
// table is arguments, which the response, who is required.
func TestTablesOfGeneratedAndTranslatedPages(t *testing.T) {
	src := `# Op

` + "`PUT /plants/{plantId}`" + `

<h3 id="p">Parameters</h3>

|Name|In|Type|Required|Description|
|---|---|---|---|---|
|plantId|path|integer|true|The plant|
|body|body|[P](#p)|true|none|
|» species|body|string|false|Latin name|
|» soil|body|object|false|none|
|»» ph|body|number|false|Acidity|

<h3 id="r">Response Schema</h3>

|Name|Type|Required|Restrictions|Description|
|---|---|---|---|---|
|*anonymous*|[[P](#p)]|false|none|none|
|» id|integer|true|none|none|
|» soil|object|true|none|none|
|»» ph|number|true|none|none|

#### Enumerated Values

|Property|Value|
|---|---|
|state|seed|

### 请求参数

参数 | 类型 | 必填 | 说明
---- | ---- | ---- | ----
sku | string | 是 | 编号
warehouse | int | 否 | 仓库

### Параметры

Параметр | Тип | Обязательный | Описание
-------- | --- | ------------ | --------
weight | number | да | Вес
note | string | нет | Заметка

### Query Parameters

Parameter | Status | Description
--------- | ------- | -------
page | optional | The page.
`
	p, err := slate.Parse("mem.md", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	s := p.Sections[0]
	var args []string
	for _, a := range s.Arguments {
		r := "optional"
		if a.Required {
			r = "required"
		}
		args = append(args, a.Name+":"+a.In+":"+r)
	}
	want := "plantId:path:required species:body:optional soil:body:optional sku::required warehouse::optional weight::required note::optional page::optional"
	if strings.Join(args, " ") != want {
		t.Errorf("arguments\n%s\nwant\n%s", strings.Join(args, " "), want)
	}
	var fields []string
	for _, f := range s.Fields {
		fields = append(fields, f.Name)
	}
	if strings.Join(fields, " ") != "id soil soil.ph" {
		t.Errorf("response fields %v, want the » rows nested", fields)
	}
	// documentarian's Status column is Required; the table has no Type.
	if len(p.Warnings) != 1 || p.Warnings[0].Line != 46 || !strings.Contains(p.Warnings[0].Message, "lacks column(s) type (") {
		t.Errorf("warnings %v", p.Warnings)
	}
}

// Bad input: clear error or warnings with lines, bounded time, no panic.
func TestParseBadInput(t *testing.T) {
	if _, err := slate.Parse("bin.md", []byte("# Op\n\x00\x01"), nil); err == nil || !strings.Contains(err.Error(), "bin.md:2: the file is not text") {
		t.Errorf("binary file: %v", err)
	}
	p, err := slate.Parse("latin1.md", []byte("# Caf\xe9\n\n`GET /x`\n"), nil)
	if err != nil || len(p.Warnings) != 1 || p.Warnings[0].Line != 1 || !strings.Contains(p.Warnings[0].Message, "not UTF-8") {
		t.Fatalf("not UTF-8: %v %v", err, p)
	}
	if p.Sections[0].Title != "Caf\uFFFD" || len(p.Sections[0].Endpoints) != 1 {
		t.Errorf("section %+v", p.Sections[0])
	}
	if _, err := slate.Parse("big.md", make([]byte, slate.MaxPageBytes+1), nil); err == nil || !strings.Contains(err.Error(), "more than the") {
		t.Errorf("oversized page: %v", err)
	}
	p, err = slate.Parse("prose.md", []byte("Just some text.\nNo headings at all.\n"), nil)
	if err != nil || len(p.Sections) != 0 {
		t.Errorf("not Slate: %v %+v", err, p)
	}
}

// hugePage is a page of n bytes of sections, endpoints, curl lines and
// examples.
func hugePage(n int) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < n; i++ {
		b.WriteString("## Op " + strings.Repeat("x", i%7) + "\n\n`GET /items/{id}/" + string(rune('a'+i%26)) + "`\n\n```shell\ncurl https://h/items/" + string(rune('a'+i%26)) + "\n```\n\n> Response\n\n```json\n{\"id\": 1, \"tags\": [\"a\", ...]}\n```\n\n")
	}
	return b.Bytes()
}

// A large page is read in bounded time: the guard is a hang guard (a
// quadratic reader takes hours on it), not a timing claim; the 10 MB page's
// time is BenchmarkParseHugePage's.
func TestParseHugePageIsBounded(t *testing.T) {
	page := hugePage(256 << 10)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if _, err := slate.Parse("huge.md", page, nil); err != nil {
			t.Error(err)
		}
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Minute):
		t.Fatal("a 256 KB page took more than two minutes to read")
	}
}

// BenchmarkParseHugePage reads a 10 MB page (bad input: the huge
// page), against the 1 MB one in the same run: the ratio shows the reader
// is linear.
func BenchmarkParseHugePage(b *testing.B) {
	for _, size := range []int{1 << 20, 10 << 20} {
		page := hugePage(size)
		b.Run(fmt.Sprintf("%dMB", size>>20), func(b *testing.B) {
			b.SetBytes(int64(len(page)))
			for i := 0; i < b.N; i++ {
				if _, err := slate.Parse("huge.md", page, nil); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
