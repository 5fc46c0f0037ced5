package slate

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// ParseFile parses the page at path and the includes its front matter names,
// resolved as Slate does: includes/_NAME.md beside the page.
func ParseFile(path string) (*Page, error) {
	return ParseFS(os.DirFS(filepath.Dir(path)), filepath.Base(path), path)
}

// ParseFS parses the page name in fsys; display is the name used in messages.
func ParseFS(fsys fs.FS, name, display string) (*Page, error) {
	src, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, Errors{{File: display, Message: fmt.Sprintf("cannot read page: %v", unwrapPath(err))}}
	}
	dir := filepath.Dir(display)
	return Parse(display, src, func(include string) (string, []byte, error) {
		// "endpoints/users" is includes/endpoints/_users.md, as
		// Middleman resolves a partial.
		file := path.Join(path.Dir(include), "_"+path.Base(include)+".md")
		rel := path.Join(path.Dir(filepath.ToSlash(name)), "includes", file)
		b, err := fs.ReadFile(fsys, rel)
		return filepath.Join(dir, "includes", filepath.FromSlash(file)), b, err
	})
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Parse parses src as the page file; resolve returns an include's display
// name and content.
//
// Only what cannot be read at all is an error: a file that is not text (it
// holds NUL bytes) or is larger than MaxPageBytes. Everything else (front
// matter that is not valid YAML or never closed, a code fence never closed,
// bytes that are not UTF-8, a missing include, a table the parser half
// understands, an example it had to repair or could not read) is a warning
// in Page.Warnings and the rest of the page is read.
func Parse(file string, src []byte, resolve func(name string) (string, []byte, error)) (*Page, error) {
	p := &Page{File: file}
	var errs Errors
	src, err := p.text(file, src)
	if err != nil {
		return nil, Errors{*err}
	}
	lines := splitLines(src)
	start := 0
	if len(lines) > 0 && strings.TrimSpace(lines[0]) == "---" {
		end := -1
		for i := 1; i < len(lines); i++ {
			if strings.TrimSpace(lines[i]) == "---" {
				end = i
				break
			}
		}
		if end < 0 {
			p.warn(file, 1, "front matter opened here is never closed with ---; the page is read without it")
			end = 0
		}
		var fm struct {
			Title    string   `yaml:"title"`
			Includes []string `yaml:"includes"`
		}
		if err := yaml.Unmarshal([]byte(strings.Join(lines[1:max(end, 1)], "\n")), &fm); end > 0 && err != nil {
			fm.Title, fm.Includes = salvageFrontMatter(lines[1:end])
			p.warn(file, 1+yamlLine(err), "front matter is not valid YAML: %v; read title %q and includes %v line by line", err, fm.Title, fm.Includes)
		}
		p.Title, p.Includes = fm.Title, fm.Includes
		start = end + 1
	}
	errs = append(errs, p.parseBody(file, lines, start)...)
	for _, inc := range p.Includes {
		if resolve == nil {
			p.warn(file, includeLine(lines, inc), "include %q cannot be resolved; it is skipped", inc)
			continue
		}
		name, b, err := resolve(inc)
		if err != nil {
			p.warn(file, includeLine(lines, inc), "include %q: %s does not exist or cannot be read: %v; it is skipped", inc, name, unwrapPath(err))
			continue
		}
		b, derr := p.text(name, b)
		if derr != nil {
			p.warn(file, includeLine(lines, inc), "include %q: %s; it is skipped", inc, derr.Error())
			continue
		}
		errs = append(errs, p.parseBody(name, splitLines(b), 0)...)
	}
	p.resolveEndpoints()
	if len(errs) > 0 {
		return p, errs
	}
	return p, nil
}

// MaxPageBytes bounds what one page or include may weigh: a larger file is
// refused before it is read into sections, so time and memory stay bounded.
const MaxPageBytes = 32 << 20

