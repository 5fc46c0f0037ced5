package main

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"syscall"
)

// listen opens the mock's listeners on addr and says the base URL to print.
//
// "localhost" is the host name frontend dev servers use (issue 20): a page
// on http://localhost:3000 and a mock called as 127.0.0.1 are different
// sites, and the session cookie (S2, SameSite) does not travel between
// them. localhost resolves to 127.0.0.1 and ::1, and a browser may try
// either, so the mock listens on both, on one port; net.Listen would take
// only the first address. A host without IPv6 on loopback gets 127.0.0.1
// alone.
func listen(addr string) ([]net.Listener, string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, "", err
	}
	if !strings.EqualFold(host, "localhost") {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			return nil, "", err
		}
		return []net.Listener{ln}, "http://" + ln.Addr().String(), nil
	}
	// With port 0 the kernel picks 127.0.0.1's port, which ::1 may have
	// in use already: a few tries with another pick.
	for try := 0; ; try++ {
		v4, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", port))
		if err != nil {
			return nil, "", err
		}
		p := strconv.Itoa(v4.Addr().(*net.TCPAddr).Port)
		base := "http://localhost:" + p
		v6, err := net.Listen("tcp6", net.JoinHostPort("::1", p))
		if err == nil {
			return []net.Listener{v4, v6}, base, nil
		}
		if noIPv6Loopback(err) {
			return []net.Listener{v4}, base, nil
		}
		v4.Close()
		if port != "0" || try == 9 {
			return nil, "", fmt.Errorf("localhost: 127.0.0.1:%s is free but [::1]:%s is not: %w", p, p, err)
		}
	}
}

// noIPv6Loopback: ::1 cannot be bound at all (IPv6 disabled), as opposed
// to its port being taken.
func noIPv6Loopback(err error) bool {
	return errors.Is(err, syscall.EADDRNOTAVAIL) || errors.Is(err, syscall.EAFNOSUPPORT) || errors.Is(err, syscall.EPROTONOSUPPORT)
}
