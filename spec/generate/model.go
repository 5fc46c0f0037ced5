package generate

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/nebeus/nebeus-contract/spec/model"
	"github.com/nebeus/nebeus-contract/spec/slate"
)

// Model is the contract as a JSON tree, the document the overlay edits:
//
//	{"title": ..., "definitions": {NAME: schema},
//	 "operations": {ID: {"id", "title", "method", "path", "order", "line", "file",
//	     "description", "protocol", "params": schema,
//	     "arguments": [{"name", "type", "required", "description", "line", "in"}],
//	     "pathParams": [{"name", "example"}],
//	     "requestExample": value,
//	     "variants": {NAME: {"label", "error", "shape", "schema", "example", "line", "mediaType"}}}}}
//
// "path" is the path as served with every template written {name}; the
// path's templates are "pathParams", in path order, each with the value an
// example URL of the page shows for it ("" when none does). "protocol" is
// "jsonrpc" (a JSON-RPC call object in the body, T2: POST, PUT, PATCH) or
// "http" (GET, HEAD, DELETE, OPTIONS: the arguments travel in the path and
// the query, each argument's "in" says which). For a jsonrpc operation
// "params" is the schema of the call object's params; for an http one, of
// its path and query arguments together. "requestExample" is the params of
// the section's request example, when it has one.
//
// A variant's shape is "array" (a JSON array holding one JSON-RPC envelope),
// "envelope" (a bare envelope), "bare" (any other JSON) or "binary" (not
// JSON: an image, a PDF; "mediaType" says which, its schema is {} and it has
// no example); for the first two its schema describes the envelope's result,
// for "bare" the whole body. "mediaType" is "application/json" for the
// others.
type Model = map[string]any

// Shapes of a documented response variant (T4).
const (
	ShapeArray    = "array"
	ShapeEnvelope = "envelope"
	ShapeBare     = "bare"
	ShapeBinary   = "binary"
)

const mediaJSON = "application/json"

// MaxOperations bounds how many operations one page generates: a page
// documenting more keeps its first MaxOperations, in page order, with one
// warning at the first one left out. Generating costs time and memory per
// operation (about 90 KB live and 0.7 MB allocated each on a page of the
// styles real pages mix, issue 17), so the bound is what keeps a page at
// slate.MaxPageBytes under about 1.5 GB; it is ten times the largest real
// page known (389 operations).
const MaxOperations = 4096

// MaxOperationNodes bounds what the operations kept weigh together, in the
// values of their schemas, examples and arguments (nodes): an operation's
// cost follows its weight, and a page of heavy operations (120 nested fields
// in each response: 3 160 values, 6.6 MB at peak each) reaches 32 MiB with
// 3 622 operations, which took 24 GB; with this bound it keeps 189 and
// peaks at 1.5 GB. A page of the styles real pages mix weighs about 80
// values an operation, 330 000 at MaxOperations. The operations from the
// one that crosses the bound on are left out, with one warning at its line
// (issue 17).
const MaxOperationNodes = 600_000

