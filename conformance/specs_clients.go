package conformance

import (
	"net/http"

	. "github.com/onsi/ginkgo/v2"
)

// Requests as real clients send them (issue 18, item 8): the headers a
// browser's fetch, axios, Python's requests, curl, OkHttp on Android and
// URLSession on iOS send with a JSON-RPC call. T2 lets a client send any
// of them: Accept "*/*" or a list with q-values admits application/json
// (RFC 9110, 12.5.1), and an Origin, a Referer, a language or a browser's
// Sec-Fetch headers change nothing about the call. Each is sent to the
// readonly calls (get_countries; signin of an unknown login), whose answers
// must be the documented ones. Accept-Encoding is left to the HTTP client,
// which asks for gzip and decodes it itself.

// clientProfile is the headers one kind of client sends.
type clientProfile struct {
	name   string
	header http.Header
}

func clientProfiles() []clientProfile {
	return []clientProfile{
		{"a browser's fetch", http.Header{
			"Accept":          {"application/json, text/plain, */*"},
			"Accept-Language": {"de-DE,de;q=0.9,en-US;q=0.8,en;q=0.7"},
			"Origin":          {"https://app.example.net"},
			"Referer":         {"https://app.example.net/signin?next=%2Fhome"},
			"User-Agent":      {"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36"},
			"Sec-Fetch-Mode":  {"cors"},
			"Sec-Fetch-Site":  {"same-site"},
			"Sec-Fetch-Dest":  {"empty"},
		}},
		{"Python's requests", http.Header{
			"Accept":     {"*/*"},
			"User-Agent": {"python-requests/2.31.0"},
			"Connection": {"keep-alive"},
		}},
		{"curl", http.Header{
			"Accept":     {"*/*"},
			"User-Agent": {"curl/8.5.0"},
		}},
		{"OkHttp on Android", http.Header{
			"Accept":       {}, // none: OkHttp sends no Accept unless told
			"Content-Type": {"application/json; charset=utf-8"},
			"User-Agent":   {"okhttp/4.12.0"},
		}},
		{"URLSession on iOS", http.Header{
			"Accept":          {"application/json"},
			"Accept-Language": {"en-GB,en;q=0.9"},
			"User-Agent":      {"Nebeus/3.2 CFNetwork/1490.0.4 Darwin/23.2.0"},
		}},
	}
}

// defineClients registers the specs of the requests real clients send.
func (s *suite) defineClients() {
	Describe("requests as real clients send them", Label(LabelReadonly), func() {
		for _, c := range clientProfiles() {
			if s.has(opCountries) {
				s.it("T2 "+opCountries+" answers a call with the headers "+c.name+" sends", func(ctx SpecContext, p *probe) {
					p.refused = "T2"
					r := s.rpc(opCountries, map[string]any{})
					r.Header = c.header.Clone()
					s.expectCountries(ctx, p, r)
				})
			}
			if s.has(opSignin) {
				s.it("T2 "+opSignin+" answers a call with the headers "+c.name+" sends", func(ctx SpecContext, p *probe) {
					p.refused = "T2"
					r := s.rpc(opSignin, map[string]any{argLogin: s.email(), argPassword: s.password()})
					r.Header = c.header.Clone()
					s.expectSigninFailure(ctx, p, r)
				})
			}
		}
	})
}