// text checks that src is a text page: not larger than MaxPageBytes, no NUL
// byte (a binary file), UTF-8 (bytes that are not are replaced, with a
// warning at the first one's line); a byte-order mark is dropped.
func (p *Page) text(file string, src []byte) ([]byte, *Diagnostic) {
	if len(src) > MaxPageBytes {
		return nil, &Diagnostic{File: file, Message: fmt.Sprintf("the page is %d bytes, more than the %d a page may have; it is not read", len(src), MaxPageBytes)}
	}
	if i := bytes.IndexByte(src, 0); i >= 0 {
		return nil, &Diagnostic{File: file, Line: 1 + bytes.Count(src[:i], []byte("\n")), Message: "the file is not text (it holds a NUL byte here): not a Slate page"}
	}
	src = bytes.TrimPrefix(src, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(src) {
		i := 0
		for i < len(src) {
			r, n := utf8.DecodeRune(src[i:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			i += n
		}
		p.warn(file, 1+bytes.Count(src[:i], []byte("\n")), "the page is not UTF-8 (first invalid byte 0x%02x here); every invalid byte is read as U+FFFD", src[i])
		src = bytes.ToValidUTF8(src, []byte("\uFFFD"))
	}
	return src, nil
}

func (p *Page) warn(file string, line int, format string, args ...any) {
	p.Warnings = append(p.Warnings, Diagnostic{File: file, Line: line, Message: fmt.Sprintf(format, args...)})
}

// salvageFrontMatter reads title and the includes list line by line from
// front matter that is not valid YAML.
func salvageFrontMatter(lines []string) (title string, includes []string) {
	inIncludes := false
	for _, l := range lines {
		t := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(l, "title:"):
			title = strings.Trim(strings.TrimSpace(strings.TrimPrefix(l, "title:")), `"'`)
			inIncludes = false
		case strings.HasPrefix(l, "includes:"):
			inIncludes = true
		case inIncludes && strings.HasPrefix(t, "- "):
			includes = append(includes, strings.Trim(strings.TrimSpace(t[2:]), `"'`))
		case t != "" && !strings.HasPrefix(l, " ") && !strings.HasPrefix(t, "#"):
			inIncludes = false
		}
	}
	return title, includes
}

func includeLine(lines []string, inc string) int {
	for i, l := range lines {
		if strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), "-")) == inc {
			return i + 1
		}
	}
	return 1
}

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

func yamlLine(err error) int {
	var n int
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		fmt.Sscan(m[1], &n)
	}
	return n
}