// BuildModel derives the model from a page: every endpoint a section
// documents is an operation (slate.Section.Endpoints), named by OperationID.
//
// Operation ids are stable and unique:
//
//  1. The base id is the path's segments that are neither a version ("1.0",
//     "v2", "2"), a template ("${id}", "{id}", ":id", "<id>"), nor a format
//     ("json", "xml", "yaml"), joined by "_"; the last segment loses its
//     extension, a template inside a segment is dropped, and any character
//     other than a letter, a digit or "_" becomes "_". So /signin/1.0/json is
//     signin, /chat/send/1.0/json chat_send, /images/${id}/avatar.png
//     images_avatar. A path with no such segment is named after its
//     section's title (with a warning).
//  2. When operations share a base id and their methods differ, each of
//     them is suffixed with its lower-case method (images_avatar_get,
//     images_avatar_delete).
//  3. An id still taken gets _2, _3, ... in page order; the first keeps it.
//
// Each shared base id is one warning naming every operation that derives
// it, with its line and the id it got. An operation's id depends
// only on its own path and method and on the operations that share its base
// id, so adding an operation elsewhere on the page renames nothing.
func BuildModel(p *slate.Page) (Model, []slate.Diagnostic, error) {
	var warns []slate.Diagnostic
	type draft struct {
		sec *slate.Section
		ep  slate.Endpoint
		id  string
		rpc string // the JSON-RPC method its calls name, if any
	}
	var drafts []*draft
	for k := range p.Sections {
		s := &p.Sections[k]
		for _, ep := range sectionEndpoints(s) {
			d := &draft{sec: s, ep: ep, id: OperationID(ep.Template), rpc: rpcMethod(s, ep)}
			if d.id == "" && d.rpc != "" && sanitizeID(d.rpc) != "" {
				d.id = sanitizeID(d.rpc) // a JSON-RPC endpoint ("POST /") named by its method
			}
			if d.id == "" {
				d.id = sanitizeID(strings.ToLower(s.Title))
				if d.id == "" {
					d.id = "operation"
				}
				warns = append(warns, slate.Diagnostic{File: s.File, Line: ep.Line, Message: fmt.Sprintf(
					"endpoint path %q has no segment that names the operation; it is named %q after its section", ep.Path, d.id)})
			}
			drafts = append(drafts, d)
		}
	}
	if len(drafts) == 0 {
		return nil, warns, slate.Errors{{File: p.File, Message: "the page documents no operation (no section has an endpoint line): no `METHOD /path` line (quoted, in code or bold, under HTTP Request, in a heading or a table of endpoints) and no curl example; is it a Slate API reference?"}}
	}
	dropped, keptFor := rpcMethods(drafts, func(d *draft) (string, string, string) {
		return d.ep.Method + " " + d.ep.Template, d.rpc, OperationID(d.ep.Template)
	}, func(d *draft) int {
		return len(d.sec.Examples) + len(d.sec.Arguments) + len(d.sec.Notes)
	}, func(d *draft, id string, keep bool) {
		if !keep {
			d.rpc = ""
		} else if id != "" {
			d.id = id
		}
	})
	for i, d := range dropped {
		k := keptFor[i]
		warns = append(warns, slate.Diagnostic{File: d.sec.File, Line: d.ep.Line, Message: fmt.Sprintf(
			"section %q shows a call of the JSON-RPC method %q again; the operation is the one of section %q (line %d)", d.sec.Title, d.rpc, k.sec.Title, k.sec.Line)})
		drafts = slices.DeleteFunc(drafts, func(x *draft) bool { return x == d })
	}
	// One method and path shape documented by two sections that nothing
	// tells apart (no JSON-RPC method, no example calling another path,
	// which the reader reads as the section's path): one URL cannot have
	// two contracts the mock and the suite would each take differently, so
	// the first section's is the operation (issue 17).
	// One warning per endpoint, at its first repeat, however many sections
	// repeat it (a generated page may repeat one a thousand times).
	firstAt := map[string]*draft{}
	repeats := map[*draft][]*draft{}
	var repeated []*draft
	drafts = slices.DeleteFunc(drafts, func(d *draft) bool {
		key := d.ep.Method + " " + templated.ReplaceAllString(d.ep.Template, "{}") + " " + d.rpc
		f, seen := firstAt[key]
		if !seen {
			firstAt[key] = d
			return false
		}
		if len(repeats[f]) == 0 {
			repeated = append(repeated, f)
		}
		repeats[f] = append(repeats[f], d)
		return true
	})
	for _, f := range repeated {
		ds := repeats[f]
		d := ds[0]
		more := ""
		if len(ds) > 1 {
			var lines []string
			for i, x := range ds[1:] {
				if i == 5 {
					lines = append(lines, fmt.Sprintf("and %d more", len(ds)-6))
					break
				}
				lines = append(lines, fmt.Sprintf("%q (%s:%d)", x.sec.Title, x.sec.File, x.ep.Line))
			}
			more = fmt.Sprintf(" (so do sections %s)", strings.Join(lines, ", "))
		}
		warns = append(warns, slate.Diagnostic{File: d.sec.File, Line: d.ep.Line, Message: fmt.Sprintf(
			"section %q documents %s %s as section %q does (line %d)%s, and nothing in it (a call of another path or JSON-RPC method) tells them apart; the operation is the first's, the repeats are left out",
			d.sec.Title, d.ep.Method, d.ep.Path, f.sec.Title, f.ep.Line, more)})
	}
	// A page past MaxOperations keeps its first MaxOperations: one warning
	// says how many are left out and where the first of them is, and the
	// kept ones generate as if the page ended there (issue 17: a huge page
	// costs bounded time and memory, never a refusal).
	if len(drafts) > MaxOperations {
		d := drafts[MaxOperations]
		warns = append(warns, slate.Diagnostic{File: d.sec.File, Line: d.ep.Line, Message: fmt.Sprintf(
			"the page documents %d operations, more than the %d a page may have; the %d from this one (%s %s, section %q) on are left out",
			len(drafts), MaxOperations, len(drafts)-MaxOperations, d.ep.Method, d.ep.Path, d.sec.Title)})
		clear(drafts[MaxOperations:])
		drafts = drafts[:MaxOperations]
	}
	// Rule 2: a method suffix where a base id is shared by different methods.
	byBase := map[string][]*draft{}
	for _, d := range drafts {
		byBase[d.id] = append(byBase[d.id], d)
	}
	base := map[*draft]string{}
	for _, d := range drafts {
		base[d] = d.id
	}
	for _, d := range drafts {
		group := byBase[base[d]]
		if len(group) < 2 {
			continue
		}
		methods := map[string]bool{}
		for _, g := range group {
			methods[g.ep.Method] = true
		}
		if len(methods) > 1 {
			d.id = base[d] + "_" + strings.ToLower(d.ep.Method)
		}
	}
	// Rule 3: numbers, first come first served.
	taken := map[string]*draft{}
	for _, d := range drafts {
		want := d.id
		for n := 2; taken[d.id] != nil; n++ {
			d.id = fmt.Sprintf("%s_%d", want, n)
		}
		taken[d.id] = d
	}
	// One warning per shared base id, at its first operation's line,
	// naming every operation and the id each got: a REST page's path with
	// four methods is one line, not three (issue 17).
	for _, d := range drafts {
		group := byBase[base[d]]
		if len(group) < 2 || group[0] != d {
			continue
		}
		var ops, ids []string
		for _, g := range group {
			where := fmt.Sprintf("line %d", g.ep.Line)
			if g.sec.File != d.sec.File {
				where = fmt.Sprintf("%s:%d", g.sec.File, g.ep.Line)
			}
			ops = append(ops, fmt.Sprintf("%s %s (%s)", g.ep.Method, g.ep.Path, where))
			ids = append(ids, g.id)
		}
		warns = append(warns, slate.Diagnostic{File: d.sec.File, Line: d.ep.Line, Message: fmt.Sprintf(
			"operations %s derive one id %q; they are %s", strings.Join(ops, ", "), base[d], strings.Join(ids, ", "))})
	}
	// Two templates of one path shape are one path: "/x/{gene}" beside
	// "/x/{query}" take the first's names (OpenAPI refuses both), and
	// the arguments named as the renamed templates follow.
	shapes := map[string]slate.Endpoint{}
	for _, d := range drafts {
		shape := templated.ReplaceAllString(d.ep.Template, "{}")
		first, ok := shapes[shape]
		if !ok {
			shapes[shape] = d.ep
			continue
		}
		if first.Template == d.ep.Template || len(first.Params) != len(d.ep.Params) {
			continue
		}
		sec := *d.sec
		sec.Arguments = append([]slate.Argument(nil), d.sec.Arguments...)
		for i, old := range d.ep.Params {
			for k := range sec.Arguments {
				if strings.EqualFold(sec.Arguments[k].Name, old) {
					sec.Arguments[k].Name = first.Params[i]
				}
			}
		}
		warns = append(warns, slate.Diagnostic{File: d.sec.File, Line: d.ep.Line, Message: fmt.Sprintf(
			"path %s names its templates unlike %s (line %d), the same path; it is written %s", d.ep.Template, first.Template, first.Line, first.Template)})
		d.ep.Template, d.ep.Params = first.Template, first.Params
		d.sec = &sec
	}
	ops := map[string]any{}
	positional := false
	weight := 0
	for order, d := range drafts {
		op, w := buildOperation(d.id, d.sec, d.ep, d.rpc)
		// Past MaxOperationNodes the operations from this one on are left
		// out like those past MaxOperations (the first is always kept: a
		// page is never refused for its weight). Their ids were given
		// beside them, so a kept id may carry a suffix a left-out one
		// caused.
		if weight += nodes(op); weight > MaxOperationNodes && order > 0 {
			warns = append(warns, slate.Diagnostic{File: d.sec.File, Line: d.ep.Line, Message: fmt.Sprintf(
				"the page's operations weigh more than the %d values (schemas, examples, arguments) a page may have; the %d from this one (%s %s, section %q) on are left out",
				MaxOperationNodes, len(drafts)-order, d.ep.Method, d.ep.Path, d.sec.Title)})
			break
		}
		warns = append(warns, w...)
		op["order"] = order + 1
		ops[d.id] = op
		if op["paramsByPosition"] == true {
			positional = true
		}
	}
	defs := protocolDefinitions()
	if positional {
		// JSON-RPC 2.0 lets params be an array (by position) or an object
		// (by name); each operation's request schema says which it takes.
		defs["jsonrpc-request"].(map[string]any)["properties"].(map[string]any)["params"] = map[string]any{"type": []any{"object", "array"}}
	}
	title := strings.TrimSpace(p.Title)
	if title == "" {
		// The OpenAPI document needs a title (info.title); a page without
		// front matter still generates (issue 17: never refused for one part).
		title = "API"
		if len(p.Sections) > 0 && strings.TrimSpace(p.Sections[0].Title) != "" {
			title = strings.TrimSpace(p.Sections[0].Title)
		}
		warns = append(warns, slate.Diagnostic{File: p.File, Line: 1, Message: fmt.Sprintf(
			"the page has no title (front matter \"title:\"); the contract is titled %q", title)})
	}
	return Model{"title": title, "operations": ops, "definitions": defs}, warns, nil
}

