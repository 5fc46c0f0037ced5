package mockserver

import (
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/nebeus/nebeus-contract/mockserver/metrics"
	"github.com/nebeus/nebeus-contract/mockserver/ops"
	"github.com/nebeus/nebeus-contract/mockserver/request"
	"github.com/nebeus/nebeus-contract/mockserver/wire"
	"github.com/nebeus/nebeus-contract/schemas"
)

// route is one operation's place in the URL space (T1): its path as the
// contract gives it, templates ({name}) matching one segment each.
type route struct {
	op      *ops.Operation
	literal string         // the path, when it has no template
	re      *regexp.Regexp // else its pattern, one group per path parameter
	h       http.Handler
}

// opRouter finds the operation a request is for. Paths come from the
// contract only; several operations may share a path with different
// methods, and two templated paths are tried in the contract's order.
type opRouter struct {
	s      *Server
	routes []route
	// direct is the handler by path and method where exactly one
	// operation answers that method at that literal path and no templated
	// path matches it: the common case, found without scanning.
	direct map[string]map[string]http.Handler
}

func (s *Server) newOpRouter() *opRouter {
	rt := &opRouter{s: s}
	for _, o := range s.contract.Operations() {
		op := s.ops.ByID[o.ID]
		r := route{op: op}
		switch {
		case s.proxy.Forwards(o.ID):
			r.h = s.path.ProxyHandler(op) // proxy.go
		case o.JSONRPC():
			r.h = s.path.OperationHandler(op)
		default:
			r.h = s.path.HTTPOperationHandler(op)
		}
		if len(o.PathParams) == 0 {
			r.literal = o.Path
		} else {
			r.re = templatePattern(o.Path)
		}
		rt.routes = append(rt.routes, r)
	}
	rt.direct = map[string]map[string]http.Handler{}
	for _, r := range rt.routes {
		if r.re != nil {
			continue
		}
		n := 0
		for _, o := range rt.routes {
			if (o.re == nil && o.literal == r.literal && o.op.Method == r.op.Method) || (o.re != nil && o.re.MatchString(r.literal)) {
				n++
			}
		}
		if n == 1 {
			if rt.direct[r.literal] == nil {
				rt.direct[r.literal] = map[string]http.Handler{}
			}
			rt.direct[r.literal][r.op.Method] = r.h
		}
	}
	return rt
}

var templateRE = regexp.MustCompile(`\{([^{}/]+)\}`)

