package mockserver_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/nebeus/nebeus-contract/mockserver"
	"github.com/nebeus/nebeus-contract/schemas"
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

// BenchmarkHostileBody: a signup of about 1 MiB whose three integer
// arguments hold 330,000 digits each (issue 12: it once cost 1.2 s of CPU
// in big.Rat). The mock refuses the numbers by their length before any
// validator sees them, so answering costs about what reading the JSON
// costs: the baseline, decoding the same body, in the same run. Goal:
// under 50 ms.
func BenchmarkHostileBody(b *testing.B) {
	body := []byte(hostileBody())
	b.Run("baseline-decode", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if _, err := schemas.Decode(body); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("serve", func(b *testing.B) {
		srv, err := mockserver.New(mockserver.Config{})
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			r := httptest.NewRequest(http.MethodPost, "/signup/1.0/json", bytes.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, r)
			if w.Code != http.StatusOK || w.Body.Len() > 2048 {
				b.Fatalf("status %d, %d bytes: %.200s", w.Code, w.Body.Len(), w.Body)
			}
		}
	})
}