// sectionEndpoints are the section's operations' endpoints; a section built
// by hand (no Endpoints) falls back on its "> " line or HTTP Request line.
func sectionEndpoints(s *slate.Section) []slate.Endpoint {
	eps := s.Endpoints
	if len(eps) == 0 {
		switch {
		case s.Endpoint != nil:
			eps = []slate.Endpoint{*s.Endpoint}
		case s.HTTPRequest != nil:
			eps = []slate.Endpoint{*s.HTTPRequest}
		}
	}
	out := make([]slate.Endpoint, len(eps))
	for i, ep := range eps {
		if ep.Template == "" {
			ep.Template, ep.Params = slate.NormalizePath(ep.Path)
		}
		out[i] = ep
	}
	return out
}

var (
	versionSeg = regexp.MustCompile(`^[vV]?[0-9]+(\.[0-9]+)*$`)
	extension  = regexp.MustCompile(`\.[A-Za-z][A-Za-z0-9]{0,4}$`)
	notIDChar  = regexp.MustCompile(`[^A-Za-z0-9_]+`)
	templated  = regexp.MustCompile(`\{[^/{}]*\}`)
	formatSegs = map[string]bool{"json": true, "xml": true, "yaml": true, "yml": true, "jsonp": true}
)

// OperationID is the base id of an operation at path (rule 1 of
// BuildModel): "" when no segment names it.
func OperationID(path string) string {
	path, _ = slate.NormalizePath(path)
	segs := strings.Split(strings.Trim(path, "/"), "/")
	var parts []string
	for i, seg := range segs {
		if i == len(segs)-1 {
			seg = extension.ReplaceAllString(seg, "")
		}
		seg = templated.ReplaceAllString(seg, "")
		if seg == "" || versionSeg.MatchString(seg) || formatSegs[strings.ToLower(seg)] {
			continue
		}
		if seg = sanitizeID(seg); seg != "" {
			parts = append(parts, seg)
		}
	}
	return strings.Join(parts, "_")
}

