package conformance

import (
	"bytes"
	"fmt"
	"mime"
	"strings"
	"unicode/utf8"
)

// Invariants on the raw bytes of every JSON answer (issue 18, item 8),
// under T3 (the media type application/json): JSON exchanged between
// systems is UTF-8, without a byte order mark (RFC 8259, section 8.1), and
// a charset parameter, when the Content-Type has one, says utf-8. Decoding
// alone cannot see these: Go's decoder (and many a client's) replaces
// invalid UTF-8 with U+FFFD and goes on, and a client that honours a
// charset=iso-8859-1 garbles every non-ASCII name.

// rawBytes checks the invariants on ex's answer (a JSON answer; others
// are judged by their variant).
func (p *probe) rawBytes(ex *exchange) {
	if ex.Err != nil || len(ex.Body) == 0 {
		return
	}
	ok := true
	if _, params, err := mime.ParseMediaType(ex.Header.Get("Content-Type")); err == nil {
		if cs, has := params["charset"]; has && !strings.EqualFold(cs, "utf-8") {
			p.fail(ex, "T3", "", "a JSON body in UTF-8: no charset parameter, or charset=utf-8", fmt.Sprintf("Content-Type %q", ex.Header.Get("Content-Type")))
			ok = false
		}
	}
	if bytes.HasPrefix(ex.Body, []byte("\xef\xbb\xbf")) {
		p.fail(ex, "T3", "", "a JSON body in UTF-8 without a byte order mark", "a body starting with EF BB BF")
		ok = false
	}
	if !utf8.Valid(ex.Body) {
		at := invalidUTF8At(ex.Body)
		p.fail(ex, "T3", "", "a JSON body in UTF-8", fmt.Sprintf("bytes that are not UTF-8 at offset %d: %q", at, ex.Body[max(0, at-20):min(len(ex.Body), at+20)]))
		ok = false
	}
	if ok {
		p.pass(ex.Req.Op, "T3")
	}
}

// invalidUTF8At is the offset of the first byte of b that is not UTF-8.
func invalidUTF8At(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return len(b)
}