func splitLines(src []byte) []string {
	s := strings.ReplaceAll(string(src), "\r\n", "\n")
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// A heading; Slate's Markdown (Redcarpet) needs no space after the #s
// ("#general", as Laravel's documentarian writes its groups).
var headingRE = regexp.MustCompile(`^(#{1,6})[ \t]*([^# \t].*?)[ \t#]*$`)

// An HTML heading line, as Widdershins writes them (<h1 id="x">Users</h1>).
var htmlHeadingRE = regexp.MustCompile(`^\s*<h([1-6])(?:\s[^>]*)?>(.*?)</h[1-6]>\s*$`)

var htmlTagRE = regexp.MustCompile(`<[^>]*>`)

// readHeading reads a Markdown or HTML heading line: its level and text.
func readHeading(line string) (int, string, bool) {
	if h := headingRE.FindStringSubmatch(line); h != nil {
		return len(h[1]), strings.TrimSpace(h[2]), true
	}
	if h := htmlHeadingRE.FindStringSubmatch(line); h != nil {
		return int(h[1][0] - '0'), strings.TrimSpace(htmlTagRE.ReplaceAllString(h[2], "")), true
	}
	return 0, "", false
}

// subsectionKey is how a heading's text is looked up in subsections.
func subsectionKey(text string) string {
	k := strings.ToLower(strings.TrimSpace(strings.Trim(text, "*_` ")))
	return strings.TrimSpace(strings.TrimRight(k, ":：. "))
}

// What a subsection heading says the lines under it are.
type sub int

const (
	subNone sub = iota
	subHTTPRequest
	subArguments
	subReturns
	subOther // a known subsection with nothing to read (Errors, Notes, Example)
	subSkip  // a subsection whose tables are no arguments nor fields (Widdershins' Enumerated Values)
)

// subsections are the headings that never start a section of their own,
// whatever their level (below "# ").
var subsections = map[string]sub{
	"http request": subHTTPRequest, "http requests": subHTTPRequest, "request": subHTTPRequest,
	"endpoint": subHTTPRequest, "endpoints": subHTTPRequest, "url": subHTTPRequest, "http method": subHTTPRequest,
	"arguments": subArguments, "parameters": subArguments, "params": subArguments,
	"query parameters": subArguments, "query params": subArguments, "query string parameters": subArguments,
	"request parameters": subArguments, "url parameters": subArguments, "path parameters": subArguments,
	"body parameters": subArguments, "request body": subArguments, "request fields": subArguments,
	"request arguments": subArguments, "input": subArguments, "inputs": subArguments,
	"returns": subReturns, "return": subReturns, "return values": subReturns, "return value": subReturns,
	"response": subReturns, "responses": subReturns, "response fields": subReturns,
	"response parameters": subReturns, "response body": subReturns, "response format": subReturns,
	"result": subReturns, "results": subReturns, "output": subReturns, "outputs": subReturns,
	"response attributes": subReturns, "fields": subReturns,
	"example": subOther, "examples": subOther, "example request": subOther, "example response": subOther,
	"request example": subOther, "response example": subOther, "errors": subOther, "error codes": subOther,
	"notes": subOther, "note": subOther, "description": subOther, "usage": subOther, "permissions": subOther,
	"authentication": subOther, "authorization": subOther, "headers": subOther, "request headers": subOther,
	"response headers": subOther, "see also": subOther,
	// Widdershins: "Response Schema" lists the response's fields (nested
	// with »); "Enumerated Values" one row per value of some field.
	"response schema": subReturns, "responses data schema": subReturns, "enumerated values": subSkip,
	// Chinese.
	"http请求": subHTTPRequest, "http 请求": subHTTPRequest, "请求": subHTTPRequest, "请求方式": subHTTPRequest,
	"请求地址": subHTTPRequest, "接口地址": subHTTPRequest, "请求url": subHTTPRequest, "请求路径": subHTTPRequest,
	"接口": subHTTPRequest, "请求方法": subHTTPRequest,
	"请求参数": subArguments, "参数": subArguments, "参数说明": subArguments, "输入参数": subArguments,
	"路径参数": subArguments, "查询参数": subArguments, "请求体": subArguments, "body参数": subArguments,
	"请求参数说明": subArguments,
	"返回":     subReturns, "返回参数": subReturns, "返回值": subReturns, "响应": subReturns, "响应参数": subReturns,
	"返回字段": subReturns, "返回结果": subReturns, "响应结果": subReturns, "返回参数说明": subReturns,
	"输出参数": subReturns, "响应字段": subReturns, "返回数据": subReturns,
	"返回示例": subOther, "请求示例": subOther, "响应示例": subOther, "示例": subOther, "错误码": subOther,
	"说明": subOther, "备注": subOther, "注意": subOther,
	// Russian.
	"http-запрос": subHTTPRequest, "http запрос": subHTTPRequest, "запрос": subHTTPRequest, "адрес": subHTTPRequest,
	"метод":     subHTTPRequest,
	"параметры": subArguments, "параметры запроса": subArguments, "аргументы": subArguments,
	"тело запроса": subArguments, "входные параметры": subArguments,
	"ответ": subReturns, "параметры ответа": subReturns, "поля ответа": subReturns, "возвращает": subReturns,
	"результат": subReturns, "возвращаемые значения": subReturns, "выходные параметры": subReturns,
	"пример": subOther, "примеры": subOther, "пример запроса": subOther, "пример ответа": subOther,
	"ошибки": subOther, "коды ошибок": subOther, "примечания": subOther, "примечание": subOther, "описание": subOther,
}

// exampleHeading says a heading's text may stand as the label of the
// example under it.
var exampleHeading = regexp.MustCompile(`(?i)\b(request|response|example|result|error|success|returns?)\b|示例|返回|响应|请求|пример|ответ|запрос`)

// candidate is an endpoint a section shows, before the page-wide check of
// which ones are operations.
type candidate struct {
	Endpoint
	httpRequest bool // under "### HTTP Request", not a "> " line
	// shown is true for an endpoint only a code example shows (a curl
	// command, an HTTP exchange): it counts when the section has no
	// endpoint line and no other section documents it.
	shown bool
}

// sectionState is what parseBody knows about the section it is reading.
type sectionState struct {
	Section
	level int
	cands []candidate
	shown []candidate
	// provisional is true for a section a deeper heading started (see
	// parseBody): it stays one only if it documents an endpoint.
	provisional bool
}

// parseBody reads the lines of one file (page body or include) into sections.
func (p *Page) parseBody(file string, lines []string, start int) Errors {
	var errs Errors
	var sec *sectionState
	mode := subNone
	label, labelLine := "", 0     // the label fence before an example
	quote, quoteLine := "", 0     // a "> " line just before an example
	heading, headingLine := "", 0 // a heading that may label the next example
	flush := func() {
		if sec == nil {
			return
		}
		p.finishSection(sec)
	}
	addCandidate := func(ep *Endpoint, httpRequest bool) {
		sec.cands = append(sec.cands, candidate{Endpoint: *ep, httpRequest: httpRequest})
		if httpRequest && sec.HTTPRequest == nil {
			e := *ep
			sec.HTTPRequest = &e
		}
		if !httpRequest && sec.Endpoint == nil {
			e := *ep
			sec.Endpoint = &e
		}
	}
	for i := start; i < len(lines); i++ {
		line := lines[i]
		n := i + 1
		trimmed := strings.TrimSpace(line)
		if fence, ok := fenceOpen(line); ok {
			j := i + 1
			for ; j < len(lines); j++ {
				if t := strings.TrimSpace(lines[j]); strings.HasPrefix(t, fence) && strings.Trim(t, "`~") == "" {
					break
				}
			}
			if j >= len(lines) {
				// One unclosed fence costs that line, not the page: the
				// lines after it are read as text.
				p.warn(file, n, "code fence opened here is never closed; the line is skipped and what follows is read as text")
				continue
			}
			lang := strings.ToLower(strings.TrimSpace(strings.TrimLeft(trimmed, "`~")))
			if f := strings.Fields(lang); len(f) > 0 {
				lang = f[0]
			}
			body := strings.Join(lines[i+1:j], "\n")
			i = j
			if sec == nil {
				continue
			}
			content := strings.TrimSpace(body)
			plain := lang == "" || lang == "text" || lang == "txt" || lang == "plaintext" || lang == "plain"
			jsonLang := lang == "json" || lang == "jsonc" || lang == "json5"
			startsJSON := content != "" && strings.ContainsAny(content[:1], "{[")
			switch {
			case plain && content != "" && !strings.Contains(content, "\n") && !startsJSON:
				if ep := parseEndpoint(content, n+1, true); ep != nil {
					addCandidate(ep, mode == subHTTPRequest || sec.Endpoint != nil)
				} else if eps := curlEndpoints(content, n+1); len(eps) > 0 {
					for _, ep := range eps {
						sec.shown = append(sec.shown, candidate{Endpoint: ep, shown: true})
					}
				} else {
					label, labelLine = content, n
				}
			case jsonLang || ((plain || lang == "javascript" || lang == "js") && startsJSON):
				lb, lbLine := label, labelLine
				if lb == "" && quote != "" {
					lb, lbLine = quote, quoteLine
					if k := len(sec.Notes) - 1; k >= 0 && strings.TrimSuffix(sec.Notes[k], ":") == quote {
						sec.Notes = sec.Notes[:k] // a label, not prose
					}
				}
				if lb == "" && heading != "" {
					lb, lbLine = heading, headingLine
				}
				p.example(file, &sec.Section, lb, lbLine, lang, n, body)
				label, labelLine, quote, heading = "", 0, "", ""
			default:
				// Code in another language (a curl line, an HTTP
				// exchange): its first line may be the endpoint, the
				// rest shows URLs; its curl commands and an HTTP
				// exchange's request line are endpoints it shows.
				for _, ep := range curlEndpoints(body, n+1) {
					sec.shown = append(sec.shown, candidate{Endpoint: ep, shown: true})
				}
				if lang == "http" || lang == "https" {
					if ep := parseEndpoint(strings.SplitN(content, "\n", 2)[0], n+1, true); ep != nil {
						sec.shown = append(sec.shown, candidate{Endpoint: *ep, shown: true})
					}
				}
				sec.Samples = append(sec.Samples, Sample{Lang: lang, Line: n + 1, Text: body})
				for k, l := range strings.Split(body, "\n") {
					if k == 0 && mode == subHTTPRequest {
						if ep := parseEndpoint(l, n+1, true); ep != nil {
							addCandidate(ep, true)
							continue
						}
					}
					for _, u := range urlsIn(l) {
						sec.URLs = append(sec.URLs, Ref{Text: u, Line: n + 1 + k})
					}
				}
			}
			continue
		}
		if trimmed == "" {
			continue
		}
		if !strings.HasPrefix(trimmed, ">") {
			quote = ""
		}
		if level, text, ok := readHeading(line); ok {
			kind, known := subsections[subsectionKey(text)]
			// A heading that is an endpoint ("## GET /users",
			// "#### `GET http://h/api/strain/`") documents it: at
			// levels 1 and 2 as a section of its own, deeper as an
			// endpoint of the section it is in.
			ep := parseEndpoint(text, n, true)
			if level == 1 || (level == 2 && !known) || (ep != nil && sec == nil) {
				flush()
				sec = &sectionState{Section: Section{Title: text, File: file, Line: n}, level: level}
				mode = subNone
				label, quote, heading = "", "", ""
				if ep != nil {
					addCandidate(ep, false)
				}
				continue
			}
			if sec == nil {
				continue
			}
			if ep != nil {
				addCandidate(ep, mode == subHTTPRequest)
				continue
			}
			// Pages that group with "# " or "## " document an operation
			// under "### " (or deeper): under a group heading, or once
			// the section has its endpoint, a heading the parser does
			// not know starts a section of its own, which stays one
			// only if it documents an endpoint; else it is part of the
			// section before.
			if !known && level >= 3 && (len(sec.cands) > 0 || sec.provisional || sec.level == 1) && !exampleHeading.MatchString(text) {
				flush()
				sec = &sectionState{Section: Section{Title: text, File: file, Line: n}, level: level, provisional: true}
				mode = subNone
				label, quote, heading = "", "", ""
				continue
			}
			mode = kind
			heading = ""
			if exampleHeading.MatchString(text) {
				heading, headingLine = text, n
			}
			continue
		}
		if sec == nil {
			continue
		}
		switch {
		case strings.HasPrefix(trimmed, ">"):
			rest := strings.TrimSpace(strings.TrimPrefix(trimmed, ">"))
			if ep := parseEndpoint(rest, n, true); ep != nil {
				addCandidate(ep, false)
			} else if rest != "" {
				note := strings.Trim(rest, "`")
				sec.Notes = append(sec.Notes, note)
				sec.addURLs(rest, n)
				quote, quoteLine = strings.TrimSpace(strings.TrimSuffix(note, ":")), n
			}
		case strings.Contains(line, "|") && i+1 < len(lines) && tableSep.MatchString(lines[i+1]):
			kind := ""
			switch mode {
			case subArguments:
				kind = "arguments"
			case subReturns:
				kind = "fields"
			case subSkip:
				kind = "skip"
			}
			var eps []Endpoint
			i, eps = p.parseTable(file, lines, i, kind, &sec.Section)
			i--
			for k := range eps {
				addCandidate(&eps[k], mode == subHTTPRequest)
			}
		case mode == subHTTPRequest:
			if ep := parseEndpoint(trimmed, n, true); ep != nil {
				addCandidate(ep, true)
			} else {
				sec.Notes = append(sec.Notes, trimmed)
				sec.addURLs(trimmed, n)
			}
		case strings.HasPrefix(trimmed, "`") && strings.HasSuffix(trimmed, "`") && parseEndpoint(trimmed, n, false) != nil:
			// An endpoint written as a paragraph of its own.
			addCandidate(parseEndpoint(trimmed, n, false), false)
		case endpointParagraph(trimmed, n) != nil:
			// "**GET /api/v1/x**", "POST `/api/x`", "GET /x" alone on
			// a line.
			addCandidate(endpointParagraph(trimmed, n), false)
		default:
			sec.Notes = append(sec.Notes, trimmed)
			sec.addURLs(trimmed, n)
		}
	}
	flush()
	return errs
}

// endpointParagraph is the endpoint a paragraph is when it is nothing else:
// METHOD URL as the whole line, marked as code or bold.
func endpointParagraph(t string, n int) *Endpoint {
	if len(t) > 300 || !startsWithMethod(strings.TrimLeft(t, "*_`")) {
		return nil
	}
	if m := endpointLooseRE.FindStringSubmatch(strings.TrimSpace(emphasisRE.ReplaceAllString(t, ""))); m != nil {
		// Only a line marked as code or bold: a bare "GET /x" paragraph
		// is prose outside an HTTP Request subsection.
		if u := strings.TrimRight(m[2], ".,;:)"); t != emphasisRE.ReplaceAllString(t, "") && !elided(m[2]) {
			return newEndpoint(m[1], u, n)
		}
	}
	return nil
}

// startsWithMethod is a cheap test before the expressions: most lines of a
// page are prose.
func startsWithMethod(t string) bool {
	for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"} {
		if len(t) > len(m) && strings.EqualFold(t[:len(m)], m) {
			return true
		}
	}
	return false
}

