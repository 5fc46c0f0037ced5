package mockserver

import (
	"net"

	"github.com/nebeus/nebeus-contract/mockserver/framing"
)

// Listener wraps ln so that the requests net/http refuses before any
// handler runs get the mock's own answer, a JSON-RPC error (T5), instead of
// net/http's text/plain one, and so that a request with both
// Content-Length and Transfer-Encoding is answered 400 and its connection
// closed (RFC 9112 6.1). See [framing.Listener].
func Listener(ln net.Listener) net.Listener { return framing.Listener(ln) }
