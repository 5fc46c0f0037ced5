package slate

import (
	"regexp"
	"strings"
)

var (
	// "`METHOD URL`" anywhere on a line.
	endpointTickRE = regexp.MustCompile("`\\s*(?i:(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS))\\s+([^\\s`]+)\\s*`")
	// METHOD URL at the start of a line, no backticks ("GET /kittens/<ID>").
	endpointBareRE = regexp.MustCompile(`^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)\s+((?:https?://|/|\{|\$|<)\S*)`)
	// METHOD URL as a whole line once emphasis and code marks are gone
	// ("**GET /api/v1/x**", "**GET** `/x`", "POST `api/x`"): the path needs
	// no leading slash, but must have one somewhere.
	endpointLooseRE = regexp.MustCompile(`^(?i:(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS))\s*:?\s+(\S*/\S*)$`)
	urlRE           = regexp.MustCompile("https?://[^\\s`'\"<>()\\[\\]]+")
	tickPathRE      = regexp.MustCompile("`(/[^\\s`]*)`")
	// Templated pieces of a path: ${name}, {{name}}, {name}, <name>, [name].
	templateRE = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}|\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}|\{([A-Za-z_][A-Za-z0-9_.-]*)\}|<([A-Za-z_][A-Za-z0-9_.-]*)>|\[([A-Za-z_][A-Za-z0-9_.-]*)\]`)
	// A whole segment written :name.
	colonRE = regexp.MustCompile(`^:([A-Za-z_][A-Za-z0-9_]*)$`)
	// The first part of a URL written without a scheme that names a host:
	// a domain, localhost or an address, with a port or not, or a template
	// ({base}, {{host}}, ${url}).
	hostRE = regexp.MustCompile(`^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}|localhost|\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?$|^(?:\{\{?|\$\{|<)[^/]*(?:\}\}?|>)$`)
	// Emphasis and code marks around an endpoint line.
	emphasisRE = regexp.MustCompile("\\*\\*|__|`")
)

// parseEndpoint reads "`METHOD URL`" (or, when bare is true, METHOD URL at
// the start of s, or a whole line "**METHOD URL**", "METHOD `URL`") into an
// endpoint at line.
func parseEndpoint(s string, line int, bare bool) *Endpoint {
	var method, u string
	t := strings.TrimSpace(s)
	if m := endpointTickRE.FindStringSubmatch(s); m != nil {
		method, u = m[1], m[2]
	} else if m := endpointBareRE.FindStringSubmatch(t); bare && m != nil {
		method, u = m[1], strings.TrimRight(m[2], ".,;:)")
	} else if m := endpointLooseRE.FindStringSubmatch(strings.TrimSpace(emphasisRE.ReplaceAllString(t, ""))); bare && m != nil && t != strings.TrimSpace(emphasisRE.ReplaceAllString(t, "")) {
		// Only a line that marks itself as code or bold: prose that
		// starts with "Get /" is not an endpoint.
		method, u = m[1], strings.TrimRight(m[2], ".,;:)")
	} else {
		return nil
	}
	if elided(u) {
		return nil
	}
	return newEndpoint(method, u, line)
}

// elided reports whether a URL is a placeholder ("https://h/v1/...").
func elided(u string) bool {
	return strings.Contains(u, "...") || strings.Contains(u, "…")
}

func newEndpoint(method, u string, line int) *Endpoint {
	ep := &Endpoint{Method: strings.ToUpper(method), URL: u, Path: PathOf(u), Line: line}
	ep.Template, ep.Params = NormalizePath(ep.Path)
	return ep
}

// PathOf is the path of a URL as a page writes it: no scheme, host, query,
// fragment or trailing slash. A URL without a scheme whose first part names a host
// ("{base}/x", "domain.com/x", "localhost:8080/x") loses that first part;
// any other ("api/users") is a path written without its leading slash.
func PathOf(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		rest := u[i+3:]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			u = rest[j:]
		} else {
			u = "/"
		}
	} else if !strings.HasPrefix(u, "/") {
		first := u
		if j := strings.IndexAny(u, "/?#"); j >= 0 {
			first = u[:j]
		}
		if hostRE.MatchString(first) {
			u = u[len(first):]
		}
		if !strings.HasPrefix(u, "/") {
			u = "/" + u
		}
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	// "/api/strain/" is "/api/strain": one resource, and OpenAPI linters
	// refuse a path that ends with a slash.
	for len(u) > 1 && strings.HasSuffix(u, "/") {
		u = u[:len(u)-1]
	}
	if u == "" {
		u = "/"
	}
	return u
}

