package wire

import (
	"encoding/json"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode/utf8"

	"github.com/nebeus/nebeus-contract/mockserver/state"
	"github.com/nebeus/nebeus-contract/schemas"
)

// JSON-RPC 2.0 error codes (T5).
const (
	CodeParseError     = -32700
	CodeInvalidRequest = -32600
	CodeMethodNotFound = -32601
	CodeInvalidParams  = -32602
	CodeInternalError  = -32603
)

// Error is a protocol error: the JSON-RPC error object and the HTTP status
// the mock answers it with (T5). It is the package's one error type.
type Error struct {
	Status  int    `json:"-"`
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    any    `json:"data,omitempty"`
}

func (e *Error) Error() string { return e.Message }

// The status of each protocol error, in one place (T5).
func ErrParse(msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: CodeParseError, Message: "Parse error: " + msg}
}

func ErrInvalidRequest(msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: CodeInvalidRequest, Message: "Invalid Request: " + msg}
}

func ErrUnknownPath(path string) *Error {
	return &Error{Status: http.StatusNotFound, Code: CodeMethodNotFound, Message: "Method not found: no operation at " + Echo(path)}
}

// ErrUnknownMethod: a call at a URL several JSON-RPC methods share whose
// "method" names none of them (issue 17; T5's -32601).
func ErrUnknownMethod(method any) *Error {
	name, _ := method.(string)
	return &Error{Status: http.StatusNotFound, Code: CodeMethodNotFound, Message: "Method not found: " + Echo(name)}
}

// ErrMethodOf: a method the operation at the path does not take (T1, T5).
func ErrMethodOf(method string, allowed []string) *Error {
	return &Error{Status: http.StatusMethodNotAllowed, Code: CodeInvalidRequest, Message: "Invalid Request: method " + Echo(method) + " not allowed, the operation takes " + strings.Join(allowed, ", ") + " (T1)"}
}

// ErrArguments: a plain HTTP operation's path or query arguments break its
// request schema.
func ErrArguments(msg string) *Error {
	return &Error{Status: http.StatusBadRequest, Code: CodeInvalidParams, Message: "Invalid params: " + msg}
}

// ErrMediaType: T2 says the body is application/json. A wrong Content-Type is
// answered 415 with -32600 (the request, not its params, is wrong), so a
// client sees both the HTTP reason and a JSON-RPC error it can parse.
func ErrMediaType(ct string) *Error {
	return &Error{Status: http.StatusUnsupportedMediaType, Code: CodeInvalidRequest, Message: "Invalid Request: Content-Type " + Echo(ct) + " is not application/json (T2)"}
}

// ErrContentEncoding: a body compressed (Content-Encoding: gzip...) is not
// the JSON T2 asks for; 415 says which coding the mock does not take.
func ErrContentEncoding(ce string) *Error {
	return &Error{Status: http.StatusUnsupportedMediaType, Code: CodeInvalidRequest, Message: "Invalid Request: Content-Encoding " + Echo(ce) + " is not supported; send the JSON body uncompressed (T2)"}
}

// ErrTransferEncoding answers a Transfer-Encoding net/http does not read
// (anything but chunked alone): the body's length cannot be known.
func ErrTransferEncoding() *Error {
	return &Error{Status: http.StatusBadRequest, Code: CodeInvalidRequest, Message: "Invalid Request: Transfer-Encoding not supported; send the body with Content-Length, or with Transfer-Encoding: chunked alone (T2)"}
}

// maxEcho bounds what an error message repeats of a request (a path, a
// header, a method): an answer never grows with what a client sends.
const maxEcho = 64

// Echo quotes s for an error message, cut to maxEcho bytes.
func Echo(s string) string {
	if len(s) > maxEcho {
		return strconv.Quote(Cut(s)) + "…"
	}
	return strconv.Quote(s)
}

// Cut is s's first maxEcho bytes, on a rune boundary.
func Cut(s string) string { return CutAt(s, maxEcho) }

// maxReason bounds an error's text built from another error (a decoder's,
// which may quote the request): errText.
const maxReason = 256

// ErrText is err's text, cut to maxReason bytes.
func ErrText(err error) string {
	s := err.Error()
	if len(s) > maxReason {
		return CutAt(s, maxReason) + "…"
	}
	return s
}

