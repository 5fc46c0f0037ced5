package generate

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"

	"github.com/nebeus/nebeus-contract/spec/slate"
)

// Media types of a plain HTTP request body (issue 17): a page's curl sample
// posting -d name=value fields, or -F fields.
const (
	mediaForm      = "application/x-www-form-urlencoded"
	mediaMultipart = "multipart/form-data"
)

// sentCall is what one curl command of a section's samples sends.
type sentCall struct {
	Method string
	URL    string
	Line   int
	// JSON is a --data payload that is JSON (a call object, a body).
	JSON    any
	HasJSON bool
	// Form are the -d name=value (or -F name=value) fields, in order;
	// Multipart says -F.
	Form      []string
	Multipart bool
	// Query are the names of the URL's query parameters, in order.
	Query []string
}

// curlCalls reads every curl command of samples. A command's lines may be
// continued with a trailing backslash; its words are split as a POSIX shell
// splits them (quotes, backslash escapes), without expansion.
func curlCalls(samples []slate.Sample) []sentCall {
	var out []sentCall
	for _, sm := range samples {
		// A line ending in a backslash continues on the next; so does a
		// curl command whose next line starts with an option (pages forget
		// the backslash).
		var cmd []string
		start := 0
		flush := func() {
			if cmd != nil {
				if c, ok := parseCurl(cmd); ok {
					c.Line = sm.Line + start
					out = append(out, c)
				}
			}
			cmd = nil
		}
		continued := false
		for k, line := range strings.Split(strings.ReplaceAll(sm.Text, "\r\n", "\n"), "\n") {
			trimmed := strings.TrimSpace(line)
			next := strings.HasSuffix(trimmed, "\\")
			line = strings.TrimSuffix(trimmed, "\\")
			words := shellWords(line)
			switch {
			case cmd != nil && (continued || strings.HasPrefix(trimmed, "-")):
				cmd = append(cmd, words...)
			default:
				flush()
				for i, w := range words {
					if w == "curl" || strings.HasSuffix(w, "/curl") {
						cmd, start = append([]string{}, words[i+1:]...), k
						break
					}
				}
			}
			continued = next
		}
		flush()
	}
	return out
}

// curl options that take an argument, besides those parseCurl reads.
var curlArgOptions = map[string]bool{
	"-u": true, "--user": true, "-o": true, "--output": true, "-A": true, "--user-agent": true,
	"-e": true, "--referer": true, "-b": true, "--cookie": true, "-c": true, "--cookie-jar": true,
	"-x": true, "--proxy": true, "-m": true, "--max-time": true, "--connect-timeout": true,
	"-w": true, "--write-out": true, "-T": true, "--upload-file": true, "-K": true, "--config": true,
	"-E": true, "--cert": true, "--cacert": true, "--key": true, "-r": true, "--range": true,
	"--retry": true, "--resolve": true, "--oauth2-bearer": true,
}