func (s *Section) addURLs(text string, line int) {
	for _, u := range urlsIn(text) {
		s.URLs = append(s.URLs, Ref{Text: u, Line: line})
	}
}

// example reads one JSON fence of sec.
func (p *Page) example(file string, sec *Section, label string, labelLine int, lang string, n int, body string) {
	ex := Example{Label: label, LabelLine: labelLine, Lang: lang, Line: n, Raw: body}
	v, repairs, err := decodeExample(body)
	if err != nil {
		p.warn(file, n+1+err.line, "example %q is not valid JSON: %s; it is skipped", labelOrUnlabelled(label), err.msg)
		return
	}
	for k := 0; k < len(repairs); {
		// The same repair several times on one line is one warning.
		r, times := repairs[k], 1
		for k+times < len(repairs) && repairs[k+times] == r {
			times++
		}
		k += times
		msg := r.Message
		if times > 1 {
			msg += fmt.Sprintf(" (%d times)", times)
		}
		p.warn(file, n+1+r.Line, "example %q: %s", labelOrUnlabelled(label), msg)
	}
	ex.Value = v
	kind, ok := p.labels[label]
	if !ok {
		// Pages repeat their labels ("> Response"): each is read once.
		kind = labelKind(label)
		if p.labels == nil {
			p.labels = map[string]string{}
		}
		p.labels[label] = kind
	}
	switch kind {
	case "request":
		ex.Request = true
	case "error":
		ex.Error = true
	case "success":
	default:
		ex.Ambiguous = true
		ex.Request = isCall(v)
	}
	sec.Examples = append(sec.Examples, ex)
}

