package mockserver

import (
	"crypto/subtle"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"

	"github.com/nebeus/nebeus-contract/mockserver/faults"
	"github.com/nebeus/nebeus-contract/mockserver/hostcheck"
	"github.com/nebeus/nebeus-contract/mockserver/namespace"
	"github.com/nebeus/nebeus-contract/mockserver/ops"
	"github.com/nebeus/nebeus-contract/mockserver/state"
	"github.com/nebeus/nebeus-contract/mockserver/wire"
	"github.com/nebeus/nebeus-contract/schemas"
)

// controlPrefix is where the control API lives (doc.go lists it).
const controlPrefix = "/_mock/"

// controlError is the control API's error body.
type controlError struct {
	Error  string                    `json:"error"`
	Errors map[string]ops.FieldError `json:"errors,omitempty"`
}

func controlFail(w http.ResponseWriter, status int, msg string) {
	wire.Encode(w, status, controlError{Error: msg})
}

// controlAuth lets a request through when it comes from a loopback address
// or carries "Authorization: Bearer <ControlToken>" (compared in constant
// time). A browser request from an origin the CORS policy does not allow is
// refused too: a page on another site must not reset a developer's mock
// through the browser (loopback alone is no defence against that). So is a
// request whose Host is not one the mock answers to (hostAllowed: DNS
// rebinding), unless it carries the token, which no rebinding page has.
// The console (console.go) sits behind the same check.
func (s *Server) controlAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); o != "" && !s.origins.Allows(o) && !sameOrigin(r, o) {
			controlFail(w, http.StatusForbidden, "control API: origin not allowed")
			return
		}
		token := s.tokenOK(r)
		if !token && !hostcheck.Allowed(r) {
			controlFail(w, http.StatusForbidden, "control API: Host "+wire.Echo(r.Host)+
				" is not an address the mock listens on; use localhost, 127.0.0.1 or the address it listens on (DNS rebinding protection)")
			return
		}
		if token || isLoopback(r.RemoteAddr) {
			next.ServeHTTP(w, r)
			return
		}
		controlFail(w, http.StatusForbidden, "control API: only from loopback or with Authorization: Bearer <token>")
	})
}

func (s *Server) tokenOK(r *http.Request) bool {
	if s.cfg.ControlToken == "" {
		return false
	}
	got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return ok && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(got)), []byte(s.cfg.ControlToken)) == 1
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
func (s *Server) controlNamespace(w http.ResponseWriter, r *http.Request) (string, bool) {
	name := r.URL.Query().Get("namespace")
	if name != "" && !namespace.Valid(name) {
		controlFail(w, http.StatusBadRequest, "namespace must be 1 to 64 characters of A-Z a-z 0-9 . _ -")
		return "", false
	}
	return name, true
}

func (s *Server) controlNS(w http.ResponseWriter, r *http.Request, f func(name string)) {
	name, ok := s.controlNamespace(w, r)
	if !ok {
		return
	}
	// A read takes no namespace slot: handlers Peek, and only those that
	// change state (an account, a fault) create the namespace.
	if _, err := s.store.Peek(name); err != nil {
		controlFail(w, http.StatusBadRequest, wire.ErrText(err))
		return
	}
	f(name)
}

// handleReset: POST /_mock/reset resets every namespace; with ?namespace=X
// (empty: the default) only that one. Faults go too: a reset is a fresh
// start.
func (s *Server) handleReset() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer s.feed.poke() // the console drops what the reset removed
		if _, one := r.URL.Query()["namespace"]; !one {
			s.store.ResetAll()
			s.faults.ClearAll()
			s.tracker.reset("", true)
			wire.Encode(w, http.StatusOK, map[string]any{"reset": "all"})
			return
		}
		name, ok := s.controlNamespace(w, r)
		if !ok {
			return
		}
		s.store.Reset(name)
		s.faults.Clear(name, "")
		s.tracker.reset(name, false)
		wire.Encode(w, http.StatusOK, map[string]any{"reset": name})
	})
}

func (s *Server) handleNamespaces() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wire.Encode(w, http.StatusOK, map[string]any{"namespaces": s.store.Namespaces()})
	})
}

// handleAccounts: GET lists the accounts (no password material, M4).
func (s *Server) handleAccounts() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.controlNS(w, r, func(name string) {
			ns, _ := s.store.Peek(name)
			wire.Encode(w, http.StatusOK, map[string]any{"namespace": name, "accounts": ns.Accounts()})
		})
	})
}

