package framing

import "testing"

// TestHeadScanFindsBothHeadersWhereverTheReadsSplit: the bytes of a
// request head arrive in reads of any size; the scan finds a head with
// both Content-Length and Transfer-Encoding at every split, and none in
// heads with one of them (issue 19).
func TestHeadScanFindsBothHeadersWhereverTheReadsSplit(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want bool
	}{
		{"both", "POST / HTTP/1.1\r\nHost: m\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", true},
		{"both, other case", "POST / HTTP/1.1\r\ncontent-length: 5\r\nTRANSFER-ENCODING: chunked\r\n\r\n", true},
		{"length only", "POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}", false},
		{"encoding only", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", false},
		{"in two requests", "POST / HTTP/1.1\r\nContent-Length: 2\r\n\r\n{}GET / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", false},
		{"a long header", "POST / HTTP/1.1\r\nX-Long: " + string(make([]byte, 100)) + "\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", true},
		{"a header named longer", "POST / HTTP/1.1\r\nContent-Length-X: 5\r\nTransfer-Encoding: chunked\r\n\r\n", false},
	} {
		for split := 0; split <= len(tc.in); split++ {
			var h headScan
			got := h.scan([]byte(tc.in[:split]))
			got = h.scan([]byte(tc.in[split:])) || got
			if got != tc.want {
				t.Errorf("%s, split at %d: %v, want %v", tc.name, split, got, tc.want)
			}
		}
	}
}