func sanitizeID(s string) string {
	return strings.Trim(notIDChar.ReplaceAllString(s, "_"), "_")
}

// buildOperation is the model of one endpoint of section s.
func buildOperation(id string, s *slate.Section, ep slate.Endpoint, rpc string) (map[string]any, []slate.Diagnostic) {
	var warns []slate.Diagnostic
	protocol := model.ProtocolJSONRPC
	switch ep.Method {
	case "GET", "HEAD", "DELETE", "OPTIONS":
		protocol = model.ProtocolHTTP
	}
	requests := requestValues(s, ep)
	var responses []slate.Example
	for _, ex := range s.Examples {
		if !ex.Request {
			responses = append(responses, ex)
		}
	}
	calls := callsFor(s, ep)
	media := ""
	if protocol == model.ProtocolJSONRPC && rpc == "" && len(requests) == 0 {
		// A page whose calls post form fields (curl -d a=b, -F a=b) or
		// pass their arguments in the query (issue 17) is plain HTTP.
		for _, c := range calls {
			switch {
			case c.Multipart:
				media = mediaMultipart
			case len(c.Form) > 0 && media == "":
				media = mediaForm
			}
			if len(c.Form) > 0 || len(c.Query) > 0 {
				protocol = model.ProtocolHTTP
			}
		}
	}
	params, args, w := paramsSchema(s, ep, protocol, requests, calls, media != "")
	warns = append(warns, w...)

	variants := map[string]any{}
	counts := map[string]int{}
	add := func(kind string, v map[string]any) {
		counts[kind]++
		name := kind
		if counts[kind] > 1 {
			name = fmt.Sprintf("%s-%d", kind, counts[kind])
		}
		variants[name] = v
	}
	if mt, why := binaryResponse(s, ep, responses); mt != "" {
		add("success", map[string]any{
			"label": why, "error": false, "shape": ShapeBinary, "schema": map[string]any{},
			"line": ep.Line, "mediaType": mt,
		})
	}
	for _, ex := range responses {
		kind := "success"
		if ex.Error {
			kind = "error"
		}
		value := dropElided(ex.Value)
		shape, schema := variantSchema(value)
		add(kind, map[string]any{
			"label": ex.Label, "error": ex.Error, "shape": shape,
			"schema": schema, "example": value, "line": ex.Line, "mediaType": mediaJSON,
		})
	}
	if len(variants) == 0 {
		warns = append(warns, slate.Diagnostic{File: s.File, Line: s.Line, Message: fmt.Sprintf("operation %q has no usable response example; its responses are unconstrained", id)})
	}
	warns = append(warns, describeFields(s, id, variants)...)

	pathParams := []any{}
	for i, name := range ep.Params {
		example := ""
		for _, u := range s.URLs {
			if vals := slate.TemplateMatch(ep.Template, u.Text); len(vals) == len(ep.Params) {
				example = vals[i]
				break
			}
		}
		pathParams = append(pathParams, map[string]any{"name": name, "example": example})
	}
	op := map[string]any{
		"id": id, "title": s.Title, "method": ep.Method, "path": ep.Template,
		"line": ep.Line, "file": s.File, "description": strings.Join(s.Notes, "\n"),
		"params": params, "arguments": args, "variants": variants,
		"pathParams": pathParams, "protocol": protocol,
	}
	if rpc != "" {
		op["rpcMethod"] = rpc
	}
	if media != "" {
		op["requestMediaType"] = media
	}
	if params["type"] == "array" {
		op["paramsByPosition"] = true
	}
	if len(requests) > 0 {
		op["requestExample"] = requestParams(dropElided(requests[0].Value))
	}
	return op, warns
}

// dropElided is v without the "..." items of its arrays: a page's "[a,
// ...]" shows one item and says there are more, and the example written is
// what a server may send.
func dropElided(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = dropElided(e)
		}
		return out
	case []any:
		out := make([]any, 0, len(x))
		for _, e := range x {
			if s, ok := e.(string); ok && s == Elided {
				continue
			}
			out = append(out, dropElided(e))
		}
		return out
	}
	return v
}

// isEnvelope reports whether v is a JSON-RPC 2.0 response object, the
// protocol the making_requests include prescribes (T2).
func isEnvelope(v any) bool {
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	_, hasRPC := m["jsonrpc"]
	_, hasResult := m["result"]
	for k := range m {
		if k != "id" && k != "jsonrpc" && k != "result" {
			return false
		}
	}
	return hasRPC && hasResult
}

func variantSchema(v any) (string, map[string]any) {
	if a, ok := v.([]any); ok && len(a) == 1 && isEnvelope(a[0]) {
		return ShapeArray, Infer(a[0].(map[string]any)["result"])
	}
	if isEnvelope(v) {
		return ShapeEnvelope, Infer(v.(map[string]any)["result"])
	}
	return ShapeBare, Infer(v)
}

// variantBody is the part of a variant's example its schema describes: the
// result of an envelope, else the whole example.
func variantBody(v map[string]any) any {
	ex := v["example"]
	switch v["shape"] {
	case ShapeArray:
		if a, ok := ex.([]any); ok && len(a) == 1 {
			if m, ok := a[0].(map[string]any); ok {
				return m["result"]
			}
		}
	case ShapeEnvelope:
		if m, ok := ex.(map[string]any); ok {
			return m["result"]
		}
	}
	return ex
}

