package mockserver

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

// requestPath is what a request's path through the mock reads, from the
// outermost middleware (observe) to the journal: built by the Server for
// each contract (build), read-only after.
type requestPath struct {
	contract *schemas.Contract
	store    *state.Store
	faults   *faults.Table
	ops      *ops.Set
	secrets  journal.Secrets // what the journal redacts (M4, S2)
	session  session.Rules   // how a session travels (S2)
	proxy    *proxy.Upstream // nil unless Config.Proxy
	tracker  *sessionTracker
	// origins, corsOrigins (Config.CORSOrigins, for a refused preflight's
	// advice), corsHeaders and opMethods answer CORS requests.
	origins                *cors.Policy
	corsOrigins            []string
	corsHeaders, opMethods string
	maxBody                int64 // Config.MaxBody (T5)
	log                    *slog.Logger
	metrics                *metrics.Requests
	now                    func() time.Time
	// changed wakes the console when a journal may have grown; notice
	// shows it a warning that belongs to no operation. nil: no console.
	changed func()
	notice  func(now time.Time, kind, msg string)
}
