package mockserver_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/nebeus/nebeus-contract/mockserver"
	"github.com/nebeus/nebeus-contract/schemas"
	"github.com/nebeus/nebeus-contract/spec/runcontract"
)

// pageContract is the contract of one of spec/generate/testdata/pages
// (pages in other APIs' styles, issue 17), without the project's overlay.
func pageContract(t *testing.T, name string) *schemas.Contract {
	t.Helper()
	l, err := runcontract.Load(runcontract.Options{Page: filepath.Join("..", "spec", "generate", "testdata", "pages", name)})
	if err != nil {
		t.Fatal(err)
	}
	return l.Contract
}

// The mock speaks each page's operations as their model says: JSON-RPC
// methods sharing "POST /" by the call's method, params by position
// (item 4); form fields in the body (item 5); an operation with no usable
// example answered JSON, in a bare envelope for JSON-RPC (item 8).
func TestPagesMockSpeaksTheirOperations(t *testing.T) {
	const form = "application/x-www-form-urlencoded"
	tests := []struct {
		name, page, method, path, contentType, body string
		status, code                                int    // code: the JSON-RPC error's, 0 for none
		answer                                      string // a part of the answer's body
	}{
		{"each method answers its own result", "jsonrpc_methods.md", "POST", "/", "", `{"jsonrpc":"2.0","method":"eth_getBlockByNumber","params":["0x1b4",true],"id":1}`, 200, 0, `"gasUsed":"0x9f759"`},
		{"another method at the same URL", "jsonrpc_methods.md", "POST", "/", "", `{"jsonrpc":"2.0","method":"eth_getBalance","params":["0x407d", "latest"],"id":2}`, 200, 0, `"result":"0x0234c8a3397aab58"`},
		{"a method's params of the wrong type are its invalid params", "jsonrpc_methods.md", "POST", "/", "", `{"jsonrpc":"2.0","method":"eth_getBlockByNumber","params":[5,"x"],"id":3}`, 400, -32602, `"id":3`},
		{"params by name where a method takes them by position", "jsonrpc_methods.md", "POST", "/", "", `{"jsonrpc":"2.0","method":"eth_getBalance","params":{"address":"0x1"},"id":4}`, 400, -32602, ``},
		{"too many params", "jsonrpc_methods.md", "POST", "/", "", `{"jsonrpc":"2.0","method":"net_version","params":[1],"id":5}`, 400, -32602, ``},
		{"an unknown method", "jsonrpc_methods.md", "POST", "/", "", `{"jsonrpc":"2.0","method":"eth_nope","params":[],"id":6}`, 404, -32601, `eth_nope`},
		{"no method", "jsonrpc_methods.md", "POST", "/", "", `{"jsonrpc":"2.0","params":[],"id":7}`, 404, -32601, ``},
		{"jsonrpc 1.0, without the overlay (T5)", "jsonrpc_methods.md", "POST", "/", "", `{"jsonrpc":"1.0","method":"net_version","params":[],"id":8}`, 400, -32600, ``},
		{"form fields in the body", "form_post.md", "POST", "/v1/messages", form, "to=%2B34600111222&from=ACME&body=hi", 200, 0, `"status":"queued"`},
		{"form fields in the query are not the body", "form_post.md", "POST", "/v1/messages?to=1&from=2&body=3", form, "", 400, -32602, `to`},
		{"a form field missing", "form_post.md", "POST", "/v1/messages", form, "to=1&from=2", 400, -32602, `body`},
		{"multipart fields", "form_post.md", "POST", "/v1/lists", "multipart/form-data; boundary=XX", "--XX\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nCustomers\r\n--XX--\r\n", 200, 0, `"list_id":7`},
		{"a body past the limit", "form_post.md", "POST", "/v1/messages", form, "to=" + strings.Repeat("x", 2<<20), 413, 0, ``},
		{"a POST whose arguments travel in the query", "query_string.md", "POST", "/v2/current?city=Madrid", "", "", 200, 0, `"city":"Madrid"`},
		{"its required argument missing", "query_string.md", "POST", "/v2/current?units=metric", "", "", 400, -32602, `city`},
		{"no usable example, plain HTTP: JSON", "image_endpoint.md", "GET", "/api/ping", "", "", 200, 0, `{}`},
		{"no usable example, JSON-RPC: a bare envelope", "image_endpoint.md", "POST", "/api/users/rename", "", `{"jsonrpc":"2.0","method":"call","params":{"user_id":1,"name":"x"},"id":9}`, 200, 0, `{"id":9,"jsonrpc":"2.0","result":{}}`},
		{"an image by its wording", "image_endpoint.md", "GET", "/api/users/42/avatar", "", "", 200, 0, "\x89PNG"},
		{"only an error documented: the error, in its shape", "image_endpoint.md", "POST", "/api/users/remove", "", `{"jsonrpc":"2.0","method":"call","params":{"user_id":1},"id":11}`, 200, 0, `"status":"error"`},
		{"a JSON-RPC call whose wording says it returns a PDF", "image_endpoint.md", "POST", "/api/reports/export", "", `{"jsonrpc":"2.0","method":"call","params":{"month":"2024-05"},"id":10}`, 200, 0, "%PDF"},
	}
	contracts := map[string]*schemas.Contract{}
	for _, tt := range tests {
		if contracts[tt.page] == nil {
			contracts[tt.page] = pageContract(t, tt.page)
		}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// The harness's own contract check stays the project's (it
			// finds an operation by its path alone); the suite checks
			// these answers (conformance/pages_test.go).
			h := newHarness(t, func(cfg *mockserver.Config) { cfg.Contract = contracts[tt.page] })
			var hs []hdr
			if tt.contentType != "" {
				hs = append(hs, hdr{"Content-Type", ""}, hdr{"Content-Type", tt.contentType})
			}
			a := h.do(tt.method, tt.path, tt.body, hs...)
			if a.Status != tt.status {
				t.Fatalf("HTTP %d, want %d: %s", a.Status, tt.status, a.Body)
			}
			if tt.code != 0 && a.rpcCode() != tt.code {
				t.Errorf("code %d, want %d: %s", a.rpcCode(), tt.code, a.Body)
			}
			if !strings.Contains(string(a.Body), tt.answer) {
				t.Errorf("the answer lacks %q: %s", tt.answer, a.Body)
			}
		})
	}
}
