package mockserver

import (
	"github.com/nebeus/nebeus-contract/mockserver/faults"
	"github.com/nebeus/nebeus-contract/mockserver/namespace"
	"github.com/nebeus/nebeus-contract/mockserver/proxy"
	"github.com/nebeus/nebeus-contract/mockserver/request"
	"github.com/nebeus/nebeus-contract/mockserver/wire"
)

// The JSON-RPC error codes the mock answers with (T5), declared with the
// wire format (package wire) and repeated here so that callers of the mock
// need not know its rooms.
const (
	CodeParseError       = wire.CodeParseError
	CodeInvalidRequest   = wire.CodeInvalidRequest
	CodeMethodNotFound   = wire.CodeMethodNotFound
	CodeInvalidParams    = wire.CodeInvalidParams
	CodeInternalError    = wire.CodeInternalError
	CodeStoreUnavailable = wire.CodeStoreUnavailable
)

// NamespaceHeader names the isolated state a request works on; absent or
// empty: the default namespace (package namespace).
const NamespaceHeader = namespace.Header

// Proxy makes the mock a validation proxy in front of a real backend
// (issue 13): see [proxy.Config].
type Proxy = proxy.Config

// Defaults of Proxy.
const (
	DefaultProxyTimeout    = proxy.DefaultTimeout
	DefaultMaxResponseBody = proxy.DefaultMaxResponseBody
)

// ViolationsHeader carries the number of contract violations of a
// proxied exchange (package proxy).
const ViolationsHeader = proxy.ViolationsHeader

// The hints of a journal entry whose session should have arrived and did
// not (issue 10; package request, trace.go).
const (
	// HintCrossSite: the page and the mock are different sites (localhost
	// vs 127.0.0.1), so SameSite keeps the session cookie from travelling.
	HintCrossSite = request.HintCrossSite
	// HintNoCredentials: same site, but the page's fetch sent no cookies.
	HintNoCredentials = request.HintNoCredentials
)

// Fault is a failure the control API injects into an operation of one
// namespace: see [faults.Fault].
type Fault = faults.Fault

// Duration is a time.Duration written as a Go duration string in JSON:
// see [faults.Duration].
type Duration = faults.Duration
