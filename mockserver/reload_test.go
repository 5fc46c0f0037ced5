package mockserver_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/nebeus/nebeus-contract/mockserver"
	"github.com/nebeus/nebeus-contract/spec/runcontract"
)

func serve(t *testing.T, h http.Handler, method, path, body string) (int, string) {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.RemoteAddr, r.Host = "127.0.0.1:1234", "127.0.0.1:8080"
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	b, _ := io.ReadAll(w.Result().Body)
	return w.Code, string(b)
}

// Successor (nebeus-mock --watch, issue 17 item 1) serves the new
// contract, and its OpenAPI document, with the old one's state: a session
// opened before is still open, the metrics keep counting.
func TestSuccessorKeepsState(t *testing.T) {
	h := newHarness(t, nil)
	if code, body := serve(t, h.srv, "POST", "/signin/1.0/json", `{"jsonrpc":"2.0","id":1,"params":{"login":"`+demoLogin+`","password":"`+demoPassword+`"}}`); code != 200 || !strings.Contains(body, "session_id") {
		t.Fatalf("signin: %d %s", code, body)
	}
	page, err := runcontract.Load(runcontract.Options{Page: "../spec/runcontract/testdata/widgets/index.html.md"})
	if err != nil {
		t.Fatal(err)
	}
	if !h.srv.UsesAccounts() {
		t.Error("the embedded contract signs in against the demo accounts")
	}
	next, err := h.srv.Successor(page.Contract, page.OpenAPIYAML, page.OpenAPIJSON)
	if err != nil {
		t.Fatal(err)
	}
	if code, body := serve(t, next, "POST", "/widgets/get/1.0/json", `{"jsonrpc":"2.0","id":1,"params":{"widget_id":7}}`); code != 200 || !strings.Contains(body, "sprocket") {
		t.Errorf("the successor's operation: %d %s", code, body)
	}
	if code, _ := serve(t, next, "POST", "/signin/1.0/json", `{"jsonrpc":"2.0","id":1,"params":{}}`); code != 404 {
		t.Errorf("the old contract's operation on the successor: %d", code)
	}
	if code, body := serve(t, next, "GET", "/openapi.yaml", ""); code != 200 || !strings.Contains(body, "/widgets/get/1.0/json:") {
		t.Errorf("the successor's OpenAPI document: %d %.200s", code, body)
	}
	if code, body := serve(t, next, "GET", "/_mock/sessions", ""); code != 200 || !strings.Contains(body, demoLogin) {
		t.Errorf("sessions on the successor: %d %s", code, body)
	}
	if n := h.counter("nebeus_mock_requests_total"); n < 2 {
		t.Errorf("metrics not shared: %v requests counted", n)
	}
	// The old server still answers what it holds.
	if code, _ := serve(t, h.srv, "GET", "/_mock/sessions", ""); code != 200 {
		t.Errorf("the predecessor: %d", code)
	}
}

// A contract without its OpenAPI document serves none rather than the
// embedded one, which would describe another API.
func TestNoOpenAPIDocumentForAnotherContract(t *testing.T) {
	page, err := runcontract.Load(runcontract.Options{Page: "../spec/runcontract/testdata/widgets/index.html.md"})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mockserver.New(mockserver.Config{Contract: page.Contract})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if code, body := serve(t, srv, "GET", "/openapi.yaml", ""); code == 200 {
		t.Errorf("served an OpenAPI document: %.200s", body)
	}
	if srv.UsesAccounts() {
		t.Error("the widgets page neither signs in nor signs up, yet the demo accounts are said to be used")
	}
	if len(srv.Shadowed()) != 0 {
		t.Errorf("shadowed: %v", srv.Shadowed())
	}
}
