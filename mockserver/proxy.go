package mockserver

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/nebeus/nebeus-contract/internal/contractcheck"
	"github.com/nebeus/nebeus-contract/mockserver/faults"
	"github.com/nebeus/nebeus-contract/mockserver/journal"
	"github.com/nebeus/nebeus-contract/mockserver/metrics"
	"github.com/nebeus/nebeus-contract/mockserver/namespace"
	"github.com/nebeus/nebeus-contract/mockserver/ops"
	"github.com/nebeus/nebeus-contract/mockserver/wire"
	"github.com/nebeus/nebeus-contract/schemas"
)

// Proxy makes the mock a validation proxy in front of a real backend
// (issue 13): every operation not in MockOperations is forwarded to
// Upstream, and each exchange gets the checks the conformance suite makes
// on one exchange (package internal/contractcheck), is journaled with its
// violations, and is answered with X-Contract-Violations: N.
type Proxy struct {
	// Upstream is the backend's base URL (no trailing slash needed); the
	// operations' paths (T1) are appended to it.
	Upstream string
	// Strict replaces an answer that breaks the contract by a 502
	// JSON-RPC error listing the violations.
	Strict bool
	// MockOperations are answered by the mock from its own state
	// (hybrid mode: a backend that has only some operations so far).
	MockOperations []string
	// Timeout bounds one forwarded exchange; default DefaultProxyTimeout.
	// Past it the proxy answers 504.
	Timeout time.Duration
	// MaxResponseBody bounds an upstream answer; default
	// DefaultMaxResponseBody. Above it the proxy answers 502.
	MaxResponseBody int64
	// Transport forwards the requests; nil: a transport of its own.
	Transport http.RoundTripper
}

// Defaults of Proxy.
const (
	DefaultProxyTimeout    = 10 * time.Second
	DefaultMaxResponseBody = 4 << 20
)

// ViolationsHeader carries the number of contract violations of a
// proxied exchange: the count only, the details are in the journal (so
// it never grows with them).
const ViolationsHeader = "X-Contract-Violations"

// proxy is a Proxy ready to forward.
type proxy struct {
	Proxy
	base    *url.URL
	client  *http.Client
	checker *contractcheck.Checker
}

func newProxy(p Proxy, c *schemas.Contract) (*proxy, error) {
	u, err := url.Parse(strings.TrimSuffix(p.Upstream, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return nil, fmt.Errorf("mockserver: upstream %q: want http(s)://host[:port][/base]", p.Upstream)
	}
	for _, id := range p.MockOperations {
		if _, ok := c.Operation(id); !ok {
			return nil, fmt.Errorf("mockserver: mock operation %q is not in the contract", id)
		}
	}
	if p.Timeout < 0 || p.MaxResponseBody < 0 {
		return nil, errors.New("mockserver: negative proxy Timeout or MaxResponseBody")
	}
	if p.Timeout == 0 {
		p.Timeout = DefaultProxyTimeout
	}
	if p.MaxResponseBody == 0 {
		p.MaxResponseBody = DefaultMaxResponseBody
	}
	t := p.Transport
	if t == nil {
		t = &http.Transport{
			Proxy:               nil, // the upstream is called directly
			DialContext:         (&net.Dialer{Timeout: p.Timeout, KeepAlive: 30 * time.Second}).DialContext,
			MaxIdleConnsPerHost: 64,
			IdleConnTimeout:     90 * time.Second,
			// The answer's headers count against its limit too (issue
			// 19): net/http's own default lets 10 MB of them through.
			MaxResponseHeaderBytes: p.MaxResponseBody,
		}
	}
	return &proxy{
		Proxy: p, base: u,
		client: &http.Client{Transport: t, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // a redirect is the upstream's answer, judged as such
		}},
		checker: &contractcheck.Checker{Contract: c},
	}, nil
}

