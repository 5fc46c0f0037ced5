package generate_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/nebeus/nebeus-contract/spec/generate"
	"github.com/nebeus/nebeus-contract/spec/slate"
)

func TestOperationID(t *testing.T) {
	for path, want := range map[string]string{
		// The current page's five: the overlay targets them by these ids.
		"/signin/1.0/json":          "signin",
		"/logout/1.0/json":          "logout",
		"/reset_password/1.0/json":  "reset_password",
		"/signup/1.0/json":          "signup",
		"/get_countries/1.0/json":   "get_countries",
		"/dashboard/stats/1.0/json": "dashboard_stats",
		"/chat/send/1.0/json":       "chat_send",
		"/images/${id}/avatar.png":  "images_avatar",
		"/images/:id/avatar.png":    "images_avatar",
		"/kittens/<ID>":             "kittens",
		"/api/v2/users/{id}/xml":    "api_users",
		"/reset-password/2":         "reset_password",
		"/files/report_${id}.pdf":   "files_report",
		"/export.csv":               "export",
		"/2fa/verify":               "2fa_verify",
		"/1.0/json":                 "",
		"/":                         "",
	} {
		if got := generate.OperationID(path); got != want {
			t.Errorf("OperationID(%q) = %q, want %q", path, got, want)
		}
	}
}

func modelOf(t *testing.T, src string) (generate.Model, []string) {
	t.Helper()
	p, err := slate.Parse("mem.md", []byte(src), nil)
	if err != nil {
		t.Fatal(err)
	}
	m, warns, err := generate.BuildModel(p)
	if err != nil {
		t.Fatal(err)
	}
	var ws []string
	for _, w := range append(p.Warnings, warns...) {
		ws = append(ws, w.Error())
	}
	return m, ws
}

func ids(m generate.Model) string {
	var out []string
	for id := range m["operations"].(map[string]any) {
		out = append(out, id)
	}
	sort.Strings(out)
	return strings.Join(out, " ")
}

func section(title, endpoint string) string {
	return "# " + title + "\n\n> `" + endpoint + "`\n\n```json\n{\"status\": \"success\"}\n```\n\n"
}

// Colliding ids: a method suffix where methods differ, then _2, _3 in page
// order; one warning per shared id naming every operation. A section that
// repeats another's method and path, with nothing telling them apart, is
// left out, one warning per endpoint (one URL, one contract: issue 17).
func TestOperationIDCollisions(t *testing.T) {
	m, warns := modelOf(t, section("Get", "GET https://h/images/${id}/avatar.png")+
		section("Delete", "DELETE https://h/images/${id}/avatar.png")+
		section("Put", "PUT https://h/images/${id}/avatar.png")+
		section("Send", "POST https://h/chat/send/1.0/json")+
		section("Send again", "POST https://h/chat/send/1.0/json")+
		section("Send yet again", "POST https://h/chat/send/1.0/json")+
		section("Send once more", "POST https://h/chat/send/2.0/json")+
		section("Root", "POST https://h/1.0/json"))
	if got := ids(m); got != "chat_send chat_send_2 images_avatar_delete images_avatar_get images_avatar_put root" {
		t.Errorf("ids %s", got)
	}
	all := strings.Join(warns, "\n")
	for _, want := range []string{
		`mem.md:3: operations GET /images/${id}/avatar.png (line 3), DELETE /images/${id}/avatar.png (line 11), PUT /images/${id}/avatar.png (line 19) derive one id "images_avatar"; they are images_avatar_get, images_avatar_delete, images_avatar_put`,
		`mem.md:35: section "Send again" documents POST /chat/send/1.0/json as section "Send" does (line 27) (so do sections "Send yet again" (mem.md:43)), and nothing in it (a call of another path or JSON-RPC method) tells them apart; the operation is the first's, the repeats are left out`,
		`mem.md:27: operations POST /chat/send/1.0/json (line 27), POST /chat/send/2.0/json (line 51) derive one id "chat_send"; they are chat_send, chat_send_2`,
		`mem.md:59: endpoint path "/1.0/json" has no segment that names the operation; it is named "root" after its section`,
	} {
		if !strings.Contains(all, want) {
			t.Errorf("warnings\n%s\nlack\n%s", all, want)
		}
	}
	// One line per shared id, not one per extra method, and one per
	// repeated endpoint, not one per repeat (issue 17).
	if n := strings.Count(all, `"images_avatar"`); n != 1 {
		t.Errorf("%d warnings name the id images_avatar, want 1:\n%s", n, all)
	}
	if n := strings.Count(all, "left out"); n != 1 {
		t.Errorf("%d warnings of repeats left out, want 1:\n%s", n, all)
	}
}