// finishSection classifies the section's ambiguous examples and appends it
// to the page. A "## " section that documents no endpoint is part of the
// section before it (a "## Notes" under "# Login").
func (p *Page) finishSection(s *sectionState) {
	responses := 0
	for _, ex := range s.Examples {
		if !ex.Request {
			responses++
		}
	}
	for k := range s.Examples {
		ex := &s.Examples[k]
		if !ex.Ambiguous || ex.Request {
			continue
		}
		where := fmt.Sprintf("label %q says neither success nor error", ex.Label)
		if ex.Label == "" {
			where = "has no label"
		}
		line := ex.LabelLine
		if line == 0 {
			line = ex.Line
		}
		switch {
		case LooksLikeError(ex.Value):
			ex.Error = true
			p.warn(s.File, line, "section %q: example at line %d %s; its JSON is an error, so it is read as an error variant", s.Title, ex.Line, where)
		case responses > 1:
			p.warn(s.File, line, "section %q: example at line %d %s; it is read as a success variant", s.Title, ex.Line, where)
		}
	}
	if ((s.level == 2 && len(s.shown) == 0) || s.provisional) && len(s.cands) == 0 && len(p.Sections) > 0 && p.Sections[len(p.Sections)-1].File == s.File {
		prev := &p.Sections[len(p.Sections)-1]
		prev.Notes = append(prev.Notes, s.Notes...)
		prev.Arguments = append(prev.Arguments, s.Arguments...)
		prev.Fields = append(prev.Fields, s.Fields...)
		prev.Examples = append(prev.Examples, s.Examples...)
		prev.URLs = append(prev.URLs, s.URLs...)
		prev.Samples = append(prev.Samples, s.Samples...)
		return
	}
	p.Sections = append(p.Sections, s.Section)
	p.shown = append(p.shown, s.shown)
	if len(s.cands) == 0 {
		s.cands = s.shown
	}
	p.cands = append(p.cands, s.cands)
}

