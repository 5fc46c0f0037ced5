package request

import (
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/nebeus/nebeus-contract/mockserver/hostcheck"
	"github.com/nebeus/nebeus-contract/mockserver/state"
	"github.com/nebeus/nebeus-contract/mockserver/wire"
)

// Journal fields of the session a request carried (S2), and the hint when
// one should have arrived and did not (issue 10: the traps made visible).
const (
	carrierCookie = "cookie"
	carrierHeader = "header"
	carrierParams = "params"
	carrierNone   = "none"

	sessionKnown   = "known"
	sessionUnknown = "unknown"
	sessionExpired = "expired"

	// HintCrossSite: the page and the mock are different sites (localhost
	// vs 127.0.0.1), so SameSite keeps the session cookie from travelling.
	HintCrossSite = "cross-site-cookie"
	// HintNoCredentials: same site, but the page's fetch sent no cookies.
	HintNoCredentials = "no-credentials"
)

// maxOrigin bounds the Origin an entry and the tracker keep.
const maxOrigin = 256

// sessionTrace is what one operation request carried.
type sessionTrace struct {
	origin  string
	carrier string
	status  string
	hint    *state.Hint
	ids     []string        // never journaled or logged
	live    map[string]bool // which ids were live before the operation ran; nil when none
	// cookie is the session cookie the mock's own logic set, so after()
	// need not parse the Set-Cookie header it just wrote; nil in proxy
	// mode, where the header is the upstream's.
	cookie *http.Cookie
}

// fill copies the trace into a journal entry; nil-safe.
func (t *sessionTrace) fill(e *state.Entry) {
	if t == nil {
		return
	}
	e.Origin, e.Carrier, e.Session, e.Hint = t.origin, t.carrier, t.status, t.hint
}

// Traced serves an operation request, noting before it runs which session
// the request carries and what the namespace knows of it, and after it
// which session it started or ended.
func (s *Path) Traced(w http.ResponseWriter, r *http.Request, next http.Handler) {
	if s.Session.Cookie == "" && s.Session.Header == "" && s.Session.Argument == "" {
		next.ServeHTTP(w, r) // the contract has no sessions
		return
	}
	ns, rerr := s.peekNamespace(w, r)
	if rerr != nil {
		next.ServeHTTP(w, r) // the operation answers the error
		return
	}
	if s.Session.Argument != "" {
		r, _ = s.WithBody(w, r) // decoded once, for the trace and the operation
	}
	t := s.carried(w, r, ns)
	InfoOf(w).trace = t
	next.ServeHTTP(w, r)
	s.Tracker.after(s, r, w.Header(), ns, t)
}

// carried reads the carriers the contract names (S2, from the model), in
// Session.ids's order, and classifies what arrived.
func (s *Path) carried(w http.ResponseWriter, r *http.Request, ns *state.Namespace) *sessionTrace {
	// An Origin is short; a longer header is cut, so that neither the
	// journal nor the tracker holds what a client chose to send.
	t := &sessionTrace{}
	if sw, ok := w.(*statusWriter); ok && sw.info.trace == nil {
		t = &sw.info.traceVal // allocated with the request's info
	}
	*t = sessionTrace{origin: wire.CutAt(wire.Header(r.Header, "Origin"), maxOrigin)}
	var kinds []string
	add := func(kind, id string) {
		if id == "" {
			return
		}
		if len(kinds) == 0 || kinds[len(kinds)-1] != kind {
			kinds = append(kinds, kind)
		}
		for _, x := range t.ids {
			if x == id {
				return
			}
		}
		t.ids = append(t.ids, id)
	}
	if s.Session.Argument != "" {
		add(carrierParams, s.peekArgument(w, r))
	}
	if s.Session.Header != "" {
		add(carrierHeader, wire.Header(r.Header, s.Session.HeaderKey))
	}
	if s.Session.Cookie != "" {
		for _, c := range r.CookiesNamed(s.Session.Cookie) {
			add(carrierCookie, c.Value)
		}
	}
	if len(kinds) == 0 {
		t.carrier = carrierNone
		t.hint = s.Tracker.hint(s, r, ns.Name(), t.origin)
		return t
	}
	t.carrier = strings.Join(kinds, "+")
	t.status = sessionUnknown
	for _, id := range t.ids {
		switch ns.SessionStatus(id) {
		case state.SessionLive:
			if t.live == nil {
				t.live = map[string]bool{}
			}
			t.live[id] = true
			t.status = sessionKnown
		case state.SessionExpired:
			if t.status != sessionKnown {
				t.status = sessionExpired
			}
		default:
			if t.status == sessionUnknown && s.Tracker.expired(ns.Name(), id) {
				t.status = sessionExpired
			}
		}
	}
	return t
}

