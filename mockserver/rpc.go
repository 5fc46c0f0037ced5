package mockserver

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

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

// rpcError is a protocol error: the JSON-RPC error object and the HTTP status
// the mock answers it with (T5). It is the package's one error type.
type rpcError struct {
	Status  int    `json:"-"`
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    any    `json:"data,omitempty"`
}

func (e *rpcError) Error() string { return e.Message }

// The status of each protocol error, in one place (T5).
func errParse(msg string) *rpcError {
	return &rpcError{Status: http.StatusBadRequest, Code: CodeParseError, Message: "Parse error: " + msg}
}

func errInvalidRequest(msg string) *rpcError {
	return &rpcError{Status: http.StatusBadRequest, Code: CodeInvalidRequest, Message: "Invalid Request: " + msg}
}

func errUnknownPath(path string) *rpcError {
	return &rpcError{Status: http.StatusNotFound, Code: CodeMethodNotFound, Message: "Method not found: no operation at " + strconv.Quote(path)}
}

func errMethod(method string) *rpcError {
	return errMethodOf(method, []string{http.MethodPost})
}

// errMethodOf: a method the operation at the path does not take (T1, T5).
func errMethodOf(method string, allowed []string) *rpcError {
	return &rpcError{Status: http.StatusMethodNotAllowed, Code: CodeInvalidRequest, Message: "Invalid Request: method " + method + " not allowed, the operation takes " + strings.Join(allowed, ", ") + " (T1)"}
}

// errArguments: a plain HTTP operation's path or query arguments break its
// request schema.
func errArguments(msg string) *rpcError {
	return &rpcError{Status: http.StatusBadRequest, Code: CodeInvalidParams, Message: "Invalid params: " + msg}
}

// errMediaType: T2 says the body is application/json. A wrong Content-Type is
// answered 415 with -32600 (the request, not its params, is wrong), so a
// client sees both the HTTP reason and a JSON-RPC error it can parse.
func errMediaType(ct string) *rpcError {
	return &rpcError{Status: http.StatusUnsupportedMediaType, Code: CodeInvalidRequest, Message: "Invalid Request: Content-Type " + strconv.Quote(ct) + " is not application/json (T2)"}
}

func errTooLarge(limit int64) *rpcError {
	return &rpcError{Status: http.StatusRequestEntityTooLarge, Code: CodeInvalidRequest, Message: "Invalid Request: body larger than " + strconv.FormatInt(limit, 10) + " bytes"}
}

func errInternal() *rpcError {
	return &rpcError{Status: http.StatusInternalServerError, Code: CodeInternalError, Message: "Internal error"}
}

// fromViolations turns the envelope violations of a request (those with a
// JSON-RPC code, T5) into one error: -32600 when the request object itself
// is wrong, else -32602 for params that are not an object.
func fromViolations(vs []schemas.Violation) *rpcError {
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
	e := &rpcError{Status: http.StatusBadRequest, Code: first.Code}
	switch first.Code {
	case CodeInvalidParams:
		e.Message = "Invalid params: " + ptr + ": " + first.Message
	default:
		e.Message = "Invalid Request: " + ptr + ": " + first.Message
	}
	return e
}

// rawID is the request id to echo (T3): its JSON text when it is a string,
// number or null, else null (T5: a bad id is answered with id null).
func rawID(body any) json.RawMessage {
	obj, ok := body.(map[string]any)
	if !ok {
		return nullID
	}
	switch id := obj["id"].(type) {
	case string, json.Number:
		b, err := json.Marshal(id)
		if err != nil {
			return nullID
		}
		return b
	}
	return nullID
}

var nullID = json.RawMessage("null")

// errorBody is a JSON-RPC error response (T5).
type errorBody struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Error   *rpcError       `json:"error"`
}

// envelope is a JSON-RPC response carrying a result, fields in the page's
// order (T4).
type envelope struct {
	ID      json.RawMessage `json:"id"`
	JSONRPC string          `json:"jsonrpc"`
	Result  any             `json:"result"`
}

// wrap encodes result in a variant's shape (T4): a JSON array holding one
// envelope, a bare envelope, or the value itself.
func wrap(shape string, id json.RawMessage, result any) ([]byte, error) {
	if id == nil {
		id = nullID
	}
	switch shape {
	case schemas.ShapeBare:
		return marshal(result)
	case schemas.ShapeEnvelope:
		return marshal(envelope{ID: id, JSONRPC: "2.0", Result: result})
	default: // schemas.ShapeArray
		return marshal([1]envelope{{ID: id, JSONRPC: "2.0", Result: result}})
	}
}

// marshal is json.Marshal without HTML escaping: responses are read by
// programs, and "<" in a name should stay "<".
func marshal(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// contentTypeJSON is the media type of every answer (T3).
const contentTypeJSON = "application/json; charset=utf-8"

// writeJSON writes b with status.
func writeJSON(w http.ResponseWriter, status int, b []byte) {
	h := w.Header()
	h.Set("Content-Type", contentTypeJSON)
	h.Set("Content-Length", strconv.Itoa(len(b)))
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// encodeError encodes a JSON-RPC error response.
func encodeError(id json.RawMessage, e *rpcError) []byte {
	if id == nil {
		id = nullID
	}
	b, err := marshal(errorBody{JSONRPC: "2.0", ID: id, Error: e})
	if err != nil { // only an unencodable Data could do this
		b, _ = marshal(errorBody{JSONRPC: "2.0", ID: nullID, Error: &rpcError{Code: e.Code, Message: e.Message}})
	}
	return b
}

// writeError writes a protocol error (T5).
func writeError(w http.ResponseWriter, id json.RawMessage, e *rpcError) {
	writeJSON(w, e.Status, encodeError(id, e))
}

// encode writes v as JSON with status (the control API and the contract
// routes).
func encode(w http.ResponseWriter, status int, v any) {
	b, err := marshal(v)
	if err != nil {
		writeError(w, nullID, errInternal())
		return
	}
	writeJSON(w, status, b)
}