func parseCurl(words []string) (sentCall, bool) {
	var c sentCall
	get := false
	data := func(v string, raw bool) {
		v = strings.TrimSpace(v)
		switch {
		case v == "" || strings.HasPrefix(v, "@"):
		case strings.HasPrefix(v, "{") || strings.HasPrefix(v, "["):
			dec := json.NewDecoder(strings.NewReader(v))
			dec.UseNumber()
			var x any
			if dec.Decode(&x) == nil {
				c.JSON, c.HasJSON = x, true
			}
		case raw: // --data-urlencode name=value: one field, value as is
			if name, _, ok := strings.Cut(v, "="); ok && name != "" {
				c.Form = append(c.Form, name)
			}
		default:
			for _, kv := range strings.Split(v, "&") {
				if name, _, ok := strings.Cut(kv, "="); ok && name != "" {
					if n, err := url.QueryUnescape(name); err == nil {
						name = n
					}
					c.Form = append(c.Form, name)
				}
			}
		}
	}
	for i := 0; i < len(words); i++ {
		w := words[i]
		opt, val, hasVal := w, "", false
		if strings.HasPrefix(w, "--") {
			if o, v, ok := strings.Cut(w, "="); ok {
				opt, val, hasVal = o, v, true
			}
		} else if len(w) > 2 && w[0] == '-' && strings.ContainsRune("XdFH", rune(w[1])) {
			opt, val, hasVal = w[:2], w[2:], true
		}
		next := func() string {
			if hasVal {
				return val
			}
			if i+1 < len(words) {
				i++
				return words[i]
			}
			return ""
		}
		switch opt {
		case "-X", "--request":
			c.Method = strings.ToUpper(next())
		case "-d", "--data", "--data-raw", "--data-ascii", "--data-binary":
			data(next(), false)
		case "--data-urlencode":
			data(next(), true)
		case "-F", "--form", "--form-string":
			if name, _, ok := strings.Cut(next(), "="); ok && name != "" {
				c.Form, c.Multipart = append(c.Form, name), true
			}
		case "-H", "--header":
			next()
		case "-G", "--get":
			get = true
		case "--url":
			c.URL = next()
		default:
			switch {
			case curlArgOptions[opt]:
				next()
			case strings.HasPrefix(w, "-"):
			case c.URL == "" && (strings.Contains(w, "://") || strings.Contains(w, "/") || hostPort.MatchString(w)):
				c.URL = w
			}
		}
	}
	if c.URL == "" {
		return c, false
	}
	if u, err := url.Parse(c.URL); err == nil {
		for _, kv := range strings.Split(u.RawQuery, "&") {
			if name, _, _ := strings.Cut(kv, "="); name != "" {
				c.Query = append(c.Query, name)
			}
		}
	}
	if get && len(c.Form) > 0 && !c.Multipart {
		c.Query, c.Form = append(c.Query, c.Form...), nil
	}
	if c.Method == "" {
		c.Method = "GET"
		if !get && (c.HasJSON || len(c.Form) > 0) {
			c.Method = "POST"
		}
	}
	return c, true
}

// hostPort is a URL written without scheme or path ("localhost:8545").
var hostPort = regexp.MustCompile(`^[A-Za-z0-9.-]+:[0-9]+$`)

// shellWords splits a line as a POSIX shell would, quotes removed; a "#"
// starting a word ends it.
func shellWords(line string) []string {
	var words []string
	var cur strings.Builder
	in := false
	for i := 0; i < len(line); i++ {
		ch := line[i]
		switch {
		case ch == '\'':
			in = true
			j := strings.IndexByte(line[i+1:], '\'')
			if j < 0 {
				cur.WriteString(line[i+1:])
				i = len(line)
				break
			}
			cur.WriteString(line[i+1 : i+1+j])
			i += j + 1
		case ch == '"':
			in = true
			for i++; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '\\' && i+1 < len(line) && strings.IndexByte("\"\\$`", line[i+1]) >= 0 {
					i++
				}
				cur.WriteByte(line[i])
			}
		case ch == '\\' && i+1 < len(line):
			in = true
			i++
			cur.WriteByte(line[i])
		case ch == ' ' || ch == '\t' || ch == '\r':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		case ch == '#' && !in:
			return words
		default:
			in = true
			cur.WriteByte(ch)
		}
	}
	if in {
		words = append(words, cur.String())
	}
	return words
}

// callsFor are the curl calls of section s that are calls of ep: the same
// method, to a URL whose path is ep's (or an instance of its template, or
// ends with it: a page's curl may carry a base path its endpoint lines
// leave out). A section with one endpoint owns all its calls of that
// method.
func callsFor(s *slate.Section, ep slate.Endpoint) []sentCall {
	var out []sentCall
	single := len(sectionEndpoints(s)) == 1
	for _, c := range curlCalls(s.Samples) {
		if c.Method != ep.Method {
			continue
		}
		p := c.URL
		if u, err := url.Parse(c.URL); err == nil && u.Path != "" {
			p = u.Path
		}
		switch {
		case single,
			strings.TrimSuffix(p, "/") == strings.TrimSuffix(ep.Path, "/"),
			strings.HasSuffix(p, ep.Path) && ep.Path != "/",
			slate.TemplateMatch(ep.Template, p) != nil:
			out = append(out, c)
		}
	}
	return out
}