// Media types of the file extensions a path may end with.
var binaryExtensions = map[string]string{
	"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
	"svg": "image/svg+xml", "webp": "image/webp", "pdf": "application/pdf", "ico": "image/x-icon",
	"bmp": "image/bmp",
}

var (
	// "returns an image", "responds with the SVG", "sends back a PNG file".
	returnsWording = regexp.MustCompile(`(?i)\b(returns?|returned|responds?\s+with|response\s+is|sends?(\s+back)?|serves?|renders?|downloads?|gives)\b[^.\n]{0,40}?\b(png|jpe?g|gif|svg|webp|pdf|ico|bmp|image|picture|icon|binary|file)\b`)
	// "PNG file", "SVG image".
	fileWording = regexp.MustCompile(`(?i)\b(png|jpe?g|gif|svg|webp|pdf|ico|bmp)\s+(file|image|document|picture|icon)\b`)
	// An explicit media type.
	mediaWording = regexp.MustCompile(`(?i)\b(image/[a-z0-9.+-]+|application/pdf|application/octet-stream)\b`)
)

// aboutAFile are words after "image" or "file" that make the phrase a
// field about the file ("the file name"), not the file.
var aboutAFile = map[string]bool{
	"name": true, "names": true, "id": true, "ids": true, "url": true, "urls": true, "link": true, "links": true,
	"path": true, "paths": true, "size": true, "type": true, "count": true, "list": true, "metadata": true,
	"info": true, "information": true, "hash": true, "key": true, "token": true, "status": true,
}

// binaryResponse is the media type of a section's non-JSON response for ep,
// and why: the path's extension (.png, .svg, ...) or the section's wording
// ("returns an image", "PNG file", "image/png"). Only a GET or HEAD
// retrieves a file by its path; another method's response is binary only
// when the section says it returns a file of a named format ("returns the
// report as a PDF") and has no GET, and never when the section shows a JSON
// success example.
func binaryResponse(s *slate.Section, ep slate.Endpoint, responses []slate.Example) (string, string) {
	retrieves := ep.Method == "GET" || ep.Method == "HEAD"
	if !retrieves {
		for _, other := range sectionEndpoints(s) {
			if other.Method == "GET" || other.Method == "HEAD" {
				return "", "" // the wording is about the section's GET
			}
		}
	}
	if m := extension.FindString(ep.Template); m != "" && retrieves {
		if mt, ok := binaryExtensions[strings.ToLower(m[1:])]; ok {
			return mt, fmt.Sprintf("%s file (the path ends in %s)", mt, m)
		}
	}
	for _, ex := range responses {
		if !ex.Error {
			return "", ""
		}
	}
	text := strings.Join(s.Notes, "\n")
	if m := mediaWording.FindString(text); m != "" && retrieves {
		return strings.ToLower(m), fmt.Sprintf("%s file (%q)", strings.ToLower(m), m)
	}
	wordings := []*regexp.Regexp{fileWording, returnsWording}
	if !retrieves {
		wordings = wordings[1:] // "upload a PNG file" is not what comes back
	}
	for _, re := range wordings {
		loc := re.FindStringSubmatchIndex(text)
		if loc == nil {
			continue
		}
		m := re.FindStringSubmatch(text)
		if w := strings.Fields(text[loc[1]:]); len(w) > 0 && aboutAFile[strings.ToLower(strings.Trim(w[0], ".,;:()"))] {
			continue // "returns the image URL": a JSON field, not a file
		}
		word := strings.ToLower(m[len(m)-1])
		if re == fileWording {
			word = strings.ToLower(m[1])
		}
		mt, specific := binaryExtensions[strings.Replace(word, "jpeg", "jpg", 1)]
		switch {
		case specific:
		case !retrieves:
			continue
		case word == "image" || word == "picture" || word == "icon":
			mt = "image/*"
		default:
			mt = "application/octet-stream"
		}
		return mt, fmt.Sprintf("%s file (%q)", mt, m[0])
	}
	return "", ""
}

// argType maps an argument table's Type cell to a schema.
func argType(t string) (map[string]any, bool) {
	t = strings.TrimSpace(strings.ToLower(t))
	if strings.HasSuffix(t, "[]") || strings.HasPrefix(t, "array of ") || strings.HasPrefix(t, "list of ") || (strings.HasPrefix(t, "array<") && strings.HasSuffix(t, ">")) {
		inner := strings.TrimSuffix(t, "[]")
		for _, p := range []string{"array of ", "list of ", "array<"} {
			inner = strings.TrimPrefix(inner, p)
		}
		inner = strings.TrimSuffix(inner, ">")
		if it, ok := argType(strings.TrimSuffix(inner, "s")); ok {
			return map[string]any{"type": "array", "items": it}, true
		}
		if it, ok := argType(inner); ok {
			return map[string]any{"type": "array", "items": it}, true
		}
		return nil, false
	}
	switch t {
	case "string", "str", "text":
		return map[string]any{"type": "string"}, true
	case "number", "float", "double", "decimal":
		return map[string]any{"type": "number"}, true
	case "integer", "int", "int32", "int64", "long":
		return map[string]any{"type": "integer"}, true
	case "boolean", "bool":
		return map[string]any{"type": "boolean"}, true
	case "object", "json", "map", "dict", "dictionary":
		return map[string]any{"type": "object"}, true
	case "array", "list":
		return map[string]any{"type": "array"}, true
	case "email":
		return map[string]any{"type": "string", "format": "email"}, true
	case "date":
		return map[string]any{"type": "string", "format": "date"}, true
	case "datetime", "date-time", "timestamp":
		return map[string]any{"type": "string", "format": "date-time"}, true
	}
	return nil, false
}

