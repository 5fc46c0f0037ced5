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
	urlRE          = regexp.MustCompile("https?://[^\\s`'\"<>()\\[\\]]+")
	tickPathRE     = regexp.MustCompile("`(/[^\\s`]*)`")
	// Templated pieces of a path: ${name}, {{name}}, {name}, <name>.
	templateRE = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_.-]*)\}|\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}|\{([A-Za-z_][A-Za-z0-9_.-]*)\}|<([A-Za-z_][A-Za-z0-9_.-]*)>`)
	// A whole segment written :name.
	colonRE = regexp.MustCompile(`^:([A-Za-z_][A-Za-z0-9_]*)$`)
)

// parseEndpoint reads "`METHOD URL`" (or, when bare is true, METHOD URL at
// the start of s) into an endpoint at line.
func parseEndpoint(s string, line int, bare bool) *Endpoint {
	var method, u string
	if m := endpointTickRE.FindStringSubmatch(s); m != nil {
		method, u = m[1], m[2]
	} else if m := endpointBareRE.FindStringSubmatch(strings.TrimSpace(s)); bare && m != nil {
		method, u = m[1], strings.TrimRight(m[2], ".,;:)")
	} else {
		return nil
	}
	ep := &Endpoint{Method: strings.ToUpper(method), URL: u, Path: PathOf(u), Line: line}
	ep.Template, ep.Params = NormalizePath(ep.Path)
	return ep
}

// PathOf is the path of a URL as a page writes it: no scheme, host, query or
// fragment. A URL without a scheme whose first part is not a path ("{base}/x",
// "domain.com/x") loses that first part: it names the host.
func PathOf(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		rest := u[i+3:]
		if j := strings.IndexByte(rest, '/'); j >= 0 {
			u = rest[j:]
		} else {
			u = "/"
		}
	} else if !strings.HasPrefix(u, "/") {
		if j := strings.IndexByte(u, '/'); j >= 0 {
			u = u[j:]
		} else {
			u = "/" + u
		}
	}
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	if u == "" {
		u = "/"
	}
	return u
}

// NormalizePath writes every template of path as {name}: ${name},
// {{name}}, {name}, <name> anywhere in a segment and :name as a whole
// segment. It returns the normalised path and the template names in path
// order.
func NormalizePath(path string) (string, []string) {
	segs := strings.Split(path, "/")
	var names []string
	for i, seg := range segs {
		if m := colonRE.FindStringSubmatch(seg); m != nil {
			segs[i] = "{" + m[1] + "}"
			names = append(names, m[1])
			continue
		}
		segs[i] = templateRE.ReplaceAllStringFunc(seg, func(t string) string {
			m := templateRE.FindStringSubmatch(t)
			name := m[1] + m[2] + m[3] + m[4]
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