// peekArgument is params.<argument> of the call's body, which traced has
// read and decoded (withBody) once for the operation too; keys compared
// decoded ("session_\u0069d" is the argument).
func (s *Path) peekArgument(w http.ResponseWriter, r *http.Request) string {
	d := decodedOf(w, r)
	if d == nil {
		return ""
	}
	obj, _ := d.Value.(map[string]any)
	params, _ := obj["params"].(map[string]any)
	id, _ := params[s.Session.Argument].(string)
	return id
}

// Tracker remembers, within bounds, the sessions the mock started
// (to tell an expired one from one it never issued) and each browser
// origin's last signin (to tell why a later request came without it).
type Tracker struct {
	mu       sync.Mutex
	issued   map[trackKey]bool // true once ended by a request
	order    []trackKey        // issue order, for eviction
	byOrigin map[trackKey]signin
}

// trackKey is a namespace and a session id or an origin.
type trackKey struct{ ns, Value string }

type signin struct {
	at     time.Time
	id     string
	host   string // the Host the page called the mock by
	secure bool
}

// Bounds of the tracker: memory stays bounded however many sessions and
// origins come and go.
const (
	maxTrackedSessions = 4096
	maxTrackedOrigins  = 256
)

// NewTracker makes an empty tracker, shared by a Server and its successors.
func NewTracker() *Tracker {
	return &Tracker{issued: map[trackKey]bool{}, byOrigin: map[trackKey]signin{}}
}

