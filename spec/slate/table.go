package slate

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
)

var tableSep = regexp.MustCompile(`^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$`)

// What a table's columns mean.
const (
	colName        = "parameter"
	colType        = "type"
	colRequired    = "required"
	colDescription = "description"
	colValues      = "values"
	colIn          = "in" // where an argument travels (Widdershins: path, query, body, header)
	colIgnored     = ""   // known, carries nothing the contract uses (Default, Example)
)

// columnNames maps a header cell (lower case) to what it means.
var columnNames = map[string]string{
	"parameter": colName, "parameters": colName, "param": colName, "params": colName,
	"name": colName, "argument": colName, "arguments": colName, "arg": colName,
	"field": colName, "fields": colName, "key": colName, "property": colName,
	"attribute": colName, "parameter name": colName, "field name": colName, "argument name": colName,
	"type": colType, "data type": colType, "datatype": colType, "value type": colType,
	"required": colRequired, "required?": colRequired, "type/value": colType, "mandatory": colRequired,
	"required/optional": colRequired, "optional/required": colRequired, "req": colRequired, "presence": colRequired,
	"description": colDescription, "desc": colDescription, "meaning": colDescription,
	"details": colDescription, "comment": colDescription, "comments": colDescription, "notes": colDescription,
	"possible values": colValues, "values": colValues, "allowed values": colValues,
	"accepted values": colValues, "valid values": colValues, "enum": colValues, "options": colValues, "value": colValues,
	"default": colIgnored, "default value": colIgnored, "example": colIgnored, "examples": colIgnored,
	"example value": colIgnored, "format": colIgnored, "since": colIgnored,
	"in": colIn, "location": colIn, "path/query": colIn, "query/path": colIn, "param type": colIn, "parameter type": colIn, "restrictions": colIgnored, "title": colIgnored,
	// Laravel's documentarian writes required/optional in a Status column.
	"status": colRequired,
	// Chinese.
	"参数": colName, "参数名": colName, "参数名称": colName, "名称": colName, "字段": colName, "字段名": colName,
	"属性": colName, "名字": colName, "字段名称": colName, "参数字段": colName,
	"类型": colType, "数据类型": colType, "参数类型": colType, "字段类型": colType,
	"必填": colRequired, "是否必填": colRequired, "必选": colRequired, "是否必须": colRequired, "必须": colRequired,
	"是否必选": colRequired, "必需": colRequired, "是否必需": colRequired,
	"说明": colDescription, "描述": colDescription, "备注": colDescription, "含义": colDescription,
	"参数说明": colDescription, "字段说明": colDescription, "参数描述": colDescription,
	"可选值": colValues, "取值": colValues, "枚举值": colValues, "取值范围": colValues,
	"默认值": colIgnored, "示例": colIgnored, "示例值": colIgnored, "位置": colIn,
	// Russian.
	"параметр": colName, "название": colName, "имя": colName, "поле": colName, "аргумент": colName, "ключ": colName,
	"тип": colType, "тип данных": colType,
	"обязательный": colRequired, "обязательно": colRequired, "обязательность": colRequired, "обяз.": colRequired,
	"описание": colDescription, "комментарий": colDescription, "примечание": colDescription,
	"возможные значения": colValues, "допустимые значения": colValues,
	"по умолчанию": colIgnored, "пример": colIgnored,
}

// Words of a name column that say which kind of table it is, when no
// heading does.
var (
	argumentWords = map[string]bool{"parameter": true, "parameters": true, "param": true, "params": true, "argument": true, "arguments": true, "arg": true, "name": true, "parameter name": true, "argument name": true,
		"参数": true, "参数名": true, "参数名称": true, "名称": true, "параметр": true, "аргумент": true, "имя": true, "название": true}
	fieldWords = map[string]bool{"field": true, "fields": true, "property": true, "attribute": true, "key": true, "field name": true,
		"字段": true, "字段名": true, "属性": true, "поле": true, "ключ": true}
	// First header cells of a table of status codes (Widdershins'
	// "Responses", an error table): never arguments or fields.
	statusWords = map[string]bool{"status": true, "code": true, "status code": true, "http status code": true, "http code": true, "error code": true, "http status": true, "状态码": true, "错误码": true, "код": true}
)