// A template of a POST path is a path argument, not part of the body's
// params; a hand-built section without Endpoints still yields its operation.
func TestModelPathTemplateOfAJSONRPCOperation(t *testing.T) {
	src := "# Send\n\n> `POST https://h/chat/${channel}/send/1.0/json`\n\n### Arguments\n\nParameter | Type | Required | Description\n--- | --- | --- | ---\nchannel | string | Required | Channel\ntext | string | Required | Text\n\n```json\n{\"status\": \"success\"}\n```\n"
	m, _ := modelOf(t, src)
	op := m["operations"].(map[string]any)["chat_send"].(map[string]any)
	if op["protocol"] != "jsonrpc" || op["path"] != "/chat/{channel}/send/1.0/json" {
		t.Errorf("op %v %v", op["protocol"], op["path"])
	}
	props := op["params"].(map[string]any)["properties"].(map[string]any)
	if _, ok := props["channel"]; ok || props["text"] == nil {
		t.Errorf("params %v: channel travels in the path", props)
	}
	if got := argumentsOf(op); got != "channel:string:true:path text:string:true" {
		t.Errorf("arguments %s", got)
	}

	ep := &slate.Endpoint{Method: "POST", Path: "/hand/1.0/json", Line: 3}
	p := &slate.Page{File: "hand.md", Sections: []slate.Section{{Title: "Hand", File: "hand.md", Line: 1, Endpoint: ep}}}
	hm, _, err := generate.BuildModel(p)
	if err != nil || ids(hm) != "hand" {
		t.Errorf("hand-built page: %v %v", err, hm)
	}
}

// Which responses are binary, and of which media type.
func TestModelBinaryResponses(t *testing.T) {
	for _, tc := range []struct{ name, section, want string }{
		{"extension", "# A\n\n> `GET https://h/a/${id}.jpeg`\n", "image/jpeg"},
		{"wording", "# A\n\n> `GET https://h/a/{id}`\n\nReturns the image of the account.\n", "image/*"},
		{"format word", "# A\n\n> `GET https://h/a/{id}`\n\nThe badge as an SVG image.\n", "image/svg+xml"},
		{"media type", "# A\n\n> `GET https://h/a`\n\nContent-Type: image/webp\n", "image/webp"},
		{"a PDF from a POST", "# A\n\n> `POST https://h/report/1.0/json`\n\nReturns the report as a PDF.\n", "application/pdf"},
		// Not a file.
		{"a field about an image", "# A\n\n> `GET https://h/a`\n\nReturns the image URL of the account.\n", ""},
		{"a JSON success", "# A\n\n> `GET https://h/a`\n\nReturns an image.\n\n```json\n{\"url\": \"x\"}\n```\n", ""},
		{"an upload", "# A\n\n> `POST https://h/upload/1.0/json`\n\nUpload a PNG image; returns its id.\n", ""},
		{"a DELETE beside the GET", "# A\n\n> `GET https://h/a/{id}.png`\n\n### HTTP Request\n\n`DELETE https://h/a/{id}.png`\n", "image/png"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := modelOf(t, tc.section)
			var got []string
			ops := m["operations"].(map[string]any)
			for _, id := range strings.Fields(ids(m)) {
				for _, v := range ops[id].(map[string]any)["variants"].(map[string]any) {
					if vm := v.(map[string]any); vm["shape"] == generate.ShapeBinary {
						got = append(got, fmt.Sprint(vm["mediaType"]))
					}
				}
			}
			if strings.Join(got, " ") != tc.want {
				t.Errorf("binary variants %v, want %q", got, tc.want)
			}
		})
	}
}