// resolveEndpoints decides, once the whole page is read, which endpoints of
// each section are operations (Section.Endpoints):
//
//   - the same method and path twice is one endpoint;
//   - a concrete URL of an endpoint's template ("GET /images/42/avatar.png"
//     beside "GET /images/${id}/avatar.png") is an example of it;
//   - an HTTP Request line that differs from the section's "> " line and
//     names a path another section documents is a copy error (T1): a
//     warning, and the "> " line wins;
//   - any other endpoint is a second endpoint of the section, with a warning
//     when its path differs from the first's (both become operations);
//   - an endpoint only a code example shows (a section with no endpoint
//     line) is one unless another section documents it, as it is or as a
//     template it is an instance of.
func (p *Page) resolveEndpoints() {
	p.retargetRepeatedEndpoints()
	primary := make([]string, len(p.Sections))
	// Where each template is documented, for the copy-error check (the
	// first two sections suffice to find one other than a given section).
	byTemplate := map[string][]int{}
	documented := map[string]bool{} // "METHOD template" an endpoint line documents
	var templated []Endpoint
	for k, cs := range p.cands {
		if len(cs) > 0 && !cs[0].shown {
			primary[k] = cs[0].Template
			for _, c := range cs {
				if !c.httpRequest {
					primary[k] = c.Template
					break
				}
			}
			if ks := byTemplate[primary[k]]; len(ks) < 2 {
				byTemplate[primary[k]] = append(ks, k)
			}
			for _, c := range cs {
				key := c.Method + " " + c.Template
				if !documented[key] && len(c.Params) > 0 {
					templated = append(templated, c.Endpoint)
				}
				documented[key] = true
				documented[c.Method+" "+shapeOf(c.Template)] = true
			}
		}
	}
	// An endpoint several sections only show is the operation of one: the
	// first that shows a response for it, else the first.
	shownBy := map[string]int{}
	for k, cs := range p.cands {
		for _, c := range cs {
			if !c.shown {
				continue
			}
			key := c.Method + " " + shapeOf(c.Template)
			first, seen := shownBy[key]
			if !seen || (!hasResponse(p.Sections[first]) && hasResponse(p.Sections[k])) {
				shownBy[key] = k
			}
		}
	}
	matcher := templateMatcher{}
	for k := range p.Sections {
		s := &p.Sections[k]
		s.Endpoints = nil
		cs := p.cands[k]
	next:
		for _, c := range cs {
			if c.shown && shownBy[c.Method+" "+shapeOf(c.Template)] != k {
				continue
			}
			if c.shown {
				// Documented as it is, or under a base path the
				// endpoint lines leave out ("/api/v0/activities"
				// for "GET /activities").
				segs := strings.Split(shapeOf(c.Template), "/")
				for i := range segs {
					if documented[c.Method+" /"+strings.Join(segs[i:], "/")] && strings.Join(segs[i:], "/") != "" {
						continue next
					}
				}
				for _, e := range templated {
					if e.Method == c.Method && len(c.Params) == 0 && matcher.match(e.Template, c.Path) != nil {
						continue next
					}
				}
			}
			for _, e := range s.Endpoints {
				if e.Method == c.Method && e.Template == c.Template {
					continue next
				}
				if len(e.Params) > 0 && len(c.Params) == 0 && matcher.match(e.Template, c.Path) != nil {
					s.URLs = append(s.URLs, Ref{Text: c.Path, Line: c.Line})
					continue next
				}
			}
			if c.httpRequest && s.Endpoint != nil && (c.Method != s.Endpoint.Method || c.Template != s.Endpoint.Template) {
				if other := otherSection(byTemplate[c.Template], k); other >= 0 {
					o := p.Sections[other]
					p.warn(s.File, c.Line,
						"section %q: HTTP Request %s %s (line %d) disagrees with the endpoint line %s %s (line %d); the endpoint line wins (the HTTP Request line repeats the path of section %q, line %d)",
						s.Title, c.Method, c.Path, c.Line, s.Endpoint.Method, s.Endpoint.Path, s.Endpoint.Line, o.Title, o.Line)
					continue
				}
			}
			if len(s.Endpoints) > 0 && c.Template != s.Endpoints[0].Template {
				first := s.Endpoints[0]
				p.warn(s.File, c.Line, "section %q documents a second endpoint %s %s (line %d) besides %s %s (line %d); each becomes an operation",
					s.Title, c.Method, c.Path, c.Line, first.Method, first.Path, first.Line)
			}
			s.Endpoints = append(s.Endpoints, c.Endpoint)
		}
	}
	p.cands, p.shown = nil, nil
}

