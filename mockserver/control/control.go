package control

import (
	"crypto/subtle"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/nebeus/nebeus-contract/mockserver/cors"
	"github.com/nebeus/nebeus-contract/mockserver/faults"
	"github.com/nebeus/nebeus-contract/mockserver/hostcheck"
	"github.com/nebeus/nebeus-contract/mockserver/journal"
	"github.com/nebeus/nebeus-contract/mockserver/namespace"
	"github.com/nebeus/nebeus-contract/mockserver/ops"
	"github.com/nebeus/nebeus-contract/mockserver/state"
	"github.com/nebeus/nebeus-contract/mockserver/wire"
	"github.com/nebeus/nebeus-contract/schemas"
)

// Prefix is where the control API lives (mockserver's doc.go lists it).
const Prefix = "/_mock/"

// controlError is the control API's error body.
type controlError struct {
	Error  string                    `json:"error"`
	Errors map[string]ops.FieldError `json:"errors,omitempty"`
}

// API is the control API: its handlers, over the state, faults and
// journal they control. mockserver/routes.go builds one for each contract (a
// Successor's too) and mounts its handlers behind Auth.
type API struct {
	Store    *state.Store
	Faults   *faults.Table
	Ops      *ops.Set
	Contract *schemas.Contract
	Secrets  journal.Secrets
	Origins  *cors.Policy
	Token    string // Config.ControlToken; "" none
	MaxBody  int64
	Log      *slog.Logger
	// Changed wakes the console after a change (the live feed);
	// ResetTrace forgets the session trace of namespace ns (all: of every
	// namespace) after a reset.
	Changed    func()
	ResetTrace func(ns string, all bool)
}

// Fail answers status with the control API's error body.
func Fail(w http.ResponseWriter, status int, msg string) {
	wire.Encode(w, status, controlError{Error: msg})
}

// Auth lets a request through when it comes from a loopback address
// or carries "Authorization: Bearer <ControlToken>" (compared in constant
// time). A browser request from an origin the CORS policy does not allow is
// refused too: a page on another site must not reset a developer's mock
// through the browser (loopback alone is no defence against that). So is a
// request whose Host is not one the mock answers to (hostcheck.Allowed: DNS
// rebinding), unless it carries the token, which no rebinding page has.
// The console (package console) sits behind the same check.
func (s *API) Auth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); o != "" && !s.Origins.Allows(o) && !sameOrigin(r, o) {
			Fail(w, http.StatusForbidden, "control API: origin not allowed")
			return
		}
		token := s.tokenOK(r)
		if !token && !hostcheck.Allowed(r) {
			Fail(w, http.StatusForbidden, "control API: Host "+wire.Echo(r.Host)+
				" is not an address the mock listens on; use localhost, 127.0.0.1 or the address it listens on (DNS rebinding protection)")
			return
		}
		if token || isLoopback(r.RemoteAddr) {
			next.ServeHTTP(w, r)
			return
		}
		Fail(w, http.StatusForbidden, "control API: only from loopback or with Authorization: Bearer <token>")
	})
}

func (s *API) tokenOK(r *http.Request) bool {
	if s.Token == "" {
		return false
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(s.Token)) == 1
}

func isLoopback(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	a, err := netip.ParseAddr(host)
	return err == nil && a.Unmap().IsLoopback()
}

// controlNamespace reads ?namespace= (absent or empty: the default).
func (s *API) controlNamespace(w http.ResponseWriter, r *http.Request) (string, bool) {
	name := r.URL.Query().Get("namespace")
	if name != "" && !namespace.Valid(name) {
		Fail(w, http.StatusBadRequest, "namespace must be 1 to 64 characters of A-Z a-z 0-9 . _ -")
		return "", false
	}
	return name, true
}