// forwards reports whether operation id goes to the upstream.
func (p *proxy) forwards(id string) bool { return p != nil && !slices.Contains(p.MockOperations, id) }

// errUpstream: the upstream could not be reached or broke off (502), or
// did not answer within the timeout (504).
func errUpstream(status int, msg string) *wire.Error {
	return &wire.Error{Status: status, Code: wire.CodeInternalError, Message: "Upstream error: " + msg}
}

// hopHeaders are not forwarded in either direction (RFC 9110 7.6.1), nor
// are the mock's own request headers.
var hopHeaders = []string{"Connection", "Proxy-Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization",
	"Te", "Trailer", "Transfer-Encoding", "Upgrade", "Accept-Encoding"}

var mockRequestHeaders = []string{namespace.Header, "Prefer"}

// proxyHandler forwards one operation's requests to the upstream and
// checks each exchange.
func (s *Server) proxyHandler(op *ops.Operation) http.Handler {
	p := s.proxy
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ex, ok := s.beginExchange(w, r, op)
		if !ok {
			return
		}
		defer ex.record()
		info := ex.info
		if info.trace != nil {
			info.trace.status = "" // the upstream's sessions, not the mock's
		}

		// The body, within the limit (413 above, never forwarded); a body
		// that is not JSON is forwarded as it came: the upstream's answer
		// to it is judged (T5).
		body, v, rerr := s.readCall(w, r)
		ex.reqRaw, ex.reqDecoded = nonEmpty(body), v
		if rerr != nil && rerr.Code != wire.CodeParseError {
			ex.fail(w, wire.NullID, rerr)
			return
		}
		id := wire.RawID(v)
		call := s.judgedCall(op, r, v, rerr)
		// Forwarded: now it takes a namespace slot. The proxy's answer
		// comes from the upstream: a store failure never holds it up
		// (issue 19), so the store is not waited for.
		ns, aerr := s.admit(ex.ns, false)
		if aerr != nil {
			ex.fail(w, id, aerr)
			return
		}
		ex.ns = ns

		fault, faulted, _ := s.faults.Ahead(ns.Name(), op.ID, true).Take()
		if faulted {
			info.outcome = metrics.OutcomeFault
			w.Header().Set("X-Mock-Fault", "true")
			if d := min(fault.Delay.D(), ops.MaxDelay); d > 0 && !ops.Sleep(r.Context(), d) {
				ex.status, info.status = statusClientGone, statusClientGone
				return
			}
			if fault.Close {
				ex.status, info.status = statusClosed, statusClosed
				faults.CloseConnection(w)
				return
			}
			if fault.Status != 0 {
				ex.write(w, fault.Status, wire.EncodeError(id, faults.Error(fault)))
				return
			}
		}

		resp, rerr := p.forward(r, body)
		if rerr != nil {
			if r.Context().Err() != nil {
				ex.status, info.status = statusClientGone, statusClientGone
				return
			}
			info.outcome = "upstream_error"
			ex.write(w, rerr.Status, wire.EncodeError(id, rerr))
			return
		}

		cex := &contractcheck.Exchange{Op: op.ID, Status: resp.status, Header: resp.header, Body: resp.body}
		if obj, ok := v.(map[string]any); ok {
			cex.ID, cex.HasID = obj["id"]
		}
		var t contractcheck.Tally
		p.checker.Judge(&t, cex, call)
		fails := t.Failures()
		hidden := s.exchangeSecrets(r, v, resp)
		for _, f := range fails {
			ex.violations = append(ex.violations, schemas.Violation{Operation: op.ID, Pointer: f.Pointer, Decision: f.Decision,
				Message: scrub(f.Message(), hidden)})
		}
		if !faulted {
			info.outcome = "proxied"
		}
		if p.Strict && len(fails) > 0 {
			w.Header().Set(ViolationsHeader, strconv.Itoa(len(fails)))
			ex.write(w, http.StatusBadGateway, wire.EncodeError(id, strictError(ex.violations)))
			return
		}
		h := w.Header()
		for k, vs := range resp.header {
			if forwardedHeader(k) {
				h[k] = vs
			}
		}
		h.Set(ViolationsHeader, strconv.Itoa(len(fails)))
		h.Set("Content-Length", strconv.Itoa(len(resp.body)))
		ex.status, ex.resp = resp.status, nonEmpty(resp.body)
		ex.record() // a client that has its answer finds it in the journal
		w.WriteHeader(resp.status)
		_, _ = w.Write(resp.body)
	})
}