// retargetRepeatedEndpoints reads an endpoint line that repeats another
// section's (the same method and path shape, written by copying) as the
// path the section's own code examples call, when they call one the line
// does not match: cendr's "Query gene homologs" documents
// "GET /api/gene/lookup/<query>", as "Lookup Gene" does, and its curl calls
// "/api/gene/homolog/HEXB"; it is "GET /api/gene/homolog/{query}" (issue 17).
// The line's templates stay where they are; the example gives the literal
// segments. The copy may come before the section it copies. Two sections
// that nothing tells apart stay as they are (the model keeps one of them,
// spec/generate).
func (p *Page) retargetRepeatedEndpoints() {
	shapes := map[string]string{} // template -> "METHOD shape" key, computed once
	keyOf := func(method, template string) string {
		k, ok := shapes[method+" "+template]
		if !ok {
			k = method + " " + shapeOf(template)
			shapes[method+" "+template] = k
		}
		return k
	}
	docs := map[string][]int{} // "METHOD shape" -> the sections documenting it, in page order
	for k, cs := range p.cands {
		for _, c := range cs {
			if key := keyOf(c.Method, c.Template); !c.shown {
				if ks := docs[key]; len(ks) == 0 || ks[len(ks)-1] != k {
					docs[key] = append(ks, k)
				}
			}
		}
	}
	matcher := templateMatcher{}
	for k, cs := range p.cands {
		for i := range cs {
			c := &cs[i]
			if c.shown || k >= len(p.shown) {
				continue
			}
			// Which section it repeats (an earlier one, or a later one
			// when this is the copy that comes first).
			key := keyOf(c.Method, c.Template)
			j := otherSection(docs[key], k)
			if j < 0 {
				continue
			}
			matched := false
			for _, e := range p.shown[k] {
				if e.Method == c.Method && (e.Template == c.Template || matcher.match(c.Template, e.Path) != nil) {
					matched = true // the section calls its own line's path
					break
				}
			}
			if matched {
				continue
			}
			for _, e := range p.shown[k] {
				if e.Method != c.Method {
					continue
				}
				t, path := retarget(c.Endpoint, e.Path)
				if t == "" || len(docs[keyOf(c.Method, t)]) > 0 {
					continue
				}
				s := &p.Sections[k]
				o := p.Sections[j]
				p.warn(s.File, c.Line, "section %q: endpoint %s %s (line %d) repeats section %q's (line %d); its example calls %s %s (line %d), so it is read as %s %s",
					s.Title, c.Method, c.Path, c.Line, o.Title, o.Line, e.Method, e.Path, e.Line, c.Method, t)
				old := c.Endpoint
				for i2 := range cs {
					// This line and any other of the section giving it.
					if c2 := &cs[i2]; !c2.shown && c2.Method == old.Method && c2.Template == old.Template {
						c2.Template, c2.Path = t, path
						c2.URL = strings.Replace(c2.URL, old.Path, path, 1)
					}
				}
				for _, ep := range []*Endpoint{s.Endpoint, s.HTTPRequest} {
					if ep != nil && ep.Method == old.Method && ep.Template == old.Template {
						ep.Template, ep.Path = t, path
						ep.URL = strings.Replace(ep.URL, old.Path, path, 1)
					}
				}
				s.URLs = append(s.URLs, Ref{Text: e.Path, Line: e.Line})
				docs[key] = slices.DeleteFunc(docs[key], func(x int) bool { return x == k })
				docs[keyOf(c.Method, t)] = []int{k}
				break
			}
		}
	}
}

