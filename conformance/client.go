package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/nebeus/nebeus-contract/internal/contractcheck"
	"github.com/nebeus/nebeus-contract/schemas"
)

// MaxBody bounds what the suite reads of a response: a conforming answer
// is small, and a runaway one must cost neither memory nor CPU. An answer
// longer than this is not read further (T5: a whole answer within the
// timeout), and blocks its operation like a hang.
const MaxBody = 1 << 20

// shownBody is how much of an answer longer than MaxBody the report keeps.
const shownBody = 1 << 10

// request is one HTTP request the suite sends.
type request struct {
	// Op is the operation the request is for (the report's row); Path
	// defaults to its path in the contract (T1), its templates filled from
	// PathValues (or the contract's examples), and Query is appended.
	Op         string
	Method     string // default the operation's (POST for JSON-RPC)
	Path       string
	PathValues map[string]string
	Query      url.Values
	// ContentType defaults to application/json (T2); "-" sends none.
	ContentType string
	Header      http.Header
	Body        []byte
	// ID is the JSON-RPC id sent; HasID false when the call has none.
	ID    any
	HasID bool
}

// exchange is a request and what came back.
type exchange struct {
	Req     request
	URL     string
	Status  int
	Header  http.Header
	Body    []byte
	Err     error // transport failure, timeout, an answer too long, or not sent (blocked)
	Elapsed time.Duration
	// hdr is every header sent, for the curl repro.
	hdr http.Header
}

// call is a JSON-RPC 2.0 call object (T2). Params nil omits params.
type call struct {
	JSONRPC any    `json:"jsonrpc"`
	Method  string `json:"method,omitempty"`
	Params  any    `json:"params,omitempty"`
	ID      any    `json:"id"`
}

// rpc builds the request for operation op with params and a non-null id
// (T3: the id must come back; a null id would hide a server that never
// echoes).
func (s *suite) rpc(op string, params any) request {
	id := s.nextID()
	if o, ok := s.contract.Operation(op); ok && o.ParamsByPosition {
		if named, isMap := params.(map[string]any); isMap {
			params = o.Positional(named) // JSON-RPC 2.0 by position
		}
	}
	b, err := json.Marshal(call{JSONRPC: "2.0", Method: s.rpcMethod(op), Params: params, ID: id})
	if err != nil {
		panic(err) // params are built by the suite: a bug here
	}
	return request{Op: op, Body: b, ID: id, HasID: true}
}

// rpcMethod is the "method" a call of op names: the operation's own
// where several JSON-RPC methods share its URL (issue 17), else "call"
// (T2: the path names the operation).
func (s *suite) rpcMethod(op string) string {
	if o, ok := s.contract.Operation(op); ok && o.RPCMethod != "" {
		return o.RPCMethod
	}
	return "call"
}

// marshal encodes v (a body the suite builds); it cannot fail for the values
// the suite makes.
func marshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// do sends r, bounded by the run's timeout.
func (s *suite) do(ctx context.Context, r request) *exchange {
	op, known := s.contract.Operation(r.Op)
	if r.Method == "" {
		r.Method = http.MethodPost
		if known && op.Method != "" {
			r.Method = op.Method
		}
	}
	if r.ContentType == "" {
		r.ContentType = jsonMediaType
	}
	u := s.opts.BaseURL + r.Path
	if r.Path == "" && known {
		if r.PathValues == nil {
			// A JSON-RPC call (s.rpc) at a templated URL (a REST page
			// read without our overlay, issue 17): its templates are
			// filled as a plain request's are, never left empty.
			r.PathValues = s.pathValues(op)
		}
		u = op.URL(s.opts.BaseURL, r.PathValues)
		r.Path = strings.TrimPrefix(u, s.opts.BaseURL)
	}
	if len(r.Query) > 0 {
		u += "?" + r.Query.Encode()
	}
	ex := &exchange{Req: r, URL: u}
	hdr := http.Header{}
	for k, vs := range s.opts.Header {
		hdr[k] = append([]string(nil), vs...)
	}
	if r.ContentType != "-" && r.Body != nil {
		hdr.Set("Content-Type", r.ContentType)
	}
	hdr.Set("Accept", accept(op, known))
	for k, vs := range r.Header {
		hdr[k] = append([]string(nil), vs...)
	}
	ex.hdr = hdr
	if err := s.gate(r.Op); err != nil {
		ex.Err = err // not sent: one finding already stands for the operation
		return ex
	}
	carriesHidden := s.noteRequest(hdr, r.Body)

	// The timeout covers the whole exchange, the body included (T5), and
	// no request outlives the run's --max-time.
	timeout, cut := s.opts.Timeout, false
	if left := s.timeLeft(); left < timeout {
		timeout, cut = left, true
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var body io.Reader
	if r.Body != nil {
		body = bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, ex.URL, body)
	if err != nil {
		ex.Err = err
		return ex
	}
	req.Header = hdr
	start := time.Now()
	resp, err := s.opts.Client.Do(req)
	if err != nil {
		ex.Err, ex.Elapsed = s.late(ctx, err, cut), time.Since(start)
		s.block(ex)
		return ex
	}
	defer resp.Body.Close()
	ex.Status, ex.Header = resp.StatusCode, resp.Header
	ex.Body, err = readBody(resp.Body)
	ex.Elapsed = time.Since(start)
	if err != nil {
		ex.Err = s.late(ctx, err, cut)
		s.block(ex)
		if len(ex.Body) > shownBody {
			ex.Body = ex.Body[:shownBody]
		}
	}
	s.noteResponse(ex, carriesHidden)
	return ex
}

// ErrTooLong is an answer longer than MaxBody: not read further.
var ErrTooLong = fmt.Errorf("an answer longer than %d bytes (not read further)", MaxBody)

// readBody reads at most MaxBody bytes of an answer; a longer one is
// ErrTooLong. Reading stops there: an endless or huge body costs one
// buffer, not the time and CPU of reading it all.
func readBody(r io.Reader) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxBody+1))
	if err == nil && len(b) > MaxBody {
		return b, ErrTooLong
	}
	return b, err
}