type table struct {
	header []string
	col    map[string]int // meaning -> index
	name   string         // the name column's header, lower case
	rows   [][]string
	lines  []int
	line   int // header line
}

// readTable reads the pipe table whose header is lines[i]; end is the index
// after it.
func readTable(lines []string, i int) (t table, end int) {
	t = table{header: cells(lines[i]), col: map[string]int{}, line: i + 1}
	end = i + 2
	for end < len(lines) && strings.Contains(lines[end], "|") && strings.TrimSpace(lines[end]) != "" {
		t.rows = append(t.rows, cells(lines[end]))
		t.lines = append(t.lines, end+1)
		end++
	}
	return t, end
}

func headerKey(h string) string {
	h = strings.ToLower(strings.TrimSpace(strings.Trim(htmlTagRE.ReplaceAllString(h, ""), "`*_ ")))
	return strings.TrimSpace(strings.TrimSuffix(h, ":"))
}

// parseTable reads the table at lines[i]. kind is what the heading above it
// says ("arguments", "fields" or "" for neither); without a heading the
// columns decide. It returns the index after the table, and the endpoints
// of a table of endpoints (Method | URL columns).
func (p *Page) parseTable(file string, lines []string, i int, kind string, sec *Section) (int, []Endpoint) {
	t, end := readTable(lines, i)
	if eps := endpointRows(t); eps != nil {
		return end, eps
	}
	if kind == "skip" || (len(t.header) > 0 && statusWords[headerKey(t.header[0])]) {
		return end, nil
	}
	warn := func(line int, format string, args ...any) {
		p.Warnings = append(p.Warnings, Diagnostic{File: file, Line: line, Message: fmt.Sprintf(format, args...)})
	}
	var unknown []string
	for k, h := range t.header {
		key := headerKey(h)
		meaning, known := columnNames[key]
		if _, seen := t.col[meaning]; !known || meaning == colIgnored || seen {
			if !known {
				unknown = append(unknown, h)
			}
			continue // the first column of a meaning wins
		}
		t.col[meaning] = k
		if meaning == colName {
			t.name = key
		}
	}
	got := strings.Join(t.header, " | ")
	if !t.has(colName) {
		if kind != "" {
			warn(t.line, "%s table has no Parameter (or Name, Field) column (got %s); it is ignored", kindWord(kind), got)
		}
		return end, nil
	}
	if kind == "" {
		switch {
		case t.has(colRequired):
			kind = "arguments"
		case t.has(colValues), fieldWords[t.name]:
			kind = "fields"
		case argumentWords[t.name] && (t.has(colType) || t.has(colDescription)):
			kind = "arguments"
		default:
			return end, nil
		}
	}
	if len(unknown) > 0 {
		warn(t.line, "%s table has column(s) %s the parser does not know (got %s); they are ignored", kindWord(kind), strings.Join(unknown, ", "), got)
	}
	if kind == "arguments" {
		var missing []string
		for _, c := range []string{colType, colRequired} {
			if !t.has(c) {
				missing = append(missing, c)
			}
		}
		if len(missing) > 0 {
			warn(t.line, "argument table lacks column(s) %s (want Parameter | Type | Required | Description, got %s); a missing Type reads as any type, a missing Required as optional", strings.Join(missing, ", "), got)
		}
	}
	// Widdershins nests rows with »: "» name" is a member of the row
	// above with one » less. parents[d] is the dotted name at depth d.
	var parents []string
	for r, c := range t.rows {
		line := t.lines[r]
		if len(c) < len(t.header) {
			warn(line, "%s table row has %d cells, the header has %d; the row is skipped", kindWord(kind), len(c), len(t.header))
			continue
		}
		name := strings.TrimSpace(strings.Trim(c[t.col[colName]], "`*_ "))
		depth := 0
		for strings.HasPrefix(name, "»") {
			depth++
			name = strings.TrimSpace(strings.TrimPrefix(name, "»"))
		}
		name = strings.TrimSpace(strings.Trim(name, "`*_ "))
		if name == "" {
			warn(line, "%s table row has an empty %s cell; the row is skipped", kindWord(kind), t.header[t.col[colName]])
			continue
		}
		in := strings.ToLower(strings.TrimSpace(t.cell(c, colIn)))
		if depth > 0 || in == "body" || strings.HasPrefix(name, "*") || strings.HasPrefix(name, "anonymous") {
			// Widdershins: the "body" row is the whole body, its »
			// rows its members; "*anonymous*" the unnamed root.
			root := depth == 0
			if root {
				parents = parents[:0]
			}
			if root && (in == "body" || strings.HasPrefix(name, "*") || strings.HasPrefix(name, "anonymous")) {
				parents = append(parents, "")
				continue
			}
			for len(parents) > depth {
				parents = parents[:len(parents)-1]
			}
			full := name
			if depth > 0 && len(parents) >= depth && parents[depth-1] != "" {
				full = parents[depth-1] + "." + name
			}
			for len(parents) < depth {
				parents = append(parents, "")
			}
			parents = append(parents, full)
			if kind == "arguments" && full != name {
				continue // a member of an argument, not an argument
			}
			name = full
		} else {
			parents = append(parents[:0], name)
		}
		typ := strings.ToLower(strings.Trim(t.cell(c, colType), "`*_ "))
		desc := t.cell(c, colDescription)
		values := parseValues(t.cell(c, colValues))
		if kind == "fields" {
			sec.Fields = append(sec.Fields, Field{Name: name, Type: typ, Description: desc, Values: values, Line: line})
			continue
		}
		a := Argument{Name: name, Type: typ, Description: desc, Values: values, In: in, Line: line}
		if t.has(colRequired) {
			req, ok := requiredCell(t.cell(c, colRequired))
			if !ok {
				warn(line, "argument %q: Required column %q is neither Required nor Optional; read as optional", name, t.cell(c, colRequired))
			}
			a.Required = req
		}
		sec.Arguments = append(sec.Arguments, a)
	}
	return end, nil
}

