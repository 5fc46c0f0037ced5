package hostcheck_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/nebeus/nebeus-contract/mockserver/hostcheck"
)

func TestHostOnly(t *testing.T) {
	for in, want := range map[string]string{
		"localhost:8080":     "localhost",
		"LOCALHOST.":         "localhost",
		"[::1]:8080":         "::1",
		"[::1]":              "::1",
		"127.0.0.1":          "127.0.0.1",
		"App.Example.COM:80": "app.example.com",
		"":                   "",
	} {
		if got := hostcheck.HostOnly(in); got != want {
			t.Errorf("HostOnly(%q) = %q, want %q", in, got, want)
		}
	}
}

// Allowed: localhost names, loopback addresses and the address the
// connection arrived on; any other name is what DNS rebinding sends.
func TestAllowed(t *testing.T) {
	arrivedOn := &net.TCPAddr{IP: net.ParseIP("192.0.2.10"), Port: 8080}
	for _, tc := range []struct {
		host string
		want bool
	}{
		{"localhost:8080", true},
		{"app.localhost", true},
		{"127.0.0.2", true},
		{"[::1]:8080", true},
		{"[::ffff:127.0.0.1]:8080", true},
		{"192.0.2.10:8080", true},
		{"192.0.2.11:8080", false},
		{"attacker.example", false},
		{"localhost.attacker.example", false},
		{"", false},
	} {
		r := httptest.NewRequest(http.MethodGet, "/_mock/", nil)
		r.Host = tc.host
		r = r.WithContext(context.WithValue(r.Context(), http.LocalAddrContextKey, net.Addr(arrivedOn)))
		if got := hostcheck.Allowed(r); got != tc.want {
			t.Errorf("Allowed(Host %q) = %v, want %v", tc.host, got, tc.want)
		}
	}
}