func (s *API) controlNS(w http.ResponseWriter, r *http.Request, f func(name string)) {
	name, ok := s.controlNamespace(w, r)
	if !ok {
		return
	}
	// A read takes no namespace slot: handlers Peek, and only those that
	// change state (an account, a fault) create the namespace.
	if _, err := s.Store.Peek(name); err != nil {
		Fail(w, http.StatusBadRequest, wire.ErrText(err))
		return
	}
	f(name)
}

// HandleReset: POST /_mock/reset resets every namespace; with ?namespace=X
// (empty: the default) only that one. Faults go too: a reset is a fresh
// start.
func (s *API) HandleReset() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer s.Changed() // the console drops what the reset removed
		if _, one := r.URL.Query()["namespace"]; !one {
			s.Store.ResetAll()
			s.Faults.ClearAll()
			s.ResetTrace("", true)
			wire.Encode(w, http.StatusOK, map[string]any{"reset": "all"})
			return
		}
		name, ok := s.controlNamespace(w, r)
		if !ok {
			return
		}
		s.Store.Reset(name)
		s.Faults.Clear(name, "")
		s.ResetTrace(name, false)
		wire.Encode(w, http.StatusOK, map[string]any{"reset": name})
	})
}

// HandleNamespaces: GET /_mock/namespaces, the namespaces in use.
func (s *API) HandleNamespaces() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wire.Encode(w, http.StatusOK, map[string]any{"namespaces": s.Store.Namespaces()})
	})
}

// HandleAccounts: GET lists the accounts (no password material, M4).
func (s *API) HandleAccounts() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.controlNS(w, r, func(name string) {
			ns, _ := s.Store.Peek(name)
			wire.Encode(w, http.StatusOK, map[string]any{"namespace": name, "accounts": ns.Accounts()})
		})
	})
}

// HandleCreateAccount: POST /_mock/accounts with signup's params as the
// body; the same checks as signup (S5), 201 with the account or 422 with the
// errors by field.
func (s *API) HandleCreateAccount() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.controlNS(w, r, func(name string) {
			op := s.Ops.AccountOperation()
			if op == nil {
				Fail(w, http.StatusNotFound, "the contract has no operation that creates accounts")
				return
			}
			params, ok := s.controlBody(w, r)
			if !ok {
				return
			}
			pm, isObj := params.(map[string]any)
			if !isObj {
				Fail(w, http.StatusBadRequest, "want a JSON object of signup's arguments")
				return
			}
			vs, err := s.Contract.ValidateRequest(op.ID, map[string]any{"jsonrpc": "2.0", "params": pm})
			if err != nil {
				Fail(w, http.StatusInternalServerError, err.Error())
				return
			}
			ns, _ := s.Store.Namespace(name)
			errs, in, err := s.Ops.CheckSignup(op, ns, pm, ops.ParamFailures(schemas.Failures(vs)))
			if len(errs) == 0 && err == nil {
				var acc state.Account
				if acc, err = ns.Signup(in); err == nil {
					wire.Encode(w, http.StatusCreated, acc)
					return
				}
			}
			if state.Failure(err) != nil { // the store's, not the account's (issue 19)
				s.Log.Warn("store failure", "control", "create account", "err", err)
				w.Header().Set("Retry-After", wire.RetryAfter)
				Fail(w, http.StatusServiceUnavailable, wire.ErrStore(err).Message)
				return
			}
			if len(errs) == 0 {
				errs = map[string]ops.FieldError{}
				ops.AddErr(errs, op.ErrorKey(ops.ArgLogin), ops.SignupErrorMessage(err))
			}
			wire.Encode(w, http.StatusUnprocessableEntity, controlError{Error: "the account breaks signup's rules (S5)", Errors: errs})
		})
	})
}

func (s *API) controlBody(w http.ResponseWriter, r *http.Request) (any, bool) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.MaxBody))
	if err != nil {
		Fail(w, http.StatusRequestEntityTooLarge, "body too large or unreadable")
		return nil, false
	}
	v, err := schemas.Decode(b)
	if err != nil {
		Fail(w, http.StatusBadRequest, "body is not JSON: "+wire.ErrText(err))
		return nil, false
	}
	return v, true
}

