package slate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"

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
		rel := filepath.ToSlash(filepath.Join(filepath.Dir(name), "includes", "_"+include+".md"))
		b, err := fs.ReadFile(fsys, rel)
		return filepath.Join(dir, "includes", "_"+include+".md"), b, err
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
func Parse(file string, src []byte, resolve func(name string) (string, []byte, error)) (*Page, error) {
	p := &Page{File: file}
	var errs Errors
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
			return nil, Errors{{File: file, Line: 1, Message: "front matter opened here is never closed with ---"}}
		}
		var fm struct {
			Title    string   `yaml:"title"`
			Includes []string `yaml:"includes"`
		}
		if err := yaml.Unmarshal([]byte(strings.Join(lines[1:end], "\n")), &fm); err != nil {
			return nil, Errors{{File: file, Line: 1 + yamlLine(err), Message: "front matter is not valid YAML: " + err.Error()}}
		}
		p.Title, p.Includes = fm.Title, fm.Includes
		start = end + 1
	}
	errs = append(errs, p.parseBody(file, lines, start)...)
	for _, inc := range p.Includes {
		if resolve == nil {
			errs = append(errs, Diagnostic{File: file, Line: 1, Message: fmt.Sprintf("include %q cannot be resolved", inc)})
			continue
		}
		name, b, err := resolve(inc)
		if err != nil {
			errs = append(errs, Diagnostic{File: file, Line: includeLine(lines, inc), Message: fmt.Sprintf("include %q: %s does not exist or cannot be read: %v", inc, name, unwrapPath(err))})
			continue
		}
		errs = append(errs, p.parseBody(name, splitLines(b), 0)...)
	}
	if len(errs) > 0 {
		return p, errs
	}
	return p, nil
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

var (
	endpointRE = regexp.MustCompile("`\\s*(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\\s+(\\S+?)\\s*`")
	errorLabel = regexp.MustCompile(`(?i)\b(unsuccessful|error|errors|failure|failed|fail)\b`)
	tableSep   = regexp.MustCompile(`^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$`)
)

type sub int

const (
	subNone sub = iota
	subHTTPRequest
	subArguments
)

// parseBody reads the lines of one file (page body or include) into sections.
func (p *Page) parseBody(file string, lines []string, start int) Errors {
	var errs Errors
	var sec *Section
	mode := subNone
	label, labelLine := "", 0
	flush := func() {
		if sec == nil {
			return
		}
		if sec.Endpoint != nil && sec.HTTPRequest != nil && (sec.Endpoint.Path != sec.HTTPRequest.Path || sec.Endpoint.Method != sec.HTTPRequest.Method) {
			p.Warnings = append(p.Warnings, Diagnostic{File: file, Line: sec.HTTPRequest.Line, Message: fmt.Sprintf(
				"section %q: HTTP Request %s %s (line %d) disagrees with the endpoint line %s %s (line %d); the endpoint line wins",
				sec.Title, sec.HTTPRequest.Method, sec.HTTPRequest.Path, sec.HTTPRequest.Line, sec.Endpoint.Method, sec.Endpoint.Path, sec.Endpoint.Line)})
		}
		p.Sections = append(p.Sections, *sec)
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
				errs = append(errs, Diagnostic{File: file, Line: n, Message: "code fence opened here is never closed"})
				break
			}
			lang := strings.TrimSpace(strings.TrimLeft(trimmed, "`~"))
			body := strings.Join(lines[i+1:j], "\n")
			i = j
			if sec == nil {
				continue
			}
			content := strings.TrimSpace(body)
			switch {
			case (lang == "" || lang == "text") && content != "" && !strings.ContainsAny(content[:1], "{[") && !strings.Contains(content, "\n"):
				label, labelLine = content, n
			case lang == "json" || (lang == "" && content != "" && strings.ContainsAny(content[:1], "{[")):
				ex := Example{Label: label, LabelLine: labelLine, Lang: lang, Line: n, Raw: body, Error: errorLabel.MatchString(label)}
				v, err := decodeExample(body)
				if err != nil {
					p.Warnings = append(p.Warnings, Diagnostic{File: file, Line: n + 1 + err.line, Message: fmt.Sprintf("example %q is not valid JSON: %s; it is skipped", labelOrUnlabelled(label), err.msg)})
				} else {
					ex.Value = v
					sec.Examples = append(sec.Examples, ex)
				}
				label, labelLine = "", 0
			}
			continue
		}
		switch {
		case strings.HasPrefix(line, "# "):
			flush()
			sec = &Section{Title: strings.TrimSpace(line[2:]), File: file, Line: n}
			mode = subNone
			label = ""
		case sec == nil:
		case strings.HasPrefix(line, "##"):
			h := strings.ToLower(strings.TrimSpace(strings.TrimLeft(line, "#")))
			switch h {
			case "http request":
				mode = subHTTPRequest
			case "arguments", "parameters", "query parameters", "request parameters":
				mode = subArguments
			default:
				mode = subNone
			}
		case strings.HasPrefix(trimmed, ">"):
			if ep := parseEndpoint(trimmed, n); ep != nil {
				if sec.Endpoint == nil {
					sec.Endpoint = ep
				}
			} else if note := strings.TrimSpace(strings.TrimPrefix(trimmed, ">")); note != "" {
				sec.Notes = append(sec.Notes, strings.Trim(note, "`"))
			}
		case mode == subHTTPRequest && trimmed != "":
			if ep := parseEndpoint(trimmed, n); ep != nil && sec.HTTPRequest == nil {
				sec.HTTPRequest = ep
			}
		case strings.Contains(line, "|") && i+1 < len(lines) && tableSep.MatchString(lines[i+1]):
			args, end, tErrs := parseTable(file, lines, i, mode == subArguments)
			errs = append(errs, tErrs...)
			sec.Arguments = append(sec.Arguments, args...)
			i = end - 1
		case trimmed != "":
			sec.Notes = append(sec.Notes, trimmed)
		}
	}
	flush()
	return errs
}

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

