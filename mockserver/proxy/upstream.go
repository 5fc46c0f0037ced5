package proxy

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
	"github.com/nebeus/nebeus-contract/mockserver/journal"
	"github.com/nebeus/nebeus-contract/mockserver/namespace"
	"github.com/nebeus/nebeus-contract/mockserver/ops"
	"github.com/nebeus/nebeus-contract/mockserver/session"
	"github.com/nebeus/nebeus-contract/mockserver/wire"
	"github.com/nebeus/nebeus-contract/schemas"
)

// Config makes the mock a validation proxy in front of a real backend
// (issue 13): every operation not in MockOperations is forwarded to
// Upstream, and each exchange gets the checks the conformance suite makes
// on one exchange (package internal/contractcheck), is journaled with its
// violations, and is answered with X-Contract-Violations: N.
type Config struct {
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

// Defaults of Config.
const (
	DefaultTimeout         = 10 * time.Second
	DefaultMaxResponseBody = 4 << 20
)

// ViolationsHeader carries the number of contract violations of a
// proxied exchange: the count only, the details are in the journal (so
// it never grows with them).
const ViolationsHeader = "X-Contract-Violations"

// Upstream is a Config ready to forward: the upstream's client and the
// checks of its answers.
type Upstream struct {
	Config
	base     *url.URL
	client   *http.Client
	checker  *contractcheck.Checker
	contract *schemas.Contract
	secrets  journal.Secrets // what a violation's text must not repeat (M4, S2)
	session  session.Rules
}

// New checks p against the contract c and readies its client; sec and ses
// say which values a violation's text must not repeat.
func New(p Config, c *schemas.Contract, sec journal.Secrets, ses session.Rules) (*Upstream, error) {
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
		p.Timeout = DefaultTimeout
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
	return &Upstream{
		Config: p, base: u,
		client: &http.Client{Transport: t, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse // a redirect is the upstream's answer, judged as such
		}},
		checker:  &contractcheck.Checker{Contract: c},
		contract: c, secrets: sec, session: ses,
	}, nil
}

// Forwards reports whether operation id goes to the upstream.
func (p *Upstream) Forwards(id string) bool {
	return p != nil && !slices.Contains(p.MockOperations, id)
}

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

// JudgedCall is what the checks need of the request (contractcheck.Call): whether
// it is a call the contract describes, and its arguments' failures.
func (p *Upstream) JudgedCall(op *ops.Operation, r *http.Request, v any, parseErr *wire.Error) contractcheck.Call {
	if r.Method != op.Method {
		return contractcheck.Call{}
	}
	if !op.JSONRPC() {
		return contractcheck.Call{WellFormed: true}
	}
	if parseErr != nil || !wire.IsJSON(r.Header.Get("Content-Type")) || r.Header.Get("Content-Encoding") != "" {
		return contractcheck.Call{}
	}
	vs, err := p.contract.ValidateRequest(op.ID, v)
	if err != nil {
		return contractcheck.Call{}
	}
	fails := schemas.Failures(vs)
	if wire.FromViolations(fails) != nil {
		return contractcheck.Call{}
	}
	return contractcheck.Call{WellFormed: true, Failures: ops.ParamFailures(fails)}
}

// Answer is what the upstream answered.
type Answer struct {
	Status int
	Header http.Header
	Body   []byte
}

// Forward sends the request to the upstream and reads its answer, within
// the timeout and the response body limit.
func (p *Upstream) Forward(r *http.Request, body []byte) (*Answer, *wire.Error) {
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
	return &Answer{Status: resp.StatusCode, Header: resp.Header, Body: b}, nil
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

// ForwardedHeader: the upstream's answer headers the client gets; the
// proxy's own CORS policy, length and violation count replace the rest.
func ForwardedHeader(k string) bool {
	switch {
	case strings.HasPrefix(http.CanonicalHeaderKey(k), "Access-Control-"):
		return false
	case strings.EqualFold(k, "Content-Length"), strings.EqualFold(k, ViolationsHeader), strings.EqualFold(k, "Vary"):
		return false
	}
	return !slices.ContainsFunc(hopHeaders, func(h string) bool { return strings.EqualFold(h, k) })
}

// StrictError is --strict's answer to a response that breaks the
// contract: a 502 JSON-RPC error listing the violations.
func StrictError(vs []schemas.Violation) *wire.Error {
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
func (p *Upstream) exchangeSecrets(r *http.Request, v any, resp *Answer) []string {
	var out []string
	var walk func(x any, depth int)
	walk = func(x any, depth int) {
		if depth > journal.MaxDepth {
			return
		}
		switch t := x.(type) {
		case map[string]any:
			for k, e := range t {
				if str, ok := e.(string); ok && p.secrets.Secret(k) && str != "" {
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
	out = append(out, p.session.IDs(r, params)...)
	if rv, err := schemas.Decode(resp.Body); err == nil {
		walk(rv, 0)
	}
	if p.session.Cookie != "" {
		for _, c := range (&http.Response{Header: resp.Header}).Cookies() {
			if c.Name == p.session.Cookie && c.Value != "" {
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

// Violations makes the checks of one exchange (package
// internal/contractcheck) on the upstream's answer resp to call, and
// returns what broke the contract, each message scrubbed of the
// exchange's secrets.
func (p *Upstream) Violations(op *ops.Operation, r *http.Request, v any, call contractcheck.Call, resp *Answer) []schemas.Violation {
	cex := &contractcheck.Exchange{Op: op.ID, Status: resp.Status, Header: resp.Header, Body: resp.Body}
	if obj, ok := v.(map[string]any); ok {
		cex.ID, cex.HasID = obj["id"]
	}
	var t contractcheck.Tally
	p.checker.Judge(&t, cex, call)
	var out []schemas.Violation
	hidden := p.exchangeSecrets(r, v, resp)
	for _, f := range t.Failures() {
		out = append(out, schemas.Violation{Operation: op.ID, Pointer: f.Pointer, Decision: f.Decision,
			Message: scrub(f.Message(), hidden)})
	}
	return out
}
