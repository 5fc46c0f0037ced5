package request

import (
	"github.com/nebeus/nebeus-contract/mockserver/journal"
	"github.com/nebeus/nebeus-contract/mockserver/state"
)

// journalAppend records one operation request in its namespace's journal.
// The entry keeps the request's and the answer's bytes as they are (each
// buffer is the request's own, never reused), or only their length past
// 16 KiB (journal.Keep), and journal.Secrets.View redacts them when read:
// no decoding or copying on the request's path. Except for a request that
// carries a password (M4: never stored in plain text, not even in memory):
// that one is redacted here, from the tree decoded once already.
func (s *Path) journalAppend(ex *exchange) {
	e := state.Entry{
		Time:      s.Now(),
		Operation: ex.op.ID,
		Request:   s.Secrets.KeepRequest(ex.reqRaw, ex.reqDecoded),
		Status:    ex.status,
		Response:  journal.Keep(ex.resp),
		Namespace: ex.ns.Name(),
	}
	for _, v := range ex.violations {
		e.Violations = append(e.Violations, state.Violation{Pointer: v.Pointer, Message: v.Message, Decision: v.Decision})
	}
	ex.info.trace.fill(&e) // origin, session carrier and hint (trace.go)
	ex.ns.Journal().Append(e)
}
