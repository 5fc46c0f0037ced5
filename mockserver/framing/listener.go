package framing

import (
	"bytes"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/nebeus/nebeus-contract/mockserver/wire"
)

// Listener wraps ln so that the requests net/http refuses before any
// handler runs get the mock's own answer, a JSON-RPC error (T5), instead of
// net/http's text/plain one:
//
//   - a Transfer-Encoding other than chunked alone ("gzip, chunked",
//     "identity"), which net/http answers 501: the mock answers 400 with
//     -32600 (errTransferEncoding); nothing a client sends gets a 5xx;
//   - a request net/http cannot parse (a malformed request line or header,
//     a bad Content-Length, a missing Host, an unsupported HTTP version,
//     which it answers 505): 400 with -32600 and net/http's reason;
//   - headers over the server's MaxHeaderBytes: 431 with -32600.
//
// net/http writes those answers itself, in one write of a fixed form
// (status line, "Content-Type: text/plain; charset=utf-8", "Connection:
// close", then the reason), and closes the connection; Listener's
// connections recognise exactly that write and replace it. Any other write
// passes untouched: an answer a handler writes always carries a Date
// header, which those never do. What stays net/http's: a connection that
// sends nothing or stops mid-request is closed without an answer (net/http
// writes none), and TLS and HTTP/2 framing errors (the mock serves neither).
//
// One refusal is the mock's own (issue 19): a request with both
// Content-Length and Transfer-Encoding. net/http reads its body as chunked
// and drops Content-Length; a front proxy that trusted Content-Length
// would read the same bytes otherwise, and what one of them takes for a
// body the other serves as the next request (request smuggling). RFC 9112
// (6.1) says to close the connection after answering such a request:
// Listener's connections note, from the bytes they read, that a request
// head carried both, and the mock answers the request 400 with
// "Connection: close" (ambiguousFraming), so that net/http closes the
// connection and never serves what followed on it.
func Listener(ln net.Listener) net.Listener { return listener{ln} }

type listener struct{ net.Listener }

func (l listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	mc := &conn{Conn: c, key: connKey(c.LocalAddr(), c.RemoteAddr().String())}
	conns.Store(mc.key, mc)
	return mc, nil
}

// conns are the open connections of every Listener, by connKey: a
// handler finds its request's by the addresses net/http gives it.
var conns sync.Map

func connKey(local net.Addr, remote string) string {
	if local == nil {
		return remote
	}
	return local.String() + " " + remote
}

// conn replaces net/http's own refusals and notes ambiguous framing (see
// Listener).
type conn struct {
	net.Conn
	key   string
	heads headScan
	// both: a request head read on this connection carried both
	// Content-Length and Transfer-Encoding. Never cleared: the
	// connection is closed after the answer to that request.
	both atomic.Bool
}

func (c *conn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	if n > 0 && c.heads.scan(p[:n]) {
		c.both.Store(true)
	}
	return n, err
}

func (c *conn) Close() error {
	conns.CompareAndDelete(c.key, c)
	return c.Conn.Close()
}

// headScan finds, in the bytes a connection reads, a block of lines
// (ended by an empty line) holding both a Content-Length and a
// Transfer-Encoding header line. It reads bodies as lines too, which can
// only make it see such a block where there is none: the cost is a
// chunked request answered 400 and its connection closed, never a
// smuggled request served. Lines are looked at by their first bytes only,
// so it holds a few bytes whatever a client sends.
type headScan struct {
	line   [len("transfer-encoding:")]byte // the current line's first bytes, lower-cased
	n      int                             // bytes of the current line seen
	cl, te bool                            // the current block's header lines
}