// endpointRows reads a table of endpoints, one per row: a Method column
// and a URL (Endpoint, Path) column. nil when t is no such table.
func endpointRows(t table) []Endpoint {
	method, url := -1, -1
	for k, h := range t.header {
		switch headerKey(h) {
		case "method", "http method", "verb", "方法", "请求方式", "метод":
			method = k
		case "url", "endpoint", "path", "uri", "route", "地址", "路径", "请求地址", "адрес", "путь":
			url = k
		}
	}
	if method < 0 || url < 0 {
		// A cell that is a whole request line ("POST /orders",
		// "GET `/orders/:id`") in an "HTTP request" column.
		var out []Endpoint
		for r, c := range t.rows {
			for _, cell := range c {
				if ep := endpointParagraph("`"+strings.TrimSpace(htmlTagRE.ReplaceAllString(cell, ""))+"`", t.lines[r]); ep != nil {
					out = append(out, *ep)
					break
				}
			}
		}
		return out
	}
	var out []Endpoint
	for r, c := range t.rows {
		if method >= len(c) || url >= len(c) {
			continue
		}
		m := strings.ToUpper(strings.TrimSpace(strings.Trim(htmlTagRE.ReplaceAllString(c[method], ""), "`*_ ")))
		u := strings.TrimSpace(strings.Trim(htmlTagRE.ReplaceAllString(c[url], ""), "`*_ "))
		switch m {
		case "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS":
			if u != "" && !strings.ContainsAny(u, " \t") {
				out = append(out, *newEndpoint(m, u, t.lines[r]))
			}
		}
	}
	if out == nil {
		out = []Endpoint{}
	}
	return out
}

func kindWord(kind string) string {
	if kind == "fields" {
		return "response"
	}
	return "argument"
}

