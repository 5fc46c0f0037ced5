package conformance

// defineStronger registers the checks from testing practice that are not
// tied to one operation's specs (issue 18, item 8): the transport limits
// at their edges (specs_limits.go), Unicode in logins (specs_unicode.go),
// every documented form of a value (specs_valueforms.go). The differential pairs
// (specs_differential.go) and the real clients' headers (specs_clients.go)
// are registered beside them in define; the raw-byte invariants
// (rawbytes.go) hold on every answer.
func (s *suite) defineStronger() {
	s.defineLimits()
	s.defineUnicodeLogins()
	s.defineValueForms()
}
