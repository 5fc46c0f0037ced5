package mockserver_test

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nebeus/nebeus-contract/mockserver"
)

// TestAmbiguousFramingClosesTheConnection (issue 19, RFC 9112 6.1): a
// request with both Content-Length and Transfer-Encoding is answered 400
// with Connection: close, and the connection is closed: the bytes after
// it (here a signup a front proxy trusting Content-Length would have
// taken for the body) are never served as a request of their own.
func TestAmbiguousFramingClosesTheConnection(t *testing.T) {
	h := newHarness(t, nil)
	srv := httptest.NewUnstartedServer(h.srv)
	srv.Listener = mockserver.Listener(srv.Listener)
	srv.Start()
	t.Cleanup(srv.Close)
	const smuggled = "POST /signup/1.0/json HTTP/1.1\r\nHost: m\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"
	for name, head := range map[string]string{
		"length first":    "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n",
		"encoding first":  "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n",
		"other case":      "content-LENGTH: 5\r\ntransfer-encoding: chunked\r\n",
		"bare newlines":   "Content-Length: 5\nTransfer-Encoding: chunked\n",
		"headers between": "Content-Length: 5\r\nX-A: b\r\nTransfer-Encoding: chunked\r\n",
	} {
		t.Run(name, func(t *testing.T) {
			c, err := net.Dial("tcp", srv.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if err := c.SetDeadline(time.Now().Add(10 * time.Second)); err != nil {
				t.Fatal(err)
			}
			req := "POST /signin/1.0/json HTTP/1.1\r\nHost: m\r\nContent-Type: application/json\r\n" + head + "\r\n0\r\n\r\n" + smuggled
			// The head in two writes: the scan holds its state across reads.
			half := len(req) / 3
			if _, err := io.WriteString(c, req[:half]); err != nil {
				t.Fatal(err)
			}
			if _, err := io.WriteString(c, req[half:]); err != nil {
				t.Fatal(err)
			}
			br := bufio.NewReader(c)
			res, err := http.ReadResponse(br, nil)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(res.Body)
			if res.StatusCode != http.StatusBadRequest || !res.Close || !strings.Contains(string(body), "-32600") {
				t.Errorf("answer %d, close %v: %s; want 400, Connection: close, -32600", res.StatusCode, res.Close, body)
			}
			rest, err := io.ReadAll(br) // EOF: the mock closed the connection
			if err != nil {
				t.Fatalf("the connection stayed open: %v", err)
			}
			if len(rest) > 0 {
				t.Errorf("the bytes after the request were served: %q", rest)
			}
		})
	}
	// A chunked request alone, and one with Content-Length alone, are
	// served as before on a connection that stays open.
	c, err := net.Dial("tcp", srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(c)
	body := `{"jsonrpc":"2.0","method":"call","params":{}}`
	for _, req := range []string{
		"POST /get_countries/1.0/json HTTP/1.1\r\nHost: m\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" + chunk(body) + "0\r\n\r\n",
		"POST /get_countries/1.0/json HTTP/1.1\r\nHost: m\r\nContent-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body,
	} {
		if _, err := io.WriteString(c, req); err != nil {
			t.Fatal(err)
		}
		res, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		if res.StatusCode != http.StatusOK || res.Close {
			t.Errorf("a well-framed request: %d, close %v", res.StatusCode, res.Close)
		}
	}
}

func chunk(s string) string {
	return strconv.FormatInt(int64(len(s)), 16) + "\r\n" + s + "\r\n"
}