// HandleSessions: GET /_mock/sessions, live sessions, ids redacted (S2).
func (s *API) HandleSessions() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.controlNS(w, r, func(name string) {
			ns, _ := s.Store.Peek(name)
			wire.Encode(w, http.StatusOK, map[string]any{"namespace": name, "sessions": ns.Sessions()})
		})
	})
}

// HandleJournal: GET /_mock/journal, the journal as read (redacted, M4).
func (s *API) HandleJournal() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.controlNS(w, r, func(name string) {
			ns, _ := s.Store.Peek(name)
			wire.Encode(w, http.StatusOK, map[string]any{"namespace": name, "entries": s.Secrets.Entries(ns.Journal())})
		})
	})
}

// HandleClearJournal: DELETE /_mock/journal.
func (s *API) HandleClearJournal() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.controlNS(w, r, func(name string) {
			ns, _ := s.Store.Peek(name)
			n := ns.Journal().Len()
			ns.Journal().Clear()
			wire.Encode(w, http.StatusOK, map[string]any{"namespace": name, "cleared": n})
		})
	})
}

// HandleOutbox: GET /_mock/outbox, reset_password's messages (S4).
func (s *API) HandleOutbox() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.controlNS(w, r, func(name string) {
			ns, _ := s.Store.Peek(name)
			wire.Encode(w, http.StatusOK, map[string]any{"namespace": name, "messages": ns.Outbox()})
		})
	})
}

// HandleSetFault: POST /_mock/faults?namespace=X with a Fault; 201 with the
// fault in force, 400 when it names no operation or variant of the contract.
func (s *API) HandleSetFault() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.controlNS(w, r, func(name string) {
			dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, s.MaxBody))
			dec.DisallowUnknownFields()
			var f faults.Fault
			if err := dec.Decode(&f); err != nil {
				Fail(w, http.StatusBadRequest, "fault: "+wire.ErrText(err))
				return
			}
			f.Namespace = name
			if err := faults.Check(s.Ops, &f); err != nil {
				Fail(w, http.StatusBadRequest, "fault: "+wire.ErrText(err))
				return
			}
			if _, e := namespace.Named(s.Store, name, true); e != nil { // a fault puts it in use
				Fail(w, e.Status, e.Message)
				return
			}
			if err := s.Faults.Set(f); err != nil { // not set: never a 201 for it (issue 19)
				s.Log.Warn("store failure", "control", "set fault", "err", err)
				w.Header().Set("Retry-After", wire.RetryAfter)
				Fail(w, http.StatusServiceUnavailable, wire.ErrStore(err).Message)
				return
			}
			f.Remaining = f.Count
			wire.Encode(w, http.StatusCreated, f)
		})
	})
}

// HandleFaults: GET /_mock/faults, the faults in force.
func (s *API) HandleFaults() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.controlNS(w, r, func(name string) {
			wire.Encode(w, http.StatusOK, map[string]any{"namespace": name, "faults": s.Faults.List(name)})
		})
	})
}

// HandleClearFaults: DELETE /_mock/faults?namespace=X[&operation=OP].
func (s *API) HandleClearFaults() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := s.controlNamespace(w, r)
		if !ok {
			return
		}
		n := s.Faults.Clear(name, r.URL.Query().Get("operation"))
		wire.Encode(w, http.StatusOK, map[string]any{"namespace": name, "cleared": n})
	})
}

// sameOrigin: the request comes from a page the mock served itself (the
// console), under the Host it was asked by (which Auth checks).
func sameOrigin(r *http.Request, origin string) bool {
	scheme := "http://"
	if r.TLS != nil {
		scheme = "https://"
	}
	return r.Host != "" && strings.EqualFold(origin, scheme+r.Host)
}