// handleCreateAccount: POST /_mock/accounts with signup's params as the
// body; the same checks as signup (S5), 201 with the account or 422 with the
// errors by field.
func (s *Server) handleCreateAccount() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.controlNS(w, r, func(name string) {
			op := s.ops.AccountOperation()
			if op == nil {
				controlFail(w, http.StatusNotFound, "the contract has no operation that creates accounts")
				return
			}
			params, ok := s.controlBody(w, r)
			if !ok {
				return
			}
			pm, isObj := params.(map[string]any)
			if !isObj {
				controlFail(w, http.StatusBadRequest, "want a JSON object of signup's arguments")
				return
			}
			vs, err := s.contract.ValidateRequest(op.ID, map[string]any{"jsonrpc": "2.0", "params": pm})
			if err != nil {
				controlFail(w, http.StatusInternalServerError, err.Error())
				return
			}
			ns, _ := s.store.Namespace(name)
			errs, in, err := s.ops.CheckSignup(op, ns, pm, ops.ParamFailures(schemas.Failures(vs)))
			if len(errs) == 0 && err == nil {
				var acc state.Account
				if acc, err = ns.Signup(in); err == nil {
					wire.Encode(w, http.StatusCreated, acc)
					return
				}
			}
			if state.Failure(err) != nil { // the store's, not the account's (issue 19)
				s.log.Warn("store failure", "control", "create account", "err", err)
				w.Header().Set("Retry-After", wire.RetryAfter)
				controlFail(w, http.StatusServiceUnavailable, wire.ErrStore(err).Message)
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

func (s *Server) controlBody(w http.ResponseWriter, r *http.Request) (any, bool) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBody))
	if err != nil {
		controlFail(w, http.StatusRequestEntityTooLarge, "body too large or unreadable")
		return nil, false
	}
	v, err := schemas.Decode(b)
	if err != nil {
		controlFail(w, http.StatusBadRequest, "body is not JSON: "+wire.ErrText(err))
		return nil, false
	}
	return v, true
}

func (s *Server) handleSessions() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.controlNS(w, r, func(name string) {
			ns, _ := s.store.Peek(name)
			wire.Encode(w, http.StatusOK, map[string]any{"namespace": name, "sessions": ns.Sessions()})
		})
	})
}

func (s *Server) handleJournal() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.controlNS(w, r, func(name string) {
			ns, _ := s.store.Peek(name)
			wire.Encode(w, http.StatusOK, map[string]any{"namespace": name, "entries": s.secrets.Entries(ns.Journal())})
		})
	})
}

func (s *Server) handleClearJournal() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.controlNS(w, r, func(name string) {
			ns, _ := s.store.Peek(name)
			n := ns.Journal().Len()
			ns.Journal().Clear()
			wire.Encode(w, http.StatusOK, map[string]any{"namespace": name, "cleared": n})
		})
	})
}

func (s *Server) handleOutbox() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.controlNS(w, r, func(name string) {
			ns, _ := s.store.Peek(name)
			wire.Encode(w, http.StatusOK, map[string]any{"namespace": name, "messages": ns.Outbox()})
		})
	})
}

// handleSetFault: POST /_mock/faults?namespace=X with a Fault; 201 with the
// fault in force, 400 when it names no operation or variant of the contract.
func (s *Server) handleSetFault() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.controlNS(w, r, func(name string) {
			dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, s.cfg.MaxBody))
			dec.DisallowUnknownFields()
			var f faults.Fault
			if err := dec.Decode(&f); err != nil {
				controlFail(w, http.StatusBadRequest, "fault: "+wire.ErrText(err))
				return
			}
			f.Namespace = name
			if err := faults.Check(s.ops, &f); err != nil {
				controlFail(w, http.StatusBadRequest, "fault: "+wire.ErrText(err))
				return
			}
			if _, e := namespace.Named(s.store, name, true); e != nil { // a fault puts it in use
				controlFail(w, e.Status, e.Message)
				return
			}
			if err := s.faults.Set(f); err != nil { // not set: never a 201 for it (issue 19)
				s.log.Warn("store failure", "control", "set fault", "err", err)
				w.Header().Set("Retry-After", wire.RetryAfter)
				controlFail(w, http.StatusServiceUnavailable, wire.ErrStore(err).Message)
				return
			}
			f.Remaining = f.Count
			wire.Encode(w, http.StatusCreated, f)
		})
	})
}

func (s *Server) handleFaults() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.controlNS(w, r, func(name string) {
			wire.Encode(w, http.StatusOK, map[string]any{"namespace": name, "faults": s.faults.List(name)})
		})
	})
}

// handleClearFaults: DELETE /_mock/faults?namespace=X[&operation=OP].
func (s *Server) handleClearFaults() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name, ok := s.controlNamespace(w, r)
		if !ok {
			return
		}
		n := s.faults.Clear(name, r.URL.Query().Get("operation"))
		wire.Encode(w, http.StatusOK, map[string]any{"namespace": name, "cleared": n})
	})
}