// late names why an exchange ended in err: the run's --max-time (cut: the
// request's deadline was the run's), or the timeout (T5: a late answer),
// or err itself.
func (s *suite) late(ctx context.Context, err error, cut bool) error {
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return err
	}
	if cut {
		return errMaxTime
	}
	return fmt.Errorf("%w: no whole answer within %s", context.DeadlineExceeded, s.opts.Timeout)
}

// curlOf is the exchange's request as a curl command (secrets masked).
func (s *suite) curlOf(ex *exchange) string {
	return s.curl(ex.Req.Method, ex.URL, ex.hdr, ex.Req.Body)
}

// jsonMediaType is the media type of JSON-RPC bodies (T2, T3).
const jsonMediaType = contractcheck.JSONMediaType

// accept is the Accept header for an operation: the media types of its
// documented variants (application/json for a JSON-RPC operation).
func accept(op schemas.Operation, known bool) string {
	var mts []string
	if known {
		for _, vr := range op.Variants {
			if vr.MediaType != "" && !slices.Contains(mts, vr.MediaType) {
				mts = append(mts, vr.MediaType)
			}
		}
	}
	if len(mts) == 0 {
		return jsonMediaType
	}
	return strings.Join(mts, ", ")
}

// failure describes a transport failure for the report.
func (ex *exchange) failure() string {
	var b *blockedError
	switch {
	case errors.As(ex.Err, &b), errors.Is(ex.Err, errMaxTime):
		return ex.Err.Error()
	case errors.Is(ex.Err, context.DeadlineExceeded):
		return fmt.Sprintf("no whole answer within the timeout (%s)", ex.Elapsed.Round(time.Millisecond))
	case errors.Is(ex.Err, ErrTooLong):
		return fmt.Sprintf("%v after %s", ex.Err, ex.Elapsed.Round(time.Millisecond))
	}
	return ex.Err.Error()
}

// decode decodes the body as one JSON value with numbers kept exact.
func (ex *exchange) decode() (any, error) { return schemas.Decode(ex.Body) }

// snippet is the body as the report shows it: short and redacted.
func (s *suite) snippet(b []byte) string {
	const max = 300
	t := string(s.redactBody(b))
	if len(t) > max {
		t = t[:max] + fmt.Sprintf("... (%d bytes)", len(t))
	}
	if t == "" {
		t = "(empty body)"
	}
	return s.scrub(t)
}

// curl renders a request as a curl command that reproduces it. The
// contract's secret arguments (in the body, the query or a cookie) are
// redacted as '***', as is an Authorization header; the given account's
// password and the --header values are left as tokens that command
// turns into references to the environment, and the session ids the
// deployment handed out are left for script to capture (scrub.go).
func (s *suite) curl(method, rawURL string, hdr http.Header, body []byte) string {
	var b strings.Builder
	b.WriteString("curl -sS -i")
	if method != http.MethodPost || body == nil {
		b.WriteString(" -X " + method)
	}
	b.WriteString(" " + shellQuote(s.redactURL(s.tokenizeURL(rawURL))))
	keys := make([]string, 0, len(hdr))
	for k := range hdr {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range hdr[k] {
			if tok := s.headerToken(k, v); tok != "" {
				b.WriteString(" -H " + shellQuote(k+": "+tok))
				continue
			}
			if strings.EqualFold(k, "Authorization") || strings.EqualFold(k, "Proxy-Authorization") {
				v = "***"
			}
			if strings.EqualFold(k, "Cookie") {
				v = s.redactCookies(v)
			}
			b.WriteString(" -H " + shellQuote(k+": "+v))
		}
	}
	if body != nil {
		b.WriteString(" --data-raw " + shellQuote(string(s.redactBody(s.tokenizeBody(body)))))
	}
	return s.redact(b.String())
}

// shellQuote quotes s for a POSIX shell. A run of more than 64 copies of
// one letter, digit or space (the suite's very long strings and padding) is written as a printf
// expansion, so the command stays short and still sends the same bytes.
func shellQuote(s string) string {
	if s == "" {
		return "''"
	}
	var b strings.Builder
	b.WriteByte('\'')
	for i := 0; i < len(s); {
		c := s[i]
		j := i
		for j < len(s) && s[j] == c {
			j++
		}
		switch {
		case j-i > 64 && (isAlnum(c) || c == ' '):
			fmt.Fprintf(&b, `'"$(printf '%c%%.0s' $(seq 1 %d))"'`, c, j-i)
		case c == '\'':
			b.WriteString(strings.Repeat(`'\''`, j-i))
		default:
			b.WriteString(s[i:j])
		}
		i = j
	}
	b.WriteByte('\'')
	return b.String()
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