// rpcMethod is the JSON-RPC method a request example (or a curl call's
// JSON) of ep names: the call object's "method", "" when none does.
func rpcMethod(s *slate.Section, ep slate.Endpoint) string {
	for _, r := range requestValues(s, ep) {
		v := r.Value
		if a, ok := v.([]any); ok && len(a) == 1 {
			v = a[0]
		}
		if m, ok := v.(map[string]any); ok {
			if _, rpc := m["jsonrpc"]; rpc {
				if name, ok := m["method"].(string); ok && strings.TrimSpace(name) != "" {
					return name
				}
			}
		}
	}
	return ""
}

// requestValues are ep's request examples: the section's JSON request
// examples, then the JSON its curl calls send.
func requestValues(s *slate.Section, ep slate.Endpoint) []slate.Example {
	var out []slate.Example
	for _, ex := range s.Examples {
		if ex.Request {
			out = append(out, ex)
		}
	}
	for _, c := range callsFor(s, ep) {
		if c.HasJSON {
			out = append(out, slate.Example{Request: true, Value: c.JSON, Line: c.Line, Label: "curl"})
		}
	}
	return out
}

// envelopeRows are the names of a table that documents the JSON-RPC call
// object itself (its id, jsonrpc, method, params), not an operation's
// arguments.
var envelopeRows = map[string]bool{"id": true, "jsonrpc": true, "method": true, "params": true}

// isEnvelopeTable reports whether every row of args names a member of the
// call object and the table names jsonrpc or method: the envelope, not an
// argument list (issue 17).
func isEnvelopeTable(args []slate.Argument) bool {
	if len(args) < 2 {
		return false
	}
	protocol := false
	for _, a := range args {
		n := strings.ToLower(strings.TrimSpace(a.Name))
		if !envelopeRows[n] {
			return false
		}
		protocol = protocol || n == "jsonrpc" || n == "method"
	}
	return protocol
}

// rpcMethods decides which operations are JSON-RPC methods that share a
// URL (issue 17: an Ethereum-style API, every method "POST /"): in a group
// of operations that share a method and a path, when their calls name at
// least two distinct JSON-RPC methods, or when a lone one's path has no
// segment to name it, each operation whose calls name a method is that
// method (set with keep and its id). Any other operation is not
// dispatched by method (set without keep): its calls' "method" is the
// protocol's ("call"), the path names it (T2). A method shown by several
// sections of the group (an introduction's example and the method's own
// section) is one operation: rpcMethods returns the others, to be dropped.
func rpcMethods[D any](ds []D, key func(D) (group, rpc, pathID string), weight func(D) int, set func(d D, id string, keep bool)) (dropped []D, kept []D) {
	groups := map[string][]D{}
	var order []string
	for _, d := range ds {
		g, _, _ := key(d)
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], d)
	}
	for _, g := range order {
		members := groups[g]
		best := map[string]D{}
		var methods []string
		for _, d := range members {
			_, rpc, _ := key(d)
			if rpc == "" || sanitizeID(rpc) == "" {
				continue
			}
			if b, seen := best[rpc]; !seen {
				best[rpc] = d
				methods = append(methods, rpc)
			} else if weight(d) > weight(b) {
				best[rpc] = d
			}
		}
		_, _, pathID := key(members[0])
		dispatch := len(methods) > 1 || (len(methods) == 1 && len(members) == 1 && pathID == "")
		for _, d := range members {
			_, rpc, _ := key(d)
			switch {
			case !dispatch || rpc == "" || sanitizeID(rpc) == "":
				set(d, "", false)
			case any(best[rpc]) != any(d):
				dropped = append(dropped, d)
				kept = append(kept, best[rpc])
			default:
				set(d, sanitizeID(rpc), true)
			}
		}
	}
	return dropped, kept
}

// positionalParams is the params array of the first request example when
// it is a JSON-RPC call object passing its arguments by position; nil
// otherwise (a body that is an array is not a call).
func positionalParams(requests []slate.Example) []any {
	if len(requests) == 0 {
		return nil
	}
	v := requests[0].Value
	if a, ok := v.([]any); ok && len(a) == 1 {
		v = a[0]
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	if _, rpc := m["jsonrpc"]; !rpc {
		return nil
	}
	p, _ := m["params"].([]any)
	return p
}