// templatePattern is the regexp of a templated path: each {name} is one
// non-empty segment part.
func templatePattern(path string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	last := 0
	for _, m := range templateRE.FindAllStringIndex(path, -1) {
		b.WriteString(regexp.QuoteMeta(path[last:m[0]]))
		b.WriteString(`([^/]+)`)
		last = m[1]
	}
	b.WriteString(regexp.QuoteMeta(path[last:]))
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// match returns the routes whose path matches p, and the path values of
// the first templated one.
func (rt *opRouter) match(p string) ([]route, map[string]string) {
	var out []route
	var values map[string]string
	for _, r := range rt.routes {
		switch {
		case r.re == nil && r.literal == p:
			out = append(out, r)
		case r.re != nil:
			if m := r.re.FindStringSubmatch(p); m != nil {
				out = append(out, r)
				if values == nil {
					values = map[string]string{}
					for i, pp := range r.op.PathParams {
						if i+1 < len(m) {
							values[pp.Name] = m[i+1]
						}
					}
				}
			}
		}
	}
	return out, values
}

// handler returns the handler for r, or nil when no operation has its path.
func (rt *opRouter) handler(r *http.Request) http.Handler {
	if h, ok := rt.direct[r.URL.Path][r.Method]; ok {
		return h
	}
	routes, values := rt.match(r.URL.Path)
	if len(routes) == 0 {
		return nil
	}
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	var same []route
	for _, rr := range routes {
		if rr.op.Method == method {
			same = append(same, rr)
		}
	}
	if same = mostSpecific(same); len(same) > 0 {
		values = valuesOf(same[0], r.URL.Path)
	}
	switch {
	case len(same) == 1:
		return withPathValues(same[0].h, values)
	case len(same) > 1 && slices.ContainsFunc(same, func(rr route) bool { return rr.op.RPCMethod != "" }):
		// JSON-RPC methods sharing the URL (issue 17): the call's method
		// chooses.
		return withPathValues(rt.byMethod(same), values)
	case len(same) > 1:
		// The page documents one endpoint twice (two sections, one path):
		// the request's arguments choose the operation.
		return withPathValues(rt.byArguments(same), values)
	}
	if len(routes) == 1 {
		// One operation at this path: it answers other methods itself
		// (405 with Allow and a JSON-RPC error body, T5).
		return withPathValues(routes[0].h, values)
	}
	var allow []string
	for _, rr := range routes {
		if !slices.Contains(allow, rr.op.Method) {
			allow = append(allow, rr.op.Method)
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		request.InfoOf(w).Outcome = metrics.OutcomeProtocolError
		wire.WriteError(w, wire.NullID, wire.ErrMethodOf(req.Method, allow))
	})
}

// mostSpecific keeps the routes whose path is the most specific, compared
// segment by segment, a literal segment before a template (as
// net/http.ServeMux orders patterns): a page that documents
// /{object}/{object_id}/addresses and /companies/{company_id}/addresses
// (issue 17) has /companies/7/addresses served by the second.
func mostSpecific(rs []route) []route {
	var best []route
	bestKey := ""
	for _, r := range rs {
		var k strings.Builder
		for _, seg := range strings.Split(r.op.Path, "/") {
			if strings.Contains(seg, "{") {
				k.WriteByte('0')
			} else {
				k.WriteByte('1')
			}
		}
		switch key := k.String(); {
		case best == nil || key > bestKey:
			best, bestKey = []route{r}, key
		case key == bestKey:
			best = append(best, r)
		}
	}
	return best
}

// valuesOf is the path values of p under r's template.
func valuesOf(r route, p string) map[string]string {
	if r.re == nil {
		return nil
	}
	m := r.re.FindStringSubmatch(p)
	values := map[string]string{}
	for i, pp := range r.op.PathParams {
		if i+1 < len(m) {
			values[pp.Name] = m[i+1]
		}
	}
	return values
}

func withPathValues(h http.Handler, values map[string]string) http.Handler {
	if len(values) == 0 {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, v := range values {
			r.SetPathValue(k, v)
		}
		h.ServeHTTP(w, r)
	})
}

// byMethod serves a call for one of several JSON-RPC methods that share a
// method and a path (issue 17): the operation its "method" names. A call
// that names none, or cannot be read, goes to the first, which answers
// the protocol error (T5: -32700, -32600, or -32601 for an unknown
// method). An operation of the URL that no method selects (its section
// shows no call) takes the calls that name none of the others.
func (rt *opRouter) byMethod(same []route) http.Handler {
	fallback := same[0]
	for _, rr := range same {
		if rr.op.RPCMethod == "" {
			fallback = rr
			break
		}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chosen := fallback
		var d *request.DecodedBody
		if r, d = rt.s.path.WithBody(w, r); d != nil && d.Err == nil {
			if obj, ok := d.Value.(map[string]any); ok {
				for _, rr := range same {
					if obj["method"] == rr.op.RPCMethod {
						chosen = rr
						break
					}
				}
			}
		}
		chosen.h.ServeHTTP(w, r)
	})
}

// byArguments serves a request for one of several operations that share a
// method and a path (the page documents one endpoint twice): the operation
// that declares most of the request's arguments, then the one whose request
// schema the body passes, then page order.
func (rt *opRouter) byArguments(same []route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chosen := same[0]
		var d *request.DecodedBody
		if r, d = rt.s.path.WithBody(w, r); d != nil {
			if v := d.Value; d.Err == nil {
				obj, _ := v.(map[string]any)
				params, _ := obj["params"].(map[string]any)
				bestCover, bestValid := -1, false
				for _, rr := range same {
					cover := 0
					for k := range params {
						if _, ok := rr.op.Argument(k); ok {
							cover++
						}
					}
					vs, err := rt.s.contract.ValidateRequest(rr.op.ID, v)
					valid := err == nil && len(schemas.Failures(vs)) == 0
					if cover > bestCover || (cover == bestCover && valid && !bestValid) {
						chosen, bestCover, bestValid = rr, cover, valid
					}
				}
			}
		}
		chosen.h.ServeHTTP(w, r)
	})
}