// judgedCall is what the checks need of the request (contractcheck.Call): whether
// it is a call the contract describes, and its arguments' failures.
func (s *Server) judgedCall(op *ops.Operation, r *http.Request, v any, parseErr *wire.Error) contractcheck.Call {
	if r.Method != op.Method {
		return contractcheck.Call{}
	}
	if !op.JSONRPC() {
		return contractcheck.Call{WellFormed: true}
	}
	if parseErr != nil || !isJSON(r.Header.Get("Content-Type")) || r.Header.Get("Content-Encoding") != "" {
		return contractcheck.Call{}
	}
	vs, err := s.contract.ValidateRequest(op.ID, v)
	if err != nil {
		return contractcheck.Call{}
	}
	fails := schemas.Failures(vs)
	if wire.FromViolations(fails) != nil {
		return contractcheck.Call{}
	}
	return contractcheck.Call{WellFormed: true, Failures: ops.ParamFailures(fails)}
}

// nonEmpty is b, or nil for no bytes (a journal entry's "no body").
func nonEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// upstreamAnswer is what the upstream answered.
type upstreamAnswer struct {
	status int
	header http.Header
	body   []byte
}

// forward sends the request to the upstream and reads its answer, within
// the timeout and the response body limit.
func (p *proxy) forward(r *http.Request, body []byte) (*upstreamAnswer, *wire.Error) {
	ctx, cancel := context.WithTimeout(r.Context(), p.Timeout)
	defer cancel()
	u := *p.base
	u.Path = p.base.Path + r.URL.Path
	u.RawPath = ""
	u.RawQuery = r.URL.RawQuery
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, u.String(), rd)
	if err != nil {
		return nil, errUpstream(http.StatusBadGateway, "cannot build the request: "+wire.ErrText(err))
	}
	for k, vs := range r.Header {
		if !slices.ContainsFunc(hopHeaders, func(h string) bool { return strings.EqualFold(h, k) }) &&
			!slices.ContainsFunc(mockRequestHeaders, func(h string) bool { return strings.EqualFold(h, k) }) {
			req.Header[k] = slices.Clone(vs)
		}
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		req.Header.Set("X-Forwarded-For", host)
	}
	req.Header.Set("X-Forwarded-Host", r.Host)
	proto := "http"
	if r.TLS != nil {
		proto = "https"
	}
	req.Header.Set("X-Forwarded-Proto", proto)
	tooLarge := errUpstream(http.StatusBadGateway, "the answer (headers and body) is larger than "+strconv.FormatInt(p.MaxResponseBody, 10)+" bytes")
	resp, err := p.client.Do(req)
	if err != nil {
		if strings.Contains(err.Error(), "response headers exceeded") { // the transport's MaxResponseHeaderBytes
			return nil, tooLarge
		}
		return nil, upstreamFailure(err, p.Timeout)
	}
	defer resp.Body.Close()
	// MaxResponseBody bounds what the proxy holds of an answer: its
	// headers as they came on the wire, then its body in what is left.
	room := p.MaxResponseBody - headerBytes(resp.Header)
	if room < 0 {
		return nil, tooLarge
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, room+1))
	if err != nil {
		return nil, upstreamFailure(err, p.Timeout)
	}
	if int64(len(b)) > room {
		return nil, tooLarge
	}
	return &upstreamAnswer{status: resp.StatusCode, header: resp.Header, body: b}, nil
}

