package generate_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime/metrics"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/nebeus/nebeus-contract/spec/generate"
	"github.com/nebeus/nebeus-contract/spec/slate"
)

// testdata/styles holds pages written for these tests in the styles real
// Slate pages use (issue 17): Widdershins output, Laravel's documentarian,
// Chinese and Russian headings and tables, endpoints shown only in curl
// examples or in a table of endpoints, and every endpoint form and broken
// part at once. Each must generate, find every endpoint a reader counts,
// warn about what it could not read with its line, and write an OpenAPI
// document that validates.
func TestStylesOfRealPages(t *testing.T) {
	for _, tc := range []struct {
		page      string
		endpoints []string
		warnings  []string            // "line: substring"
		arguments map[string][]string // operation id: "name@in" ("@in" when the model says where)
		maps      []string            // "operation variant pointer" whose schema is a map
	}{
		{
			page:      "widdershins",
			endpoints: []string{"DELETE /plants/{plantId}", "GET /plants", "PUT /plants/{plantId}"},
			warnings:  []string{`143: operation "plants_delete" has no usable response example`},
			// Response Schema rows (» id, » species) are the response,
			// not arguments; the header argument is not in params; the
			// body's » rows are its arguments, »» ones their members.
			arguments: map[string][]string{
				"plants_get": {"X-Trace@header", "bed@query"},
				"plants_put": {"plantId@path", "soil", "species"},
			},
		},
		{
			page:      "documentarian",
			endpoints: []string{"GET /api/books", "GET /api/books/{book}", "HEAD /api/books", "PATCH /api/books/{book}", "PUT /api/books/{book}"},
			warnings: []string{
				"53: argument table lacks column(s) type",
				`75: operation "api_books_get_2": the example of GET /api/books/{book} (error) does not fit its schema (it is null`,
			},
			arguments: map[string][]string{
				"api_books_get":   {"page@query"},
				"api_books_get_2": {"book@path"},
				"api_books_put":   {"book@path", "title"},
			},
		},
		{
			page:      "chinese",
			endpoints: []string{"POST /api/stock/query", "POST /api/stock/transfer"},
			arguments: map[string][]string{
				"api_stock_query":    {"sku", "warehouse"},
				"api_stock_transfer": {"from", "to"},
			},
		},
		{
			page:      "russian",
			endpoints: []string{"GET /api/v1/orders/{orderId}", "POST /api/v1/orders"},
			warnings:  []string{`48: section "Создать заказ": example at line 50 label "Пример ответа" says neither success nor error`},
			arguments: map[string][]string{
				"api_orders_get":  {"fields@query", "orderId@path"},
				"api_orders_post": {"address", "weight"},
			},
			maps: []string{"api_orders_get success /properties/history"},
		},
		{
			page: "curl",
			endpoints: []string{
				"DELETE /v1/stations/ST-1001", "GET /v1/admin/keys", "GET /v1/stations", "GET /v1/stations/ST-1001/readings",
				"HEAD /v1/stations", "POST /v1/admin/keys", "POST /v1/stations/ST-1001/readings",
			},
			warnings: []string{`75: example "(unlabelled)": removed a trailing comma`},
			maps:     []string{"stations_ST_1001_readings_get success "},
		},
		{
			page: "mixed",
			endpoints: []string{
				"GET /books/{bookId}", "GET /books/{bookId}/cover.png", "GET /members/{memberId}/card",
				"GET /members/{memberId}/loans", "PATCH /members/{memberId}",
			},
			warnings: []string{
				`21: example "Response": removed a // comment`,
				`24: example "Response": removed a trailing comma`,
				`79: example "Unsuccessful response" is not valid JSON`,
				`88: code fence opened here is never closed`,
				`45: argument "memberId" is listed again (first at line 44)`,
			},
			arguments: map[string][]string{"members_loans": {"limit@query", "memberId@path"}},
		},
	} {
		t.Run(tc.page, func(t *testing.T) {
			page := filepath.Join("testdata", "styles", tc.page, "index.html.md")
			res, err := generate.Build(generate.Options{Page: page, Root: filepath.Dir(page)})
			if err != nil {
				t.Fatalf("issue 17 item 2: the page must generate: %v", err)
			}
			doc, err := openapi3.NewLoader().LoadFromData(res.Files["spec/openapi.json"])
			if err != nil {
				t.Fatal(err)
			}
			if err := doc.Validate(context.Background()); err != nil {
				t.Fatalf("issue 17 item 2: the OpenAPI written must validate: %v", err)
			}
			var got []string
			for path, item := range doc.Paths.Map() {
				for method := range item.Operations() {
					got = append(got, method+" "+path)
				}
			}
			sort.Strings(got)
			if strings.Join(got, "\n") != strings.Join(tc.endpoints, "\n") {
				t.Errorf("issue 17 item 3: endpoints\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.endpoints, "\n"))
			}
			var warns []string
			for _, w := range res.Warnings {
				warns = append(warns, fmt.Sprintf("%d: %s", w.Line, w.Message))
			}
			for _, want := range tc.warnings {
				found := false
				for _, w := range warns {
					found = found || strings.HasPrefix(w, want)
				}
				if !found {
					t.Errorf("warnings\n%s\nlack %q", strings.Join(warns, "\n"), want)
				}
			}
			p, err := slate.ParseFile(page)
			if err != nil {
				t.Fatal(err)
			}
			m, _, err := generate.BuildModel(p)
			if err != nil {
				t.Fatal(err)
			}
			ops := m["operations"].(map[string]any)
			for id, want := range tc.arguments {
				op, ok := ops[id].(map[string]any)
				if !ok {
					t.Errorf("no operation %q (have %v)", id, keys(ops))
					continue
				}
				var names []string
				for _, a := range op["arguments"].([]any) {
					am := a.(map[string]any)
					name := fmt.Sprint(am["name"])
					if in, _ := am["in"].(string); in != "" {
						name += "@" + in
					}
					names = append(names, name)
				}
				sort.Strings(names)
				if strings.Join(names, " ") != strings.Join(want, " ") {
					t.Errorf("issue 17 item 6: %s arguments = %v, want %v", id, names, want)
				}
			}
			for _, spec := range tc.maps {
				f := strings.SplitN(spec, " ", 3)
				op, _ := ops[f[0]].(map[string]any)
				v, _ := op["variants"].(map[string]any)[f[1]].(map[string]any)
				s := pointer(v["schema"], f[2])
				if s == nil || s["additionalProperties"] == nil || s["additionalProperties"] == false || s["properties"] != nil {
					b, _ := json.Marshal(s)
					t.Errorf("issue 17 item 7: %s is %s, want a map (additionalProperties)", spec, b)
				}
			}
		})
	}
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// pointer is the schema at a JSON pointer of s ("" for s itself).
func pointer(s any, ptr string) map[string]any {
	for _, part := range strings.Split(strings.TrimPrefix(ptr, "/"), "/") {
		if part == "" {
			continue
		}
		m, _ := s.(map[string]any)
		s = m[part]
	}
	m, _ := s.(map[string]any)
	return m
}

// bigPage writes a page of at least n characters, about 1,500 per
// operation, in the styles real pages mix (endpoint lines as quotes, code and bold, HTTP Request sections,
// argument and Returns tables, success and error examples, curl examples)
// and returns its path.
func bigPage(tb testing.TB, n int) string {
	tb.Helper()
	var b strings.Builder
	b.WriteString("---\ntitle: Big\n---\n\n# Introduction\n\nA page written by bigPage.\n\n")
	for i := 0; b.Len() < n; i++ {
		fmt.Fprintf(&b, "# Group %d\n\n## Create item %d\n\n", i, i)
		switch i % 3 {
		case 0:
			fmt.Fprintf(&b, "> `POST https://h/group%d/items/1.0/json`\n\n", i)
		case 1:
			fmt.Fprintf(&b, "### HTTP Request\n\n`POST /group%d/items`\n\n", i)
		default:
			fmt.Fprintf(&b, "**POST /group%d/items**\n\n", i)
		}
		// What real pages carry around an operation (Accelo's page has
		// about 1,600 characters per operation, Widdershins' several
		// thousand): prose and code samples in other languages.
		b.WriteString("Creates an item in the group. The name must be unique within the group; the count defaults to one.\n" +
			"An item created twice with the same name is refused with the error below, and nothing is changed.\n\n")
		b.WriteString("```python\nimport requests\nr = requests.post('https://h/items', json={'name': 'x', 'count': 2})\nprint(r.json())\n```\n\n")
		b.WriteString("```javascript\nfetch('https://h/items', {method: 'POST', body: JSON.stringify({name: 'x'})})\n  .then(r => r.json())\n  .then(console.log);\n```\n\n")
		b.WriteString("<aside class=\"notice\">Items are visible to every member of the group as soon as they are created.</aside>\n\n")
		b.WriteString("```shell\ncurl -X POST https://h/x -d '{}'\n```\n\n### Parameters\n\nParameter | Type | Required | Description\n--------- | ---- | -------- | -----------\n")
		b.WriteString("name | string | Required | The item's name\ncount | integer | Optional | How many\nkind | string | Optional | One of 'a', 'b'\n\n")
		b.WriteString("> Successful response\n\n```json\n{\"status\": \"success\", \"item\": {\"id\": 17, \"name\": \"x\", \"tags\": [\"a\", ...], \"created\": \"2024-01-01\"}}\n```\n\n")
		b.WriteString("> Unsuccessful response\n\n```json\n{\"status\": \"error\", \"message\": \"Name is taken\",}\n```\n\n")
		fmt.Fprintf(&b, "## Get item %d\n\n`GET /group%d/items/{id}`\n\n```json\n{\"id\": 17, \"history\": {\"2024-01-01\": 3, \"2024-01-02\": 4}}\n```\n\n### Returns\n\nField | Type | Description\n----- | ---- | -----------\nid | integer | The id\n\n", i, i)
	}
	p := filepath.Join(tb.TempDir(), "index.html.md")
	if err := os.WriteFile(p, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

// BenchmarkGenerate200kPage generates a 200,000-character page against
// today's page (spec/source, its overlay) in the same run (issue 17: under
// 1 s, as a ratio to today's page).
func BenchmarkGenerate200kPage(b *testing.B) {
	b.Run("baseline-todays-page", func(b *testing.B) {
		for b.Loop() {
			project(b)
		}
	})
	big := bigPage(b, 200_000)
	b.Run("page-200k-chars", func(b *testing.B) {
		for b.Loop() {
			if _, err := generate.Build(generate.Options{Page: big, Root: filepath.Dir(big)}); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkGenerateLargestPage generates the largest page the reader
// accepts (slate.MaxPageBytes) in the 200k page's styles, about 50 000
// operations of which the first generate.MaxOperations are kept, against
// the 200k page in the same run (issue 17: a huge page's memory bounded,
// its time about linear). peak-heap-MB is the most the heap's objects
// (live, or dead and not yet swept) held during the builds, sampled: what
// the process's peak RSS follows.
func BenchmarkGenerateLargestPage(b *testing.B) {
	for _, c := range []struct {
		name  string
		chars int
	}{{"baseline-page-200k-chars", 200_000}, {"page-max-bytes", slate.MaxPageBytes - 4096}} {
		page := bigPage(b, c.chars)
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			peak := heapPeak()
			for b.Loop() {
				if _, err := generate.Build(generate.Options{Page: page, Root: filepath.Dir(page)}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(peak())/1e6, "peak-heap-MB")
		})
	}
}

// heapPeak samples the heap's live objects every 5 ms until the returned
// function is called, which returns the most seen.
func heapPeak() func() uint64 {
	stop, done := make(chan struct{}), make(chan uint64)
	go func() {
		sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		var peak uint64
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(sample)
			peak = max(peak, sample[0].Value.Uint64())
			select {
			case <-stop:
				done <- peak
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 { close(stop); return <-done }
}

// The 200k page generates: the benchmark measures a build that succeeds.
func TestBigPageGenerates(t *testing.T) {
	big := bigPage(t, 20_000)
	res, err := generate.Build(generate.Options{Page: big, Root: filepath.Dir(big)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Files) < 10 {
		t.Errorf("files %d", len(res.Files))
	}
}