// paramsSchema is the schema of ep's arguments and their list. The
// arguments are the section's argument table; without one, the keys of its
// request examples' params (a key every request example shows is required,
// one only some show is optional). An argument named like one of the path's
// templates is "in": "path" and required; a template no argument documents
// is a required string argument of its own. The other arguments of an http
// operation are "in": "query". A jsonrpc operation's params leave out the
// path's arguments (they are not in the body).
func paramsSchema(s *slate.Section, ep slate.Endpoint, protocol string, requests []slate.Example, calls []sentCall, form bool) (map[string]any, []any, []slate.Diagnostic) {
	var warns []slate.Diagnostic
	type arg struct {
		slate.Argument
		schema map[string]any
		in     string
	}
	var list []arg
	table := s.Arguments
	if isEnvelopeTable(table) {
		table = nil // the call object's own members (issue 17), not arguments
	}
	seen := map[string]int{}
	for _, a := range table {
		if first, dup := seen[a.Name]; dup {
			// One name is one argument: a table that lists it twice
			// (two variants of a call, a copy error) keeps the first.
			warns = append(warns, slate.Diagnostic{File: s.File, Line: a.Line, Message: fmt.Sprintf("argument %q is listed again (first at line %d); the first row is kept", a.Name, first)})
			continue
		}
		seen[a.Name] = a.Line
		sch, ok := argType(a.Type)
		if !ok {
			if a.Type != "" {
				warns = append(warns, slate.Diagnostic{File: s.File, Line: a.Line, Message: fmt.Sprintf("argument %q has unknown type %q; any value is accepted", a.Name, a.Type)})
			}
			sch = map[string]any{}
		}
		if a.Description != "" {
			sch["description"] = a.Description
		}
		if enum := fitValues(a.Values, sch); enum != nil {
			sch["enum"] = enum
		}
		in := ""
		switch a.In {
		case "query", "header", "cookie":
			in = a.In
		}
		list = append(list, arg{Argument: a, schema: sch, in: in})
	}
	positional := positionalParams(requests) // a JSON-RPC call's params array, if any
	switch {
	case len(table) == 0 && positional != nil:
		// Arguments by position, named by it; typed as the example shows.
		for i, v := range positional {
			sch := openObjects(Infer(v))
			list = append(list, arg{Argument: slate.Argument{Name: fmt.Sprintf("param%d", i+1), Type: schemaTypeName(sch), Required: true, Line: requests[0].Line}, schema: sch})
		}
	case len(table) == 0 && len(requests) == 0 && protocol == model.ProtocolHTTP:
		// The fields and query parameters the curl calls send.
		seen := map[string]bool{}
		for _, c := range calls {
			for _, n := range append(append([]string(nil), c.Query...), c.Form...) {
				if !seen[n] {
					seen[n] = true
					list = append(list, arg{Argument: slate.Argument{Name: n, Type: "string", Line: c.Line}, schema: map[string]any{"type": "string"}})
				}
			}
		}
	}
	if len(table) == 0 && len(requests) > 0 && positional == nil {
		var merged map[string]any
		for _, r := range requests {
			sch := Infer(requestParams(r.Value))
			if merged == nil {
				merged = sch
			} else {
				merged = merge(merged, sch)
			}
		}
		props, _ := merged["properties"].(map[string]any)
		req := map[string]bool{}
		for _, k := range asSlice(merged["required"]) {
			req[k.(string)] = true
		}
		for _, k := range sortedKeys(props) {
			sch := openObjects(props[k].(map[string]any))
			list = append(list, arg{Argument: slate.Argument{Name: k, Type: schemaTypeName(sch), Required: req[k], Line: requests[0].Line}, schema: sch})
		}
	}
	// Templates of the path.
	var synth []arg
	for _, name := range ep.Params {
		found := false
		for i := range list {
			if strings.EqualFold(list[i].Name, name) && !found {
				// Named as the path names it: a path parameter's
				// name is the template's (OpenAPI matches them
				// exactly).
				list[i].Name = name
				list[i].in, list[i].Required, found = "path", true, true
			}
		}
		if !found {
			synth = append(synth, arg{Argument: slate.Argument{Name: name, Type: "string", Required: true, Line: ep.Line}, schema: map[string]any{"type": "string"}, in: "path"})
		}
	}
	list = append(synth, list...)
	inQuery := map[string]bool{}
	for _, c := range calls {
		for _, n := range c.Query {
			inQuery[n] = true
		}
	}
	props := map[string]any{}
	req := []any{}
	args := []any{}
	var items []any
	for _, a := range list {
		if a.in == "" && protocol == model.ProtocolHTTP {
			a.in = "query"
			if form && !inQuery[a.Name] {
				a.in = "form" // a field of the request body (issue 17)
			}
		}
		am := map[string]any{"name": a.Name, "type": a.Type, "required": a.Required, "description": a.Description, "line": a.Line}
		if a.in != "" {
			am["in"] = a.in
		}
		args = append(args, am)
		if (a.in == "path" && protocol != model.ProtocolHTTP) || a.in == "header" || a.in == "cookie" {
			continue
		}
		if positional != nil {
			am["position"] = len(items)
			a.schema["title"] = a.Name
			items = append(items, a.schema)
			continue
		}
		props[a.Name] = a.schema
		if a.Required {
			req = append(req, a.Name)
		}
	}
	if positional != nil {
		// Arguments by position (JSON-RPC 2.0's params array): each item
		// its argument's schema, no more items than documented; those the
		// page requires come first and are the fewest a call sends.
		min := 0
		for _, a := range list {
			if !a.Required || (a.in == "path" && protocol != model.ProtocolHTTP) {
				break
			}
			min++
		}
		sch := map[string]any{"type": "array", "maxItems": len(items), "minItems": min}
		if len(items) > 0 {
			sch["prefixItems"] = items
		}
		return sch, args, warns
	}
	// Arguments are matched by name; others are tolerated (T2 names only
	// the documented ones, and a session may travel in params, S2).
	return map[string]any{"type": "object", "properties": props, "required": req}, args, warns
}