func CutAt(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func ErrTooLarge(limit int64) *Error {
	return &Error{Status: http.StatusRequestEntityTooLarge, Code: CodeInvalidRequest, Message: "Invalid Request: body larger than " + strconv.FormatInt(limit, 10) + " bytes"}
}

// CodeStoreUnavailable is the JSON-RPC error of a call the mock cannot
// answer because its store failed (issue 19): in JSON-RPC's server range,
// which T5 leaves to a deployment (-32000..-32099).
const CodeStoreUnavailable = -32000

// RetryAfter is the Retry-After of a store failure, in seconds: the store
// is probed every 100 ms, so a second is enough for a short outage.
const RetryAfter = "1"

// ErrStore: the store failed (state.Failure): 503, the failure's kind in
// data.store ("unavailable", "deadline", "full", "corrupt"), and a text
// that names no host, key or library.
func ErrStore(err error) *Error {
	kind, text := "unavailable", "the mock's store is unavailable"
	switch state.Failure(err) {
	case state.ErrDeadline:
		kind, text = "deadline", "the mock's store did not answer in time"
	case state.ErrFull:
		kind, text = "full", "the mock's store is full"
	case state.ErrCorrupt:
		kind, text = "corrupt", "the mock's store holds damaged data"
	}
	return &Error{Status: http.StatusServiceUnavailable, Code: CodeStoreUnavailable,
		Message: "Service unavailable: " + text + "; retry later", Data: map[string]string{"store": kind}}
}

func ErrInternal() *Error {
	return &Error{Status: http.StatusInternalServerError, Code: CodeInternalError, Message: "Internal error"}
}

// FromViolations turns the envelope violations of a request (those with a
// JSON-RPC code, T5) into one error: -32600 when the request object itself
// is wrong, else -32602 for params that are not an object.
func FromViolations(vs []schemas.Violation) *Error {
	var first *schemas.Violation
	for i := range vs {
		v := &vs[i]
		if v.Code == 0 || v.Warning {
			continue
		}
		if first == nil || (first.Code != CodeInvalidRequest && v.Code == CodeInvalidRequest) {
			first = v
		}
	}
	if first == nil {
		return nil
	}
	ptr := first.Pointer
	if ptr == "" {
		ptr = "/"
	}
	e := &Error{Status: http.StatusBadRequest, Code: first.Code}
	switch first.Code {
	case CodeInvalidParams:
		e.Message = "Invalid params: " + ptr + ": " + first.Message
	default:
		e.Message = "Invalid Request: " + ptr + ": " + first.Message
	}
	return e
}

// RawID is the request id to echo (T3): its JSON text when it is a string,
// number or null, else null (T5: a bad id is answered with id null).
func RawID(body any) json.RawMessage {
	obj, ok := body.(map[string]any)
	if !ok {
		return NullID
	}
	switch id := obj["id"].(type) {
	case json.Number:
		if !schemas.Checkable(id) {
			return NullID // refused as -32600 (schemas.Checkable): not echoed
		}
		return json.RawMessage(id)
	case string:
		b, err := json.Marshal(id)
		if err != nil {
			return NullID
		}
		return b
	}
	return NullID
}

var NullID = json.RawMessage("null")

// errorBody is a JSON-RPC error response (T5).
type errorBody struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Error   *Error          `json:"error"`
}

// envelope is a JSON-RPC response carrying a result, fields in the page's
// order (T4).
type envelope struct {
	ID      json.RawMessage `json:"id"`
	JSONRPC string          `json:"jsonrpc"`
	Result  any             `json:"result"`
}

// Wrap writes a variant's answer in its shape (T4): a JSON array holding
// one envelope, a bare envelope, or the result itself, which appendResult
// appends. The envelope's keys are in envelope's order (encode.go).
func Wrap(shape string, id json.RawMessage, appendResult func([]byte) ([]byte, error)) ([]byte, error) {
	if id == nil {
		id = NullID
	}
	dst := make([]byte, 0, 512)
	if shape == schemas.ShapeBare {
		return appendResult(dst)
	}
	if shape != schemas.ShapeEnvelope { // schemas.ShapeArray
		dst = append(dst, '[')
	}
	dst, err := appendEnvelopeHead(dst, id, "2.0")
	if err == nil {
		dst, err = appendResult(dst)
	}
	if err != nil {
		return nil, err
	}
	dst = append(dst, '}')
	if shape != schemas.ShapeEnvelope {
		dst = append(dst, ']')
	}
	return dst, nil
}

// ContentTypeJSON is the media type of every answer (T3): application/json
// without a charset parameter. JSON text is UTF-8 by definition (RFC 8259
// §8.1) and the media type defines no charset parameter (RFC 8259 §11), so
// strict tools (Dredd) refuse an answer carrying one.
const ContentTypeJSON = "application/json"

// Header values shared by every answer, so that writing one allocates
// nothing. Their capacity is their length: an Add to the same header
// copies rather than writes into them.
var (
	contentTypeJSONValue = []string{ContentTypeJSON}[:1:1]
	nosniffValue         = []string{"nosniff"}[:1:1]
)

// contentLengths remembers recent Content-Length values by length modulo
// their number: most answers of an operation have the same length or
// nearly (get_countries' always), and a hit saves the header its two
// allocations. A value is never changed once stored (capacity = length,
// as for the shared headers above).
var contentLengths [64]atomic.Pointer[lengthValue]

type lengthValue struct {
	n int
	v []string
}

func contentLength(n int) []string {
	slot := &contentLengths[n%len(contentLengths)]
	if lv := slot.Load(); lv != nil && lv.n == n {
		return lv.v
	}
	v := []string{strconv.Itoa(n)}[:1:1]
	slot.Store(&lengthValue{n, v})
	return v
}

// WriteJSON writes b with status.
func WriteJSON(w http.ResponseWriter, status int, b []byte) {
	h := w.Header()
	h["Content-Type"] = contentTypeJSONValue
	h["Content-Length"] = contentLength(len(b))
	h["X-Content-Type-Options"] = nosniffValue
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// EncodeError encodes a JSON-RPC error response.
func EncodeError(id json.RawMessage, e *Error) []byte {
	if id == nil {
		id = NullID
	}
	b, err := Marshal(errorBody{JSONRPC: "2.0", ID: id, Error: e})
	if err != nil { // only an unencodable Data could do this
		b, _ = Marshal(errorBody{JSONRPC: "2.0", ID: NullID, Error: &Error{Code: e.Code, Message: e.Message}})
	}
	return b
}

// WriteError writes a protocol error (T5).
func WriteError(w http.ResponseWriter, id json.RawMessage, e *Error) {
	WriteJSON(w, e.Status, EncodeError(id, e))
}

// Encode writes v as JSON with status (the control API and the contract
// routes).
func Encode(w http.ResponseWriter, status int, v any) {
	b, err := Marshal(v)
	if err != nil {
		WriteError(w, NullID, ErrInternal())
		return
	}
	WriteJSON(w, status, b)
}

// IsJSON: T2's Content-Type, application/json with any parameters.
func IsJSON(ct string) bool {
	if ct == "application/json" || ct == "application/json; charset=utf-8" {
		return true // what clients send, without parsing
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == "application/json"
}