// upstreamFailure: 504 past the timeout, else 502.
func upstreamFailure(err error, timeout time.Duration) *wire.Error {
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return errUpstream(http.StatusGatewayTimeout, "no answer within "+timeout.String())
	}
	// The error names the upstream's URL, never the request's body.
	return errUpstream(http.StatusBadGateway, wire.ErrText(err))
}

// headerBytes is the size of h as written on the wire ("Key: value\r\n").
func headerBytes(h http.Header) int64 {
	var n int64
	for k, vs := range h {
		for _, v := range vs {
			n += int64(len(k) + len(": ") + len(v) + len("\r\n"))
		}
	}
	return n
}

// forwardedHeader: the upstream's answer headers the client gets; the
// proxy's own CORS policy, length and violation count replace the rest.
func forwardedHeader(k string) bool {
	switch {
	case strings.HasPrefix(http.CanonicalHeaderKey(k), "Access-Control-"):
		return false
	case strings.EqualFold(k, "Content-Length"), strings.EqualFold(k, ViolationsHeader), strings.EqualFold(k, "Vary"):
		return false
	}
	return !slices.ContainsFunc(hopHeaders, func(h string) bool { return strings.EqualFold(h, k) })
}

// strictError is --strict's answer to a response that breaks the
// contract: a 502 JSON-RPC error listing the violations.
func strictError(vs []schemas.Violation) *wire.Error {
	type item struct {
		Decision string `json:"decision"`
		Pointer  string `json:"pointer,omitempty"`
		Message  string `json:"message"`
	}
	items := make([]item, len(vs))
	for i, v := range vs {
		items[i] = item{v.Decision, v.Pointer, v.Message}
	}
	return &wire.Error{Status: http.StatusBadGateway, Code: wire.CodeInternalError,
		Message: "Upstream answer breaks the contract: " + strconv.Itoa(len(vs)) + " violation(s)",
		Data:    map[string]any{"violations": items}}
}

// exchangeSecrets are the values of one exchange no journal or answer
// may repeat in a violation's text: the request's hidden arguments (a
// password, M4), the session ids it carried and those the answer handed
// out (S2), whatever the upstream sent where.
func (s *Server) exchangeSecrets(r *http.Request, v any, resp *upstreamAnswer) []string {
	var out []string
	var walk func(x any, depth int)
	walk = func(x any, depth int) {
		if depth > journal.MaxDepth {
			return
		}
		switch t := x.(type) {
		case map[string]any:
			for k, e := range t {
				if str, ok := e.(string); ok && s.secrets.Secret(k) && str != "" {
					out = append(out, str)
				}
				walk(e, depth+1)
			}
		case []any:
			for _, e := range t {
				walk(e, depth+1)
			}
		}
	}
	walk(v, 0)
	obj, _ := v.(map[string]any)
	params, _ := obj["params"].(map[string]any)
	out = append(out, s.session.IDs(r, params)...)
	if rv, err := schemas.Decode(resp.body); err == nil {
		walk(rv, 0)
	}
	if s.session.Cookie != "" {
		for _, c := range (&http.Response{Header: resp.header}).Cookies() {
			if c.Name == s.session.Cookie && c.Value != "" {
				out = append(out, c.Value)
			}
		}
	}
	return out
}

// scrub replaces each secret in text by "***" (as sent and as JSON
// escapes it), longest first so no part of one survives.
func scrub(text string, secrets []string) string {
	slices.SortFunc(secrets, func(a, b string) int { return len(b) - len(a) })
	for _, sec := range secrets {
		if sec == "" {
			continue
		}
		text = strings.ReplaceAll(text, sec, journal.Redacted)
		if q := strconv.Quote(sec); len(q) > 2 {
			text = strings.ReplaceAll(text, q[1:len(q)-1], journal.Redacted)
		}
	}
	return text
}