// scan reads b and reports whether a block ended in it held both.
func (h *headScan) scan(b []byte) bool {
	found := false
	for len(b) > 0 {
		i := bytes.IndexByte(b, '\n')
		seg := b
		if i >= 0 {
			seg = b[:i]
		}
		for _, c := range seg[:min(len(seg), max(len(h.line)-h.n, 0))] {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			h.line[h.n] = c
			h.n++
		}
		if h.n >= len(h.line) {
			h.n += len(seg) // past the prefix: only whether the line is empty matters
		}
		if i < 0 {
			break
		}
		l := h.line[:min(h.n, len(h.line))]
		switch {
		case h.n == 0 || h.n == 1 && l[0] == '\r': // an empty line: the block ends
			found = found || h.cl && h.te
			h.cl, h.te = false, false
		case bytes.HasPrefix(l, []byte("content-length:")):
			h.cl = true
		case bytes.HasPrefix(l, []byte("transfer-encoding:")):
			h.te = true
		}
		h.n = 0
		b = b[i+1:]
	}
	return found
}

// AmbiguousFraming reports whether r was read on a Listener connection
// that saw a request head with both Content-Length and Transfer-Encoding
// (net/http has dropped the Content-Length by now): the mock answers it
// 400 and closes the connection (see Listener).
func AmbiguousFraming(r *http.Request) bool {
	if len(r.TransferEncoding) == 0 {
		return false
	}
	local, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	c, ok := conns.Load(connKey(local, r.RemoteAddr))
	return ok && c.(*conn).both.Load()
}

// ErrFraming: a request with both Content-Length and Transfer-Encoding.
func ErrFraming() *wire.Error {
	return &wire.Error{Status: http.StatusBadRequest, Code: wire.CodeInvalidRequest,
		Message: "Invalid Request: both Content-Length and Transfer-Encoding; send one (RFC 9112 6.1); the connection is closed"}
}

// refusalHeaders is what net/http writes between the status line and the
// reason of a request it refuses (net/http/server.go, errorHeaders).
const refusalHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"

func (c *conn) Write(b []byte) (int, error) {
	if out, ok := replaceRefusal(b); ok {
		if _, err := c.Conn.Write(out); err != nil {
			return 0, err
		}
		return len(b), nil
	}
	return c.Conn.Write(b)
}

// replaceRefusal returns the mock's answer for one of net/http's own
// refusals, and false for any other write.
func replaceRefusal(b []byte) ([]byte, bool) {
	const proto = "HTTP/1.1 "
	if len(b) > 1024 || !bytes.HasPrefix(b, []byte(proto)) {
		return nil, false
	}
	line, rest, ok := bytes.Cut(b, []byte(refusalHeaders[:2]))
	if !ok || !bytes.HasPrefix(rest, []byte(refusalHeaders[2:])) {
		return nil, false
	}
	reason := string(rest[len(refusalHeaders)-2:])
	code, err := strconv.Atoi(string(line[len(proto):min(len(line), len(proto)+3)]))
	if err != nil {
		return nil, false
	}
	var e *wire.Error
	switch {
	case code == http.StatusNotImplemented && reason == "Unsupported transfer encoding":
		e = wire.ErrTransferEncoding()
	case code == http.StatusRequestHeaderFieldsTooLarge:
		e = &wire.Error{Status: code, Code: wire.CodeInvalidRequest, Message: "Invalid Request: header fields too large"}
	case code >= 400:
		// 400 with or without a reason ("400 Bad Request: missing required
		// Host header"), 505 for an unsupported version: all the client's.
		msg := "Invalid Request: malformed HTTP request"
		if _, why, ok := bytes.Cut(line, []byte(": ")); ok {
			msg += ": " + wire.Cut(string(why))
		}
		e = &wire.Error{Status: http.StatusBadRequest, Code: wire.CodeInvalidRequest, Message: msg}
	default:
		return nil, false
	}
	body := wire.EncodeError(wire.NullID, e)
	var out bytes.Buffer
	out.WriteString(proto + strconv.Itoa(e.Status) + " " + http.StatusText(e.Status) + "\r\n")
	out.WriteString("Content-Type: " + wire.ContentTypeJSON + "\r\n")
	out.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n")
	out.WriteString("X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n")
	out.Write(body)
	return out.Bytes(), true
}
