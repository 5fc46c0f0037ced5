package console

import (
	"log/slog"
	"net/http"

	"github.com/nebeus/nebeus-contract/mockserver/control"
	"github.com/nebeus/nebeus-contract/mockserver/journal"
	"github.com/nebeus/nebeus-contract/mockserver/namespace"
	"github.com/nebeus/nebeus-contract/mockserver/ops"
	"github.com/nebeus/nebeus-contract/mockserver/state"
	"github.com/nebeus/nebeus-contract/mockserver/web"
	"github.com/nebeus/nebeus-contract/schemas"
)

// Where the console and its event stream live: under the control API's
// prefix, behind its check.
const (
	Path       = control.Prefix
	EventsPath = control.Prefix + "events"
)

// Console is the console's page and its event stream, over what they
// show: the journals of the store, redacted with the contract's secrets,
// and the live feed that wakes the streams.
type Console struct {
	Contract *schemas.Contract
	Store    *state.Store
	Secrets  journal.Secrets
	Feed     *Feed
	Log      *slog.Logger
}

// consoleConfig is what the console's script is given (html/template
// encodes it as JSON inside the page): the operations and their variants
// for the filters and the fault form, the decisions' titles for the
// violations, how a session travels (S2).
type consoleConfig struct {
	Title      string            `json:"title"`
	Operations []consoleOp       `json:"operations"`
	Decisions  map[string]string `json:"decisions"`
	Session    *web.Carrier      `json:"session,omitempty"`
	Events     string            `json:"events"`
	Control    string            `json:"control"`
	Namespace  string            `json:"namespaceHeader"`
	MaxDelay   string            `json:"maxDelay"`
}

type consoleOp struct {
	ID       string   `json:"id"`
	Method   string   `json:"method"`
	Path     string   `json:"path"`
	Variants []string `json:"variants"`
}

func (s *Console) consoleConfig() consoleConfig {
	m := s.Contract.Model()
	c := consoleConfig{Title: m.Title, Decisions: map[string]string{}, Events: EventsPath, Control: control.Prefix,
		Namespace: namespace.Header, MaxDelay: ops.MaxDelay.String()}
	for _, o := range m.Operations {
		op := consoleOp{ID: o.ID, Method: o.Method, Path: o.Path}
		for _, v := range o.Variants {
			op.Variants = append(op.Variants, v.Name)
		}
		c.Operations = append(c.Operations, op)
	}
	for _, d := range m.Decisions {
		c.Decisions[d.ID] = d.Title
	}
	if m.Session != nil {
		c.Session = &web.Carrier{Cookie: m.Session.Cookie, Header: m.Session.Header, Argument: m.Session.Argument}
	}
	return c
}

// HandlePage: GET /_mock/, the console. It is behind control.API.Auth like
// every control endpoint; what it shows comes from the control API and the
// event stream, so it shows nothing they do not (no password, session ids
// redacted).
func (s *Console) HandlePage() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		web.Render(w, s.Log, "console.html", s.consoleConfig())
	})
}
