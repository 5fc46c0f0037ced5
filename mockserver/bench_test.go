package mockserver_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/nebeus/nebeus-contract/mockserver"
)

// benchmarkOp measures ServeHTTP for one request body, through the whole
// handler chain (logging to a discarded handler, metrics, CORS, routing).
func benchmarkOp(b *testing.B, path, body string) {
	srv, err := mockserver.New(mockserver.Config{})
	if err != nil {
		b.Fatal(err)
	}
	payload := []byte(body)
	req := httptest.NewRequest(http.MethodPost, path, nil)
	req.Header.Set("Content-Type", "application/json")
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		r := req.Clone(req.Context())
		r.Body = nopCloser{bytes.NewReader(payload)}
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}

type nopCloser struct{ *bytes.Reader }

func (nopCloser) Close() error { return nil }

func BenchmarkServeHTTPSignin(b *testing.B) {
	benchmarkOp(b, "/signin/1.0/json", `{"jsonrpc":"2.0","method":"call","id":1,"params":{"login":"demo@example.com","password":"demo-password-1"}}`)
}

func BenchmarkServeHTTPSigninFailure(b *testing.B) {
	benchmarkOp(b, "/signin/1.0/json", `{"jsonrpc":"2.0","method":"call","id":1,"params":{"login":"demo@example.com","password":"wrong-password"}}`)
}

func BenchmarkServeHTTPGetCountries(b *testing.B) {
	benchmarkOp(b, "/get_countries/1.0/json", `{"jsonrpc":"2.0","method":"call","id":1,"params":{}}`)
}
