package request

import (
	"log/slog"
	"time"

	"github.com/nebeus/nebeus-contract/mockserver/cors"
	"github.com/nebeus/nebeus-contract/mockserver/faults"
	"github.com/nebeus/nebeus-contract/mockserver/journal"
	"github.com/nebeus/nebeus-contract/mockserver/metrics"
	"github.com/nebeus/nebeus-contract/mockserver/ops"
	"github.com/nebeus/nebeus-contract/mockserver/proxy"
	"github.com/nebeus/nebeus-contract/mockserver/session"
	"github.com/nebeus/nebeus-contract/mockserver/state"
	"github.com/nebeus/nebeus-contract/schemas"
)

// Path is what a request's path through the mock reads, from the
// outermost middleware (Observe) to the journal: built by mockserver.Server for
// each contract (build), read-only after.
type Path struct {
	Contract *schemas.Contract
	Store    *state.Store
	Faults   *faults.Table
	Ops      *ops.Set
	Secrets  journal.Secrets // what the journal redacts (M4, S2)
	Session  session.Rules   // how a session travels (S2)
	Proxy    *proxy.Upstream // nil unless Config.Proxy
	Tracker  *Tracker
	// Origins, corsOrigins (Config.CORSOrigins, for a refused preflight's
	// advice), corsHeaders and opMethods answer CORS requests.
	Origins                *cors.Policy
	CORSOrigins            []string
	CORSHeaders, OpMethods string
	// ControlPrefix is where the control API lives (control.Prefix), whose
	// preflights name its own methods.
	ControlPrefix string
	MaxBody       int64 // Config.MaxBody (T5)
	Log           *slog.Logger
	Metrics       *metrics.Requests
	Now           func() time.Time
	// Changed wakes the console when a journal may have grown; notice
	// shows it a warning that belongs to no operation. nil: no console.
	Changed func()
	Notice  func(now time.Time, kind, msg string)
}