// A page documenting more than MaxOperations operations keeps its first
// MaxOperations, in page order, with one warning at the first one left out
// naming how many are (issue 17: a huge page is bounded, never refused).
func TestPagePastMaxOperationsKeepsTheFirst(t *testing.T) {
	t.Parallel() // seconds of CPU each under -race: beside the rest
	const extra = 3
	var b strings.Builder
	b.WriteString("---\ntitle: Many\n---\n\n")
	line := 5 // the next line written
	firstLeftOut := 0
	for i := range generate.MaxOperations + extra {
		if i == generate.MaxOperations {
			firstLeftOut = line + 2 // its endpoint line
		}
		fmt.Fprintf(&b, "# Op %d\n\n`GET /op%d/list`\n\n", i, i)
		line += 4
	}
	m, all := modelOf(t, b.String())
	warns := limitWarnings(all)
	ops := m["operations"].(map[string]any)
	if len(ops) != generate.MaxOperations {
		t.Errorf("%d operations, want MaxOperations (%d)", len(ops), generate.MaxOperations)
	}
	for i := range generate.MaxOperations + extra {
		id := fmt.Sprintf("op%d_list", i)
		if _, kept := ops[id]; kept != (i < generate.MaxOperations) {
			t.Errorf("operation %s kept: %v, want %v", id, kept, i < generate.MaxOperations)
		}
	}
	want := fmt.Sprintf("mem.md:%d: the page documents %d operations, more than the %d a page may have; the %d from this one",
		firstLeftOut, generate.MaxOperations+extra, generate.MaxOperations, extra)
	if len(warns) != 1 || !strings.HasPrefix(warns[0], want) {
		t.Errorf("warnings %q, want one starting %q", warns, want)
	}
}

// A page of exactly MaxOperations operations loses none and says nothing.
func TestPageAtMaxOperationsKeepsEvery(t *testing.T) {
	t.Parallel() // seconds of CPU each under -race: beside the rest
	var b strings.Builder
	b.WriteString("---\ntitle: Many\n---\n\n")
	for i := range generate.MaxOperations {
		fmt.Fprintf(&b, "# Op %d\n\n`GET /op%d/list`\n\n", i, i)
	}
	m, all := modelOf(t, b.String())
	if n, warns := len(m["operations"].(map[string]any)), limitWarnings(all); n != generate.MaxOperations || len(warns) != 0 {
		t.Errorf("%d operations, warnings %q; want %d and none", n, warns, generate.MaxOperations)
	}
}

// limitWarnings are the warnings about MaxOperations (the tiny sections'
// each have one about their missing response example).
func limitWarnings(all []string) []string {
	var out []string
	for _, w := range all {
		if strings.Contains(w, "operations") && !strings.Contains(w, "no usable response example") {
			out = append(out, w)
		}
	}
	return out
}

// Operations that together weigh more than MaxOperationNodes (here each
// has a success example of a quarter of it) keep those before the one that
// crosses the bound, with one warning at its line naming how many are left
// out (issue 17: a page of few, heavy operations is bounded too).
func TestPagePastMaxOperationNodesKeepsTheFirst(t *testing.T) {
	t.Parallel() // seconds of CPU each under -race: beside the rest
	const total = 8
	var b strings.Builder
	b.WriteString("---\ntitle: Heavy\n---\n\n")
	items := strings.TrimSuffix(strings.Repeat("1,", generate.MaxOperationNodes/4), ",")
	line := 5
	endpointLine := map[int]int{}
	for i := range total {
		endpointLine[i] = line + 2
		fmt.Fprintf(&b, "# Op %d\n\n`GET /op%d/list`\n\n> Successful response\n\n```json\n[%s]\n```\n\n", i, i, items)
		line += 10
	}
	m, all := modelOf(t, b.String())
	ops := m["operations"].(map[string]any)
	kept := len(ops)
	if kept == 0 || kept >= total {
		t.Fatalf("%d of %d operations kept, want some left out and at least one kept", kept, total)
	}
	for i := range total {
		if _, ok := ops[fmt.Sprintf("op%d_list", i)]; ok != (i < kept) {
			t.Errorf("operation op%d_list kept: %v; want the first %d kept", i, ok, kept)
		}
	}
	want := fmt.Sprintf("mem.md:%d: the page's operations weigh more than the %d values (schemas, examples, arguments) a page may have; the %d from this one",
		endpointLine[kept], generate.MaxOperationNodes, total-kept)
	var got []string
	for _, w := range all {
		if strings.Contains(w, "a page may have") {
			got = append(got, w)
		}
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], want) {
		t.Errorf("warnings %q, want one starting %q", got, want)
	}
}