// requestParams is the arguments a request example shows: the params of a
// call object (or of the one call of an array), else the example itself.
func requestParams(v any) any {
	if a, ok := v.([]any); ok && len(a) == 1 {
		v = a[0]
	}
	if m, ok := v.(map[string]any); ok {
		if p, ok := m["params"]; ok {
			return p
		}
		if _, rpc := m["jsonrpc"]; rpc {
			return map[string]any{}
		}
	}
	return v
}

// openObjects drops additionalProperties false everywhere under s: a
// request example shows what a client may send, not all it may send. And
// a value the example shows as null is of any type (issue 17, item 2): a
// null there says "no value in this example", not "only null"; typed null,
// the suite had no value to send and the mock refused every other one. A
// value shown as null in one example and typed in another keeps both types.
func openObjects(s map[string]any) map[string]any {
	if s["type"] == "null" {
		delete(s, "type")
	}
	if s["additionalProperties"] == false {
		delete(s, "additionalProperties")
	}
	if m := mapValue(s); m != nil {
		openObjects(m)
	}
	for _, k := range []string{"properties"} {
		if ps, ok := s[k].(map[string]any); ok {
			for _, p := range ps {
				if pm, ok := p.(map[string]any); ok {
					openObjects(pm)
				}
			}
		}
	}
	if it, ok := s["items"].(map[string]any); ok {
		openObjects(it)
	}
	return s
}

func schemaTypeName(s map[string]any) string {
	if t, ok := s["type"].(string); ok {
		return t
	}
	return ""
}

// fitValues is values as an enum of a property whose schema is s: strings
// that spell numbers become numbers where s wants numbers; nil when a value
// does not fit s's type.
func fitValues(values []any, s map[string]any) []any {
	if len(values) == 0 {
		return nil
	}
	types := typeList(s)
	out := make([]any, 0, len(values))
	for _, v := range values {
		if str, ok := v.(string); ok && (contains(types, "integer") || contains(types, "number")) && !contains(types, "string") {
			if n := json.Number(str); numberLike(str) {
				v = n
			}
		}
		if len(types) > 0 && !fitsType(v, types) {
			return nil
		}
		out = append(out, v)
	}
	return out
}

var numberRE = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

func numberLike(s string) bool { return numberRE.MatchString(s) }

func fitsType(v any, types []string) bool {
	for _, t := range types {
		switch x := v.(type) {
		case string:
			if t == "string" {
				return true
			}
		case json.Number:
			if t == "number" || (t == "integer" && !strings.ContainsAny(string(x), ".eE")) {
				return true
			}
		case bool:
			if t == "boolean" {
				return true
			}
		case nil:
			if t == "null" {
				return true
			}
		}
	}
	return false
}

// describeFields puts a Returns table's descriptions and possible values on
// the matching properties of the operation's JSON variants (see
// locateField): each documented property gets the row's description, and
// its values as an enum when they fit its type. A value an example shows
// that the row does not list is added to the enum (with a warning): the
// page's own example stays valid. An elided "..." there leaves the enum out.
func describeFields(s *slate.Section, id string, variants map[string]any) []slate.Diagnostic {
	var warns []slate.Diagnostic
	jsonVariants := 0
	for _, vn := range sortedKeys(variants) {
		if variants[vn].(map[string]any)["shape"] != ShapeBinary {
			jsonVariants++
		}
	}
	for _, f := range s.Fields {
		found := false
		for _, vn := range sortedKeys(variants) {
			v := variants[vn].(map[string]any)
			if v["shape"] == ShapeBinary {
				continue
			}
			schema := v["schema"].(map[string]any)
			for _, path := range locateField(schema, f.Name) {
				prop := schemaAt(schema, path)
				if prop == nil {
					continue
				}
				found = true
				if f.Description != "" {
					prop["description"] = f.Description
				}
				enum := fitValues(f.Values, prop)
				if enum == nil {
					continue
				}
				shown := valuesAt(variantBody(v), path)
				elided := false
				for _, x := range shown {
					if x == Elided {
						elided = true
					}
				}
				if elided {
					continue
				}
				for _, x := range shown {
					if !containsValue(enum, x) {
						enum = append(enum, x)
						warns = append(warns, slate.Diagnostic{File: s.File, Line: f.Line, Message: fmt.Sprintf(
							"response field %q of %q: the %s example (line %v) shows %s, which the table's values do not list; it is added to them", f.Name, id, vn, v["line"], jsonText(x))})
					}
				}
				prop["enum"] = enum
			}
		}
		if !found && jsonVariants > 0 {
			warns = append(warns, slate.Diagnostic{File: s.File, Line: f.Line, Message: fmt.Sprintf("response field %q of %q is in no example's JSON; its row is not used", f.Name, id)})
		}
	}
	return warns
}

