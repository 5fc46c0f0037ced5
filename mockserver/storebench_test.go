package mockserver_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/nebeus/nebeus-contract/internal/testutil"
	"github.com/nebeus/nebeus-contract/mockserver"
)

// storeBenchClients is how many clients BenchmarkStores runs at once: a
// mock shared by a frontend group serves many. Throughput is the server's
// capacity only when its CPUs are busy; with a store across a socket
// (Redis), a handful of clients leaves them waiting on round trips, so
// two clients would measure latency instead (the README gives both).
const storeBenchClients = 64

// BenchmarkStores measures signup and signin through the whole handler
// (ServeHTTP, storeBenchClients at once) on each store, next to the memory
// store in the same run: x_memory is the store's throughput as a fraction
// of memory's. Goals (issue 11): signin on file >= 0.5, on redis >= 0.3.
// Reported, never enforced. The signin is of an account signed up through
// the store, so it reads the store as well as writing the session. Each
// run starts from an empty store, as the memory one does.
func BenchmarkStores(b *testing.B) {
	perOp := map[string]float64{}
	for _, op := range []string{"signup", "signin"} {
		for _, store := range []string{"memory", "file", "redis"} {
			b.Run(op+"/"+store, func(b *testing.B) {
				spec := "memory"
				switch store {
				case "file":
					spec = "file:" + filepath.Join(b.TempDir(), "store.db") // fresh, as memory is
				case "redis":
					spec = testutil.StartRedis(b)
				}
				srv, err := mockserver.New(mockserver.Config{Store: spec})
				if err != nil {
					b.Fatal(err)
				}
				defer srv.Close()
				serve := func(path, body string) int {
					r := httptest.NewRequest(http.MethodPost, path, nil)
					r.Header.Set("Content-Type", "application/json")
					r.Body = nopCloser{bytes.NewReader([]byte(body))}
					w := httptest.NewRecorder()
					srv.ServeHTTP(w, r)
					return w.Code
				}
				signup := func(i int64) string {
					return fmt.Sprintf(`{"jsonrpc":"2.0","method":"call","id":1,"params":{"login":"u%d@example.com","password":"password-123","confirm_password":"password-123","name":"B","surname":"M","country":2}}`, i)
				}
				serve("/signup/1.0/json", signup(0))
				signin := `{"jsonrpc":"2.0","method":"call","id":1,"params":{"login":"u0@example.com","password":"password-123"}}`
				var n atomic.Int64
				b.SetParallelism(max(1, storeBenchClients/runtime.GOMAXPROCS(0)))
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						path, body := "/signin/1.0/json", signin
						if op == "signup" {
							path, body = "/signup/1.0/json", signup(n.Add(1))
						}
						if code := serve(path, body); code != http.StatusOK {
							b.Errorf("%s: HTTP %d", op, code)
							return
						}
					}
				})
				nsop := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
				perOp[op+"/"+store] = nsop
				if mem, ok := perOp[op+"/memory"]; ok && store != "memory" {
					b.ReportMetric(mem/nsop, "x_memory")
				}
			})
		}
	}
}