// NormalizePath writes every template of path as {name}: ${name},
// {{name}}, {name}, <name>, [name] anywhere in a segment and :name as a
// whole segment. It returns the normalised path and the template names in
// path order.
func NormalizePath(path string) (string, []string) {
	segs := strings.Split(path, "/")
	var names []string
	for i, seg := range segs {
		if !strings.ContainsAny(seg, ":{<$[") {
			continue // no template: the expressions are costly on a large page
		}
		if m := colonRE.FindStringSubmatch(seg); m != nil {
			segs[i] = "{" + m[1] + "}"
			names = append(names, m[1])
			continue
		}
		segs[i] = templateRE.ReplaceAllStringFunc(seg, func(t string) string {
			m := templateRE.FindStringSubmatch(t)
			name := m[1] + m[2] + m[3] + m[4] + m[5]
			names = append(names, name)
			return "{" + name + "}"
		})
	}
	return strings.Join(segs, "/"), names
}

// IsTemplate reports whether a path segment holds a template.
func IsTemplate(seg string) bool {
	return colonRE.MatchString(seg) || templateRE.MatchString(seg)
}

// urlsIn lists the URLs and paths a line shows: http(s) URLs, backticked
// paths, and "METHOD /path" at its start.
func urlsIn(s string) []string {
	var out []string
	out = append(out, urlRE.FindAllString(s, -1)...)
	for _, m := range tickPathRE.FindAllStringSubmatch(s, -1) {
		out = append(out, m[1])
	}
	t := strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(s), ">"))
	if m := endpointBareRE.FindStringSubmatch(t); m != nil && strings.HasPrefix(m[2], "/") {
		out = append(out, m[2])
	}
	for i := range out {
		out[i] = PathOf(strings.TrimRight(out[i], ".,;:"))
	}
	return out
}

// curlEndpoints are the endpoints the curl commands of a code block call:
// the method of -X/--request, else HEAD for -I/--head, GET for -G/--get,
// POST when the command sends data (-d, --data*, -F, --form), else GET;
// the URL is the first argument that is one ("https://h/x", "localhost/x",
// "/x"). line is the line of the block's first line; a command split over
// lines (with or without "\") runs until the next "curl".
func curlEndpoints(body string, line int) []Endpoint {
	var out []Endpoint
	lines := strings.Split(body, "\n")
	for k := 0; k < len(lines); k++ {
		toks := shellFields(lines[k])
		at := -1
		for i, t := range toks {
			if t == "curl" {
				at = i
				break
			}
		}
		if at < 0 {
			continue
		}
		start := k
		args := toks[at+1:]
		for k+1 < len(lines) {
			next := shellFields(lines[k+1])
			if len(next) > 0 && (next[0] == "curl" || (len(next) > 1 && next[1] == "curl")) {
				break
			}
			args = append(args, next...)
			k++
		}
		method, data, u := "", false, ""
		for i := 0; i < len(args); i++ {
			a := args[i]
			switch {
			case a == "-X" || a == "--request":
				if i+1 < len(args) {
					method = args[i+1]
					i++
				}
			case strings.HasPrefix(a, "-X") && len(a) > 2:
				method = a[2:]
			case a == "-I" || a == "--head":
				if method == "" {
					method = "HEAD"
				}
			case a == "-G" || a == "--get":
				method = "GET"
			case a == "-d" || a == "-F" || a == "--form" || strings.HasPrefix(a, "--data"):
				data = true
				i++
			case a == "-H" || a == "-u" || a == "-o" || a == "-A" || a == "-b" || a == "-e" || a == "--header" || a == "--user":
				i++ // an option's value, not the URL
			case a == "--url":
				if i+1 < len(args) && u == "" {
					u = args[i+1]
				}
				i++
			case strings.HasPrefix(a, "-"):
			case u == "" && looksLikeURL(a):
				u = a
			}
		}
		if u == "" || elided(u) {
			continue
		}
		switch {
		case method != "":
		case data:
			method = "POST"
		default:
			method = "GET"
		}
		method = strings.ToUpper(method)
		switch method {
		case "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS":
		default:
			continue
		}
		ep := newEndpoint(method, u, line+start)
		if ep.Path == "/" && (method == "GET" || method == "HEAD") {
			continue // the base URL (an authentication example), no endpoint
		}
		out = append(out, *ep)
	}
	return out
}

func looksLikeURL(a string) bool {
	if strings.Contains(a, "://") {
		return strings.HasPrefix(a, "http")
	}
	if strings.HasPrefix(a, "/") {
		return true
	}
	first := a
	if j := strings.IndexAny(a, "/?#"); j >= 0 {
		first = a[:j]
	}
	return hostRE.MatchString(first) && first != a
}

// shellFields splits a shell line into words, quotes removed; a trailing
// "\" and a leading "$ " prompt are dropped.
func shellFields(s string) []string {
	var out []string
	var cur strings.Builder
	in := false
	var quote byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				cur.WriteByte(c)
			}
		case c == '\'' || c == '"':
			quote, in = c, true
		case c == ' ' || c == '\t' || c == '\\' && i == len(s)-1:
			if in {
				out = append(out, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		out = append(out, cur.String())
	}
	if len(out) > 0 && (out[0] == "$" || out[0] == ">") {
		out = out[1:]
	}
	return out
}