// after notes the session an operation started (the contract's cookie set
// with a value) and the ones it ended (live before, gone after).
func (tr *Tracker) after(s *Path, r *http.Request, h http.Header, ns *state.Namespace, t *sessionTrace) {
	var started string
	switch {
	case t.cookie != nil:
		if t.cookie.Value != "" && t.cookie.MaxAge >= 0 {
			started = t.cookie.Value
		}
	case s.Session.Cookie != "":
		for _, line := range h.Values("Set-Cookie") {
			if c, err := http.ParseSetCookie(line); err == nil && c.Name == s.Session.Cookie && c.Value != "" && c.MaxAge >= 0 {
				started = c.Value
			}
		}
	}
	var ended []string
	for id := range t.live {
		if ns.SessionStatus(id) != state.SessionLive {
			ended = append(ended, id)
		}
	}
	if started == "" && len(ended) == 0 {
		return
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	for _, id := range ended {
		if _, ok := tr.issued[trackKey{ns.Name(), id}]; ok {
			tr.issued[trackKey{ns.Name(), id}] = true
		}
	}
	if started == "" {
		return
	}
	k := trackKey{ns.Name(), started}
	if _, ok := tr.issued[k]; !ok {
		if len(tr.order) >= maxTrackedSessions {
			delete(tr.issued, tr.order[0])
			tr.order = tr.order[1:]
		}
		tr.order = append(tr.order, k)
	}
	tr.issued[k] = false
	if t.origin == "" {
		return
	}
	ok := trackKey{ns.Name(), t.origin}
	if _, seen := tr.byOrigin[ok]; !seen && len(tr.byOrigin) >= maxTrackedOrigins {
		for old := range tr.byOrigin { // any one: a tracker of hints, not of record
			delete(tr.byOrigin, old)
			break
		}
	}
	tr.byOrigin[ok] = signin{at: s.Now(), id: started, host: r.Host, secure: r.TLS != nil}
}

// expired: the mock started this session and no request ended it, yet the
// namespace no longer has it: its idle timeout passed (M3).
func (tr *Tracker) expired(ns, id string) bool {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	ended, ok := tr.issued[trackKey{ns, id}]
	return ok && !ended
}

// Reset forgets a namespace ("" and all true: every namespace).
func (tr *Tracker) Reset(ns string, all bool) {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if all {
		clear(tr.issued)
		clear(tr.byOrigin)
		tr.order = nil
		return
	}
	kept := tr.order[:0]
	for _, k := range tr.order {
		if k.ns == ns {
			delete(tr.issued, k)
		} else {
			kept = append(kept, k)
		}
	}
	tr.order = kept
	for k := range tr.byOrigin {
		if k.ns == ns {
			delete(tr.byOrigin, k)
		}
	}
}

// hint explains a request from a browser origin that carried no session
// although a signin from that origin started one no request has ended.
func (tr *Tracker) hint(s *Path, r *http.Request, ns, origin string) *state.Hint {
	if origin == "" {
		return nil
	}
	tr.mu.Lock()
	in, ok := tr.byOrigin[trackKey{ns, origin}]
	ended := tr.issued[trackKey{ns, in.id}]
	tr.mu.Unlock()
	if !ok || ended {
		return nil
	}
	page, err := url.Parse(origin)
	if err != nil || page.Host == "" {
		return nil
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	mock := scheme + "://" + r.Host
	others := s.otherCarriers()
	when := in.at.UTC().Format(time.TimeOnly)
	if site(page.Scheme, hostcheck.HostOnly(page.Host)) != site(scheme, hostcheck.HostOnly(r.Host)) {
		return &state.Hint{Code: HintCrossSite, Message: "No session arrived, although signin from " + origin +
			" started one at " + when + " UTC. The page (" + hostcheck.HostOnly(page.Host) + ") and the mock (" + hostcheck.HostOnly(r.Host) +
			") are different sites, so the browser neither keeps nor sends the " + s.Session.Cookie + " cookie (SameSite=" +
			firstNonEmpty(s.Session.SameSite, "Lax") + ") between them. Fix: open the page and call the mock under the same host name " +
			"(both localhost or both 127.0.0.1; ports may differ), e.g. " + sameHostSuggestion(page, mock) + others + "."}
	}
	return &state.Hint{Code: HintNoCredentials, Message: "No session arrived, although signin from " + origin +
		" started one at " + when + " UTC, and the page and the mock are on the same site. Fix: call fetch with " +
		"credentials: 'include' (XMLHttpRequest: withCredentials = true) so the browser sends the " + s.Session.Cookie + " cookie" + others + "."}
}

// otherCarriers names the contract's other ways to send the session (S2).
func (s *Path) otherCarriers() string {
	var alt []string
	if s.Session.Header != "" {
		alt = append(alt, "the "+s.Session.Header+" header")
	}
	if s.Session.Argument != "" {
		alt = append(alt, "params."+s.Session.Argument)
	}
	if len(alt) == 0 {
		return ""
	}
	return ", or send the session id yourself in " + strings.Join(alt, " or ")
}

// sameHostSuggestion: the mock's URL under the page's host name.
func sameHostSuggestion(page *url.URL, mock string) string {
	m, err := url.Parse(mock)
	if err != nil {
		return mock
	}
	host := page.Hostname()
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if p := m.Port(); p != "" {
		host += ":" + p
	}
	return "call " + m.Scheme + "://" + host + " from " + page.Scheme + "://" + page.Host
}

// site approximates a browser's notion of a site (scheme and registrable
// domain): an address or a localhost name is its own site; a domain name is
// its last two labels.
func site(scheme, host string) string {
	if _, err := netip.ParseAddr(host); err == nil {
		return scheme + "://" + host
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return scheme + "://localhost"
	}
	labels := strings.Split(host, ".")
	if len(labels) > 2 {
		labels = labels[len(labels)-2:]
	}
	return scheme + "://" + strings.Join(labels, ".")
}