func jsonText(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func containsValue(xs []any, v any) bool {
	for _, x := range xs {
		if jsonText(x) == jsonText(v) {
			return true
		}
	}
	return false
}

// locateField finds the properties a Returns row names in schema: every
// property of that key at the shallowest depth where one is (arrays are
// looked through), or, for a dotted name no key spells, the property the
// dotted path leads to ("user_context.lang"). A path is a list of keys,
// "[]" standing for an array's items.
func locateField(schema map[string]any, name string) [][]string {
	type node struct {
		s    map[string]any
		path []string
	}
	level := []node{{s: schema}}
	for depth := 0; depth < 16 && len(level) > 0; depth++ {
		var found [][]string
		var next []node
		for _, n := range level {
			if it, ok := n.s["items"].(map[string]any); ok {
				next = append(next, node{it, appendPath(n.path, "[]")})
			}
			props, _ := n.s["properties"].(map[string]any)
			for _, k := range sortedKeys(props) {
				ps, ok := props[k].(map[string]any)
				if !ok {
					continue
				}
				if k == name {
					found = append(found, appendPath(n.path, k))
				}
				next = append(next, node{ps, appendPath(n.path, k)})
			}
		}
		if len(found) > 0 {
			return found
		}
		level = next
	}
	if !strings.Contains(name, ".") {
		return nil
	}
	// A dotted path, from the top, looking through arrays.
	var path []string
	cur := schema
	for _, part := range strings.Split(strings.TrimSuffix(name, "[]"), ".") {
		part = strings.TrimSuffix(part, "[]")
		for {
			it, ok := cur["items"].(map[string]any)
			if !ok {
				break
			}
			cur, path = it, appendPath(path, "[]")
		}
		props, _ := cur["properties"].(map[string]any)
		ps, ok := props[part].(map[string]any)
		if !ok {
			return nil
		}
		cur, path = ps, appendPath(path, part)
	}
	return [][]string{path}
}

func appendPath(p []string, k string) []string {
	return append(append([]string(nil), p...), k)
}

func schemaAt(s map[string]any, path []string) map[string]any {
	for _, k := range path {
		var next map[string]any
		if k == "[]" {
			next, _ = s["items"].(map[string]any)
		} else {
			props, _ := s["properties"].(map[string]any)
			next, _ = props[k].(map[string]any)
		}
		if next == nil {
			return nil
		}
		s = next
	}
	return s
}

// valuesAt is every value v shows at path, elided array items aside.
func valuesAt(v any, path []string) []any {
	if len(path) == 0 {
		return []any{v}
	}
	var out []any
	switch x := v.(type) {
	case []any:
		if path[0] == "[]" {
			for _, e := range x {
				if e == Elided && len(x) > 1 {
					continue
				}
				out = append(out, valuesAt(e, path[1:])...)
			}
		}
	case map[string]any:
		if e, ok := x[path[0]]; ok {
			out = append(out, valuesAt(e, path[1:])...)
		}
	}
	return out
}

// protocolDefinitions are the JSON-RPC 2.0 objects of the making_requests
// include (T2) and of JSON-RPC's own error object (T5). The overlay tags them
// with their decisions and tightens them.
func protocolDefinitions() map[string]any {
	id := map[string]any{"type": []any{"string", "number", "null"}}
	return map[string]any{
		"jsonrpc-request": map[string]any{
			"description": "A JSON-RPC 2.0 call object; the path names the operation.",
			"type":        "object",
			"required":    []any{"jsonrpc"},
			"properties": map[string]any{
				"jsonrpc": map[string]any{"const": "2.0"},
				"method":  map[string]any{"type": "string"},
				"params":  map[string]any{"type": "object"},
				"id":      id,
			},
			// T5's codes hold without the overlay too, so that a mock and a
			// suite built from any page reject the same malformed calls:
			// -32602 for params, -32600 for the rest of the call object.
			"x-jsonrpc-codes": map[string]any{
				"/": -32600, "/jsonrpc": -32600, "/id": -32600, "/method": -32600, "/params": -32602,
			},
		},
		"jsonrpc-envelope": map[string]any{
			"description":          "A JSON-RPC 2.0 response object carrying a result.",
			"type":                 "object",
			"required":             []any{"id", "jsonrpc", "result"},
			"properties":           map[string]any{"id": id, "jsonrpc": map[string]any{"const": "2.0"}, "result": map[string]any{}},
			"additionalProperties": false,
		},
		"jsonrpc-error": map[string]any{
			"description": "A JSON-RPC 2.0 error response.",
			"type":        "object",
			"required":    []any{"jsonrpc", "id", "error"},
			"properties": map[string]any{
				"jsonrpc": map[string]any{"const": "2.0"},
				"id":      id,
				"error": map[string]any{
					"type":     "object",
					"required": []any{"code", "message"},
					"properties": map[string]any{
						"code":    map[string]any{"type": "integer"},
						"message": map[string]any{"type": "string"},
						"data":    map[string]any{},
					},
				},
			},
			"additionalProperties": false,
		},
	}
}

// nodes counts v's values, each map entry and slice element one, with
// theirs: what an operation's schemas, examples and arguments weigh.
func nodes(v any) int {
	n := 1
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			n += nodes(e)
		}
	case []any:
		for _, e := range x {
			n += nodes(e)
		}
	}
	return n
}
