package mockserver_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/nebeus/nebeus-contract/mockserver"
)

// TestControlHostCheck: after DNS rebinding a page on another site reaches
// the mock under its own host name; the control API and the console answer
// only the names and addresses the mock listens on and localhost names
// (issue 10). Requests go over a real loopback connection, as curl sends
// them, each with its Host header.
func TestControlHostCheck(t *testing.T) {
	srv, err := mockserver.New(mockserver.Config{Control: true, ControlToken: "s3cret-token"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	_, port, _ := net.SplitHostPort(ts.Listener.Addr().String())

	for _, tc := range []struct {
		host, path, auth string
		want             int
	}{
		{"127.0.0.1:" + port, "/_mock/outbox", "", 200},
		{"localhost:" + port, "/_mock/outbox", "", 200},
		{"LOCALHOST.:" + port, "/_mock/outbox", "", 200},
		{"app.localhost:" + port, "/_mock/outbox", "", 200},
		{"[::1]:" + port, "/_mock/outbox", "", 200},
		{"127.0.0.2", "/_mock/journal", "", 200},
		{"localhost:" + port, "/_mock/", "", 200},
		{"attacker.example", "/_mock/outbox", "", 403},
		{"attacker.example:" + port, "/_mock/", "", 403},
		{"attacker.example:" + port, "/_mock/events", "", 403},
		{"localhost.attacker.example", "/_mock/accounts", "", 403},
		{"127.0.0.1.nip.io:" + port, "/_mock/sessions", "", 403},
		{"203.0.113.7:" + port, "/_mock/outbox", "", 403},
		// The token passes from anywhere: no rebinding page has it.
		{"mock.internal:" + port, "/_mock/outbox", "Bearer s3cret-token", 200},
		{"mock.internal:" + port, "/_mock/outbox", "Bearer wrong", 403},
		// The public surface answers any Host.
		{"attacker.example", "/openapi.json", "", 200},
		{"attacker.example", "/healthz", "", 200},
	} {
		req, err := http.NewRequest(http.MethodGet, ts.URL+tc.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Host = tc.host
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("GET %s with Host %q: %d, want %d: %s", tc.path, tc.host, resp.StatusCode, tc.want, body)
		}
		if tc.want == 403 && !strings.Contains(string(body), "DNS rebinding") && tc.auth == "" {
			t.Errorf("GET %s with Host %q: the 403 does not say why: %s", tc.path, tc.host, body)
		}
	}

	// A POST that would reset state is refused the same way.
	req, _ := http.NewRequest(http.MethodPost, ts.URL+"/_mock/reset", nil)
	req.Host = "attacker.example"
	resp, err := ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("POST /_mock/reset with a foreign Host: %d, want 403", resp.StatusCode)
	}
}

// TestControlHostCheckListenAddress: a mock listening on all addresses
// answers the control API by the address the connection arrived on.
func TestControlHostCheckListenAddress(t *testing.T) {
	srv, err := mockserver.New(mockserver.Config{Control: true})
	if err != nil {
		t.Fatal(err)
	}
	local := &net.TCPAddr{IP: net.ParseIP("192.0.2.10"), Port: 8080}
	for host, want := range map[string]int{"192.0.2.10:8080": 200, "192.0.2.11:8080": 403, "devbox.example:8080": 403} {
		r := httptest.NewRequest(http.MethodGet, "/_mock/outbox", nil)
		r = r.WithContext(context.WithValue(r.Context(), http.LocalAddrContextKey, local))
		r.Host, r.RemoteAddr = host, "127.0.0.1:5000"
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, r)
		if w.Code != want {
			t.Errorf("Host %q on a connection to %s: %d, want %d", host, local, w.Code, want)
		}
	}
}