func (t table) has(meaning string) bool {
	_, ok := t.col[meaning]
	return ok
}

func (t table) cell(row []string, meaning string) string {
	if !t.has(meaning) {
		return ""
	}
	return row[t.col[meaning]]
}

// requiredCell reads a Required cell; ok is false when it says neither.
func requiredCell(s string) (required, ok bool) {
	l := strings.ToLower(strings.TrimSpace(strings.Trim(s, "`*_ ")))
	switch {
	case l == "", l == "-", l == "—", l == "n", l == "no", l == "false", l == "optional", strings.HasPrefix(l, "optional"), strings.HasPrefix(l, "no "), strings.HasPrefix(l, "not required"),
		l == "否", strings.HasPrefix(l, "非"), strings.HasPrefix(l, "可选"), strings.HasPrefix(l, "选填"), strings.HasPrefix(l, "不"),
		l == "нет", strings.HasPrefix(l, "необязат"), strings.HasPrefix(l, "опционал"):
		return false, true
	case l == "y", l == "x", l == "✓", l == "✔", l == "+", l == "yes", l == "true", strings.HasPrefix(l, "required"), strings.HasPrefix(l, "mandatory"), strings.HasPrefix(l, "yes"),
		l == "是", strings.HasPrefix(l, "必"), l == "да", strings.HasPrefix(l, "обязат"):
		return true, true
	}
	return false, false
}

var (
	quotedRE    = regexp.MustCompile("'([^']*)'|\"([^\"]*)\"|`([^`]*)`")
	separatorRE = regexp.MustCompile(`^(?i:[\s,;/|.]|\bor\b|\band\b)*$`)
	splitRE     = regexp.MustCompile(`\s*(?:,|;|/|\bor\b)\s*`)
	wordRE      = regexp.MustCompile(`^[A-Za-z0-9_+.-]+$`)
	numberRE    = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)
)

// parseValues reads a "Possible values" cell into literal values: quoted
// tokens ('success' or 'error', "a", "b", `x` / `y`) when nothing but
// separators lies between them, else single words separated by commas,
// slashes or "or". Prose ("Any string") gives nil. Quoted tokens are strings;
// backticked and bare ones are JSON literals when they parse as one.
func parseValues(cell string) []any {
	cell = strings.TrimSpace(cell)
	if cell == "" {
		return nil
	}
	var out []any
	if ms := quotedRE.FindAllStringSubmatchIndex(cell, -1); ms != nil {
		rest := quotedRE.ReplaceAllString(cell, " ")
		if !separatorRE.MatchString(rest) {
			return nil
		}
		for _, m := range ms {
			switch {
			case m[2] >= 0:
				out = append(out, cell[m[2]:m[3]])
			case m[4] >= 0:
				out = append(out, cell[m[4]:m[5]])
			default:
				out = append(out, literal(cell[m[6]:m[7]]))
			}
		}
		return out
	}
	parts := splitRE.Split(cell, -1)
	if len(parts) < 2 {
		return nil
	}
	for _, p := range parts {
		p = strings.TrimSpace(p)
		if !wordRE.MatchString(p) {
			return nil
		}
		out = append(out, literal(p))
	}
	return out
}

// literal is a JSON number, true, false or null when s is one, else s.
func literal(s string) any {
	if numberRE.MatchString(s) {
		return json.Number(s)
	}
	switch s {
	case "true":
		return true
	case "false":
		return false
	case "null":
		return nil
	}
	return s
}

// cells splits a table row; "\|" is a pipe inside a cell.
func cells(line string) []string {
	t := strings.TrimSpace(line)
	t = strings.TrimPrefix(t, "|")
	if !strings.HasSuffix(t, `\|`) {
		t = strings.TrimSuffix(t, "|")
	}
	t = strings.ReplaceAll(t, `\|`, "\x00")
	parts := strings.Split(t, "|")
	for k := range parts {
		parts[k] = strings.TrimSpace(strings.ReplaceAll(parts[k], "\x00", "|"))
	}
	return parts
}