func parseEndpoint(s string, line int) *Endpoint {
	m := endpointRE.FindStringSubmatch(s)
	if m == nil {
		return nil
	}
	ep := &Endpoint{Method: m[1], URL: m[2], Path: m[2], Line: line}
	if u, err := url.Parse(m[2]); err == nil && u.Path != "" {
		ep.Path = u.Path
	}
	return ep
}

// parseTable reads a pipe table starting at lines[i] (header) and returns its
// rows as arguments when it has a Parameter column, and the index after it.
func parseTable(file string, lines []string, i int, required bool) ([]Argument, int, Errors) {
	header := cells(lines[i])
	col := map[string]int{}
	for k, h := range header {
		col[strings.ToLower(h)] = k
	}
	end := i + 2
	for end < len(lines) && strings.Contains(lines[end], "|") && strings.TrimSpace(lines[end]) != "" {
		end++
	}
	_, hasParam := col["parameter"]
	if !hasParam {
		_, hasParam = col["name"]
		if hasParam {
			col["parameter"] = col["name"]
		}
	}
	if !hasParam && !required {
		return nil, end, nil
	}
	var missing []string
	for _, c := range []string{"parameter", "type", "required", "description"} {
		if _, ok := col[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, end, Errors{{File: file, Line: i + 1, Message: fmt.Sprintf("argument table lacks column(s) %s (want Parameter | Type | Required | Description, got %s)", strings.Join(missing, ", "), strings.Join(header, " | "))}}
	}
	var args []Argument
	var errs Errors
	for r := i + 2; r < end; r++ {
		c := cells(lines[r])
		if len(c) < len(header) {
			errs = append(errs, Diagnostic{File: file, Line: r + 1, Message: fmt.Sprintf("argument table row has %d cells, the header has %d", len(c), len(header))})
			continue
		}
		a := Argument{Name: strings.Trim(c[col["parameter"]], "`"), Type: strings.ToLower(strings.Trim(c[col["type"]], "`")), Description: c[col["description"]], Line: r + 1}
		switch strings.ToLower(c[col["required"]]) {
		case "required", "yes", "true", "y":
			a.Required = true
		case "optional", "no", "false", "n", "":
		default:
			errs = append(errs, Diagnostic{File: file, Line: r + 1, Message: fmt.Sprintf("argument %q: Required column %q is neither Required nor Optional", a.Name, c[col["required"]])})
			continue
		}
		if a.Name == "" {
			errs = append(errs, Diagnostic{File: file, Line: r + 1, Message: "argument table row has an empty Parameter cell"})
			continue
		}
		args = append(args, a)
	}
	return args, end, errs
}

func cells(line string) []string {
	t := strings.TrimSpace(line)
	t = strings.TrimPrefix(t, "|")
	t = strings.TrimSuffix(t, "|")
	parts := strings.Split(t, "|")
	for k := range parts {
		parts[k] = strings.TrimSpace(parts[k])
	}
	return parts
}

type jsonErr struct {
	line int // 0-based line within the example
	msg  string
}

// decodeExample decodes an example, reading a bare ... (outside strings) as the
// string "..." so that elided parts still parse; "..." means "some string".
func decodeExample(body string) (any, *jsonErr) {
	src := []byte(elide(body))
	dec := json.NewDecoder(bytes.NewReader(src))
	dec.UseNumber()
	var v any
	err := dec.Decode(&v)
	if err == nil {
		var extra any
		if dec.Decode(&extra) == nil {
			err = fmt.Errorf("more than one JSON value")
		}
	}
	if err != nil {
		off := int64(len(src))
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		if errors.As(err, &se) {
			off = se.Offset
		} else if errors.As(err, &te) {
			off = te.Offset
		} else if dec.InputOffset() > 0 {
			off = dec.InputOffset()
		}
		if off > int64(len(src)) {
			off = int64(len(src))
		}
		before := src[:off]
		ln := bytes.Count(before, []byte("\n"))
		col := off - int64(bytes.LastIndexByte(before, '\n')) - 1
		if err.Error() == "unexpected EOF" {
			err = fmt.Errorf("unexpected end of JSON")
		}
		return nil, &jsonErr{line: ln, msg: fmt.Sprintf("%v (column %d)", err, col+1)}
	}
	return v, nil
}

func elide(s string) string {
	var b strings.Builder
	in, esc := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case in:
			if esc {
				esc = false
			} else if c == '\\' {
				esc = true
			} else if c == '"' {
				in = false
			}
		case c == '"':
			in = true
		case c == '.' && strings.HasPrefix(s[i:], "..."):
			b.WriteString(`"..."`)
			i += 2
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
