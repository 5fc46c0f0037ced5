package mockserver_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/nebeus/nebeus-contract/internal/testutil"
	"github.com/nebeus/nebeus-contract/mockserver"
	"github.com/nebeus/nebeus-contract/mockserver/metrics"
	"github.com/nebeus/nebeus-contract/schemas"
)

// FuzzHandler feeds arbitrary methods, paths, content types, Prefer and
// namespace headers and bodies to the handler (T5: nothing a client sends
// causes a 5xx or a panic) and checks that every 200 of an operation keeps
// the contract (T3, T4) and that no error answer grows with the request
// (issue 12: nothing is echoed unbounded). The seed corpus,
// testdata/fuzz/FuzzHandler, holds numbers the validator cannot take
// (huge exponents and digit counts, in every integer argument, the id, an
// undocumented argument, the control API) and JSON escapes (escaped secret
// keys, escapes in every string, malformed escapes).
func FuzzHandler(f *testing.F) {
	f.Add("POST", "/signin/1.0/json", "application/json", "", "", []byte(`{"jsonrpc":"2.0","id":1,"params":{"login":"demo@example.com","password":"demo-password-1"}}`))
	f.Add("POST", "/signup/1.0/json", "application/json; charset=utf-8", "variant=error", "ns-1", []byte(`{"jsonrpc":"2.0","params":{}}`))
	f.Add("POST", "/signup/1.0/json", "application/json", "", "", []byte(`{"jsonrpc":"2.0","id":1E+400,"params":{"country":1e1000001,"timezone":-1e-1000001,"device_type":`+strings.Repeat("9", 4096)+`}}`))
	f.Add("POST", "/signin/1.0/json", "application/json", "", "", []byte(`{"jsonrpc":"2.0","params":{"log\u0069n":"demo@example.com","pass\u0077ord":"demo-password-1","session_\u0069d":"\ud800"}}`))

	const maxErrorAnswer = 4096
	contract := schemas.MustDefault()
	logs := &testutil.Buffer{}
	reg := metrics.NewRegistry()
	srv, err := mockserver.New(mockserver.Config{
		Contract: contract, Control: true, ControlToken: "t", MaxBody: 64 << 10,
		Logger: slog.New(slog.NewTextHandler(logs, nil)), Registry: reg,
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, method, path, contentType, prefer, namespace string, body []byte) {
		if strings.Contains(strings.ToLower(prefer), "delay") {
			prefer = "" // latency is tested elsewhere; keep the fuzzer fast
		}
		if method == "" || strings.ContainsAny(method, " \t\r\n") {
			method = http.MethodPost
		}
		r := (&http.Request{
			Method:     method,
			URL:        &url.URL{Path: path},
			Proto:      "HTTP/1.1",
			ProtoMajor: 1, ProtoMinor: 1,
			Header:     http.Header{},
			Body:       io.NopCloser(bytes.NewReader(body)),
			Host:       "mock.test",
			RemoteAddr: "192.0.2.1:1234",
			RequestURI: path,
		}).WithContext(context.Background())
		r.ContentLength = int64(len(body))
		r.Header.Set("Content-Type", contentType)
		if prefer != "" {
			r.Header.Set("Prefer", prefer)
		}
		if namespace != "" {
			r.Header.Set(mockserver.NamespaceHeader, namespace)
		}
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		if w.Code >= 500 {
			t.Fatalf("%s %q answered %d: %s", method, path, w.Code, w.Body)
		}
		if w.Code >= 400 && w.Body.Len() > maxErrorAnswer {
			t.Fatalf("%s %q answered %d with %d bytes: an error answer echoes the request: %.300s", method, path, w.Code, w.Body.Len(), w.Body)
		}
		op, isOp := contract.OperationByPath(path)
		if !isOp || method == http.MethodOptions {
			return
		}
		v, err := schemas.Decode(w.Body.Bytes())
		if err != nil {
			t.Fatalf("%s answered %d with a body that is not JSON: %q", path, w.Code, w.Body)
		}
		if w.Code == http.StatusOK {
			variant, vs, err := contract.ValidateResponse(op.ID, v)
			if err != nil || len(vs) > 0 {
				t.Fatalf("%s 200 breaks the contract (%s): %v %v\n%s", op.ID, variant, vs, err, w.Body)
			}
			return
		}
		if vs, err := contract.Validate("jsonrpc-error", v); err != nil || len(vs) > 0 {
			t.Fatalf("%s %d is not a JSON-RPC error: %v %v\n%s", op.ID, w.Code, vs, err, w.Body)
		}
		if strings.Contains(logs.String(), "panic") {
			t.Fatalf("a panic was logged:\n%s", logs.String())
		}
	})
}
