package generate_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/santhosh-tekuri/jsonschema/v5"

	"github.com/nebeus/nebeus-contract/spec/generate"
	"github.com/nebeus/nebeus-contract/spec/slate"
)

// testdata/messy is the page as it might read a few versions on: includes
// for a dashboard of GETs returning images, a helpdesk and a chat whose
// paths share first segments, Returns tables, a missing include, broken
// examples of every typo class, unlabelled and oddly labelled examples,
// request examples, odd keys, bare arrays, operations with no example.
const messyDir = "testdata/messy"

var messyPage = filepath.Join(messyDir, "index.html.md")

func messyBuild(t *testing.T) *generate.Result {
	t.Helper()
	res, err := generate.Build(generate.Options{Page: messyPage, Root: messyDir})
	if err != nil {
		t.Fatalf("the messy page must build with warnings only: %v", err)
	}
	return res
}

func messyModel(t *testing.T) generate.Model {
	t.Helper()
	p, err := slate.ParseFile(messyPage)
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := generate.BuildModel(p)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// readLines is the file's lines that are neither blank nor # comments.
func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// Every expected warning, with its file and line, and no other.
func TestMessyPageWarnings(t *testing.T) {
	res := messyBuild(t)
	var got []string
	for _, w := range res.Warnings {
		f, _ := filepath.Rel(messyDir, w.File)
		if w.Line == 0 {
			t.Errorf("warning without a line: %s", w)
		}
		got = append(got, fmt.Sprintf("%s:%d: %s", filepath.ToSlash(f), w.Line, strings.ReplaceAll(w.Message, filepath.ToSlash(messyDir)+"/", "")))
	}
	want := readLines(t, filepath.Join(messyDir, "expected_warnings.txt"))
	used := make([]bool, len(got))
	for _, w := range want {
		found := false
		for i, g := range got {
			if !used[i] && strings.HasPrefix(g, w) {
				used[i], found = true, true
				break
			}
		}
		if !found {
			t.Errorf("missing warning: %s", w)
		}
	}
	for i, g := range got {
		if !used[i] {
			t.Errorf("unexpected warning: %s", g)
		}
	}
	// --strict turns them into errors.
	if _, err := generate.Build(generate.Options{Page: messyPage, Root: messyDir, Strict: true}); err == nil {
		t.Error("strict build of the messy page succeeded")
	}
}

// The ids of the page's first five operations do not change: the
// project's overlay, which targets $.operations.signin and the like, still
// applies to the messy page.
func TestMessyPageTakesTheProjectOverlay(t *testing.T) {
	if _, err := generate.Build(generate.Options{Page: messyPage, Overlay: overlay, Root: messyDir}); err != nil {
		t.Fatalf("overlay on the messy page: %v", err)
	}
}

// Every operation with its id, method, path, protocol, variants and path
// parameters, in page order.
func TestMessyPageOperations(t *testing.T) {
	m := messyModel(t)
	ops := m["operations"].(map[string]any)
	var got []string
	for id, o := range ops {
		op := o.(map[string]any)
		if op["id"] != id {
			t.Errorf("operation %s has id %v", id, op["id"])
		}
		var vs []string
		for vn, v := range op["variants"].(map[string]any) {
			vm := v.(map[string]any)
			vs = append(vs, fmt.Sprintf("%s:%s:%s", vn, vm["shape"], vm["mediaType"]))
		}
		sort.Strings(vs)
		line := fmt.Sprintf("%d %s %s %s %s %s", op["order"], id, op["method"], op["path"], op["protocol"], strings.Join(vs, ","))
		var pps []string
		for _, pp := range op["pathParams"].([]any) {
			p := pp.(map[string]any)
			pps = append(pps, fmt.Sprintf("%s=%s", p["name"], p["example"]))
		}
		if len(pps) > 0 {
			line += " " + strings.Join(pps, ",")
		}
		got = append(got, strings.TrimSpace(line))
	}
	sort.Slice(got, func(i, j int) bool {
		var a, b int
		fmt.Sscan(got[i], &a)
		fmt.Sscan(got[j], &b)
		return a < b
	})
	for i := range got {
		got[i] = got[i][strings.IndexByte(got[i], ' ')+1:]
	}
	want := readLines(t, filepath.Join(messyDir, "expected_operations.txt"))
	if !reflect.DeepEqual(got, want) {
		t.Errorf("operations\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// Each repaired example reads as the page meant it.
func TestMessyPageRepairedExamples(t *testing.T) {
	m := messyModel(t)
	b, err := os.ReadFile(filepath.Join(messyDir, "repaired_examples.json"))
	if err != nil {
		t.Fatal(err)
	}
	var want map[string]any
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatal(err)
	}
	ops := m["operations"].(map[string]any)
	for key, w := range want {
		id, vn, _ := strings.Cut(key, "/")
		op, ok := ops[id].(map[string]any)
		if !ok {
			t.Errorf("%s: no operation %s", key, id)
			continue
		}
		v, ok := op["variants"].(map[string]any)[vn].(map[string]any)
		if !ok {
			t.Errorf("%s: no variant %s", key, vn)
			continue
		}
		if got, want := canonical(t, v["example"]), canonical(t, w); got != want {
			t.Errorf("%s:\n got %s\nwant %s", key, got, want)
		}
	}
}

func canonical(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var x any
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if err := dec.Decode(&x); err != nil {
		t.Fatal(err)
	}
	b, _ = json.Marshal(x)
	return string(b)
}

func op(t *testing.T, m generate.Model, id string) map[string]any {
	t.Helper()
	o, ok := m["operations"].(map[string]any)[id].(map[string]any)
	if !ok {
		t.Fatalf("no operation %s", id)
	}
	return o
}

func argumentsOf(o map[string]any) string {
	var out []string
	for _, a := range o["arguments"].([]any) {
		am := a.(map[string]any)
		s := fmt.Sprintf("%s:%s:%v", am["name"], am["type"], am["required"])
		if in, ok := am["in"]; ok {
			s += ":" + fmt.Sprint(in)
		}
		out = append(out, s)
	}
	return strings.Join(out, " ")
}

// Arguments: path templates are path arguments, a GET's others query
// arguments; a section with only request examples gets its arguments from
// them; a table without Type or Required still gives its names.
func TestMessyPageArguments(t *testing.T) {
	m := messyModel(t)
	for id, want := range map[string]string{
		"images_avatar_get":    "id:integer:true:path size:integer:false:query",
		"images_avatar_delete": "id:integer:true:path size:integer:false:query",
		// A template no table documents is a required string argument.
		"reports_summary": "year:string:true:path month:string:true:path",
		"badges":          "code::true:path",
		"dashboard_stats": "from:date:false:query to:date:false:query",
		"chat_export":     "channel:string:true:query format:string:false:query",
		// From the request examples: keys both show are required.
		"chat_list":      "before:integer:false channel:string:true limit:integer:true",
		"reset_password": "login::false",
		"signup":         "login:string:true name:string:true surname:string:true password:string:true confirm_password:string:true country:number:true device_type:number:false language:string:false timezone:number:false gender:string:false",
		"chat_send":      "channel:string:true text:string:true",
	} {
		if got := argumentsOf(op(t, m, id)); got != want {
			t.Errorf("%s arguments\n%s\nwant\n%s", id, got, want)
		}
	}
	// The request example is kept, the call object's params.
	if got := canonical(t, op(t, m, "chat_send")["requestExample"]); got != `{"channel":"support","text":"Hello"}` {
		t.Errorf("chat_send requestExample %s", got)
	}
	if got := canonical(t, op(t, m, "signin")["requestExample"]); got != `{"login":"igor@example.com","password":"secret"}` {
		t.Errorf("signin requestExample %s", got)
	}
	// A request example is never a response variant.
	for _, id := range []string{"signin", "chat_send", "chat_list"} {
		for vn, v := range op(t, m, id)["variants"].(map[string]any) {
			if ex, _ := json.Marshal(v.(map[string]any)["example"]); bytes.Contains(ex, []byte(`"params"`)) {
				t.Errorf("%s variant %s is a request: %s", id, vn, ex)
			}
		}
	}
	// An http operation's params hold its path and query arguments; a
	// jsonrpc one's only the body's.
	params := op(t, m, "images_avatar_get")["params"].(map[string]any)
	if fmt.Sprint(params["required"]) != "[id]" || len(params["properties"].(map[string]any)) != 2 {
		t.Errorf("images_avatar_get params %v", params)
	}
}

// A binary variant: its media type, schema {} and no example.
func TestMessyPageBinaryVariants(t *testing.T) {
	m := messyModel(t)
	for id, mt := range map[string]string{"images_avatar_get": "image/png", "badges": "image/svg+xml", "reports_summary": "application/pdf", "dashboard_chart": "image/svg+xml"} {
		v := op(t, m, id)["variants"].(map[string]any)["success"].(map[string]any)
		if v["shape"] != generate.ShapeBinary || v["mediaType"] != mt || fmt.Sprint(v["schema"]) != "map[]" || v["error"] != false {
			t.Errorf("%s success variant %v", id, v)
		}
		if _, has := v["example"]; has {
			t.Errorf("%s binary variant has an example", id)
		}
	}
}

// A Returns table describes the response fields and lists their values,
// never so that the page's own example fails.
func TestMessyPageReturnsTable(t *testing.T) {
	m := messyModel(t)
	ticket := op(t, m, "helpdesk_tickets_get")["variants"].(map[string]any)["success"].(map[string]any)["schema"].(map[string]any)
	props := ticket["properties"].(map[string]any)["ticket"].(map[string]any)["properties"].(map[string]any)
	for name, want := range map[string]string{
		"state":    `{"description":"State of the ticket","enum":["open","closed","pending"],"type":"string"}`,
		"priority": `{"description":"Urgency","enum":["low","normal","high"],"type":"string"}`,
		// The example elides it: no enum.
		"assignee": `{"description":"Agent in charge","type":"string"}`,
	} {
		if got := canonical(t, props[name]); got != want {
			t.Errorf("ticket.%s = %s, want %s", name, got, want)
		}
	}
	status := ticket["properties"].(map[string]any)["status"]
	if got := canonical(t, status); got != `{"description":"Outcome","enum":["success","error"],"type":"string"}` {
		t.Errorf("status %s", got)
	}
	// A dotted row names a nested field; quoted numbers fit an integer.
	signin := op(t, m, "signin")["variants"].(map[string]any)["success"].(map[string]any)["schema"].(map[string]any)["properties"].(map[string]any)
	if got := canonical(t, signin["user_context"].(map[string]any)["properties"].(map[string]any)["lang"]); got != `{"description":"Language of the user","enum":["en_US","es_ES"],"type":"string"}` {
		t.Errorf("user_context.lang %s", got)
	}
	if got := canonical(t, signin["company_id"]); got != `{"description":"Company of the user","enum":[1,2],"type":"integer"}` {
		t.Errorf("company_id %s", got)
	}
	if got := canonical(t, signin["session_id"]); got != `{"description":"Opaque session token","type":"string"}` {
		t.Errorf("session_id %s", got)
	}
	// The table is not arguments.
	if got := argumentsOf(op(t, m, "signin")); got != "login:string:true password:string:true" {
		t.Errorf("signin arguments %s", got)
	}
}

// The generated schemas accept every example the page shows (repaired,
// labelled by content, with enums from tables), odd keys included.
func TestMessyPageSchemasAcceptTheirExamples(t *testing.T) {
	res := messyBuild(t)
	c := jsonschema.NewCompiler()
	c.Draft = jsonschema.Draft2020
	for p, b := range res.Files {
		if strings.HasPrefix(p, "schemas/") {
			if err := c.AddResource(generate.SchemaBase+strings.TrimPrefix(p, "schemas/"), bytes.NewReader(b)); err != nil {
				t.Fatal(err)
			}
		}
	}
	m := messyModel(t)
	n := 0
	for id, o := range m["operations"].(map[string]any) {
		for vn, v := range o.(map[string]any)["variants"].(map[string]any) {
			ex, ok := v.(map[string]any)["example"]
			if !ok {
				continue
			}
			for _, name := range []string{id + ".response." + vn, id + ".response"} {
				sc, err := c.Compile(generate.SchemaBase + name + ".json")
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				var val any
				dec := json.NewDecoder(strings.NewReader(canonical(t, ex)))
				dec.UseNumber()
				dec.Decode(&val)
				// OP.response too: overlapping variants (chat_history's two
				// success examples) make it anyOf, not oneOf.
				if err := sc.Validate(val); err != nil {
					t.Errorf("%s rejects the example of variant %s: %v", name, vn, err)
				}
				n++
			}
		}
	}
	if n == 0 {
		t.Fatal("no example checked")
	}
	// Odd keys are plain properties, and JSON pointers in the index escape them.
	stats := string(res.Files["schemas/dashboard_stats.response.success.json"])
	for _, k := range []string{`"conversion rate"`, `"by.country"`, `"path/to~thing"`, `"ключ"`, `"$ref"`} {
		if !strings.Contains(stats, k) {
			t.Errorf("dashboard_stats schema lacks %s", k)
		}
	}
	if idx := string(res.Files["schemas/index.json"]); !strings.Contains(idx, `"/path~1to~0thing"`) {
		t.Error("index.json does not escape the pointer of path/to~thing")
	}
}

// OpenAPI: path parameters, query parameters, no request body for an http
// operation, binary responses in their media type.
func TestMessyPageOpenAPI(t *testing.T) {
	res := messyBuild(t)
	doc, err := openapi3.NewLoader().LoadFromData(res.Files["spec/openapi.json"])
	if err != nil {
		t.Fatal(err)
	}
	avatar := doc.Paths.Value("/images/{id}/avatar.png")
	if avatar == nil || avatar.Get == nil || avatar.Delete == nil {
		t.Fatalf("avatar path item %+v", avatar)
	}
	get := avatar.Get
	if get.RequestBody != nil {
		t.Error("GET has a request body")
	}
	var ps []string
	for _, p := range get.Parameters {
		ps = append(ps, fmt.Sprintf("%s:%s:%v:%v", p.Value.Name, p.Value.In, p.Value.Required, p.Value.Example))
	}
	if got := strings.Join(ps, " "); got != "id:path:true:154 size:query:false:<nil>" {
		t.Errorf("parameters %s", got)
	}
	ok := get.Responses.Status(200).Value
	png := ok.Content.Get("image/png")
	if png == nil || png.Schema.Value.Format != "binary" || !png.Schema.Value.Type.Is("string") {
		t.Errorf("image/png content %+v", png)
	}
	if ok.Content.Get("application/json") == nil {
		t.Error("the JSON error variant lost its content")
	}
	rpc := doc.Paths.Value("/chat/send/1.0/json").Post
	if rpc == nil || rpc.RequestBody == nil || len(rpc.Parameters) != 0 {
		t.Errorf("jsonrpc operation %+v", rpc)
	}
	if doc.Paths.Value("/reports/{year}/{month}/summary.pdf").Get.Responses.Status(200).Value.Content.Get("application/pdf") == nil {
		t.Error("the PDF report has no application/pdf response")
	}
}
