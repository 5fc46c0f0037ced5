package mockserver

import (
	"bytes"
	"net"
	"net/http"
	"strconv"
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
func Listener(ln net.Listener) net.Listener { return listener{ln} }

type listener struct{ net.Listener }

func (l listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &conn{Conn: c}, nil
}

// conn replaces net/http's own refusals (see Listener).
type conn struct{ net.Conn }

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
	var e *rpcError
	switch {
	case code == http.StatusNotImplemented && reason == "Unsupported transfer encoding":
		e = errTransferEncoding()
	case code == http.StatusRequestHeaderFieldsTooLarge:
		e = &rpcError{Status: code, Code: CodeInvalidRequest, Message: "Invalid Request: header fields too large"}
	case code >= 400:
		// 400 with or without a reason ("400 Bad Request: missing required
		// Host header"), 505 for an unsupported version: all the client's.
		msg := "Invalid Request: malformed HTTP request"
		if _, why, ok := bytes.Cut(line, []byte(": ")); ok {
			msg += ": " + cut(string(why))
		}
		e = &rpcError{Status: http.StatusBadRequest, Code: CodeInvalidRequest, Message: msg}
	default:
		return nil, false
	}
	body := encodeError(nullID, e)
	var out bytes.Buffer
	out.WriteString(proto + strconv.Itoa(e.Status) + " " + http.StatusText(e.Status) + "\r\n")
	out.WriteString("Content-Type: " + contentTypeJSON + "\r\n")
	out.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n")
	out.WriteString("X-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n")
	out.Write(body)
	return out.Bytes(), true
}