// retarget is ep's template and path with their literal segments taken
// from a concrete path an example calls (aligned on their last segments:
// the example may add a base path); "" when the example has fewer
// segments, shares no literal segment with the template, or changes
// nothing.
func retarget(ep Endpoint, called string) (template, path string) {
	ts := strings.Split(ep.Template, "/")
	ps := strings.Split(ep.Path, "/")
	cs := strings.Split(strings.TrimSuffix(called, "/"), "/")
	if len(cs) < len(ts) {
		return "", ""
	}
	cs = cs[len(cs)-len(ts):]
	if len(ps) != len(ts) {
		ps = ts
	}
	common, changed := 0, false
	for i := range ts {
		if strings.Contains(ts[i], "{") || ts[i] == "" {
			continue
		}
		if ts[i] == cs[i] {
			common++
			continue
		}
		if cs[i] == "" {
			return "", ""
		}
		ts[i], ps[i], changed = cs[i], cs[i], true
	}
	if common == 0 || !changed {
		return "", ""
	}
	return strings.Join(ts, "/"), strings.Join(ps, "/")
}

func hasResponse(s Section) bool {
	for _, ex := range s.Examples {
		if !ex.Request {
			return true
		}
	}
	return false
}

// shapeOf is a template with its names left out ("/x/{}"): "{Country}"
// and "{country}" are one path.
func shapeOf(template string) string {
	return braceRE.ReplaceAllString(template, "{}")
}

func otherSection(sections []int, self int) int {
	for _, k := range sections {
		if k != self {
			return k
		}
	}
	return -1
}

// templateMatcher is TemplateMatch with each template's expression
// compiled once.
type templateMatcher map[string]*regexp.Regexp

func (tm templateMatcher) match(template, path string) []string {
	re, ok := tm[template]
	if !ok {
		re = templateRegexp(template)
		tm[template] = re
	}
	return templateValues(re, path)
}

// TemplateMatch matches a concrete path against a template ("/images/{id}/
// avatar.png") and returns the value of each template in order, or nil when
// path is not an instance of it. The path may have more leading segments
// than the template ("/api/kittens/2" for "/kittens/{ID}"): pages are not
// always consistent about a base path.
func TemplateMatch(template, path string) []string {
	return templateValues(templateRegexp(template), path)
}

// templateValues are the values re, a template's expression (nil for a
// template that has none), finds in path; nil when path does not match.
func templateValues(re *regexp.Regexp, path string) []string {
	if re == nil {
		return nil
	}
	m := re.FindStringSubmatch(path)
	if m == nil {
		return nil
	}
	return m[1:]
}

// templateRegexp is the expression TemplateMatch matches a path with; nil
// for a template without templates.
func templateRegexp(template string) *regexp.Regexp {
	var re strings.Builder
	re.WriteString("^(?:/[^/]+)*?")
	last := 0
	locs := braceRE.FindAllStringIndex(template, -1)
	if len(locs) == 0 {
		return nil
	}
	for _, l := range locs {
		re.WriteString(regexp.QuoteMeta(template[last:l[0]]))
		re.WriteString(`([^/{}$<>:]+)`)
		last = l[1]
	}
	re.WriteString(regexp.QuoteMeta(template[last:]))
	re.WriteString("$")
	return regexp.MustCompile(re.String())
}

var braceRE = regexp.MustCompile(`\{[^/{}]+\}`)

func labelOrUnlabelled(l string) string {
	if l == "" {
		return "(unlabelled)"
	}
	return l
}

func fenceOpen(line string) (string, bool) {
	t := strings.TrimLeft(line, " ")
	if len(line)-len(t) > 3 {
		return "", false
	}
	for _, f := range []string{"```", "~~~"} {
		if strings.HasPrefix(t, f) {
			k := len(f)
			for k < len(t) && t[k] == f[0] {
				k++
			}
			return t[:k], true
		}
	}
	return "", false
}
