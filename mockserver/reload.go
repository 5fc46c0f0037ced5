package mockserver

import (
	"github.com/nebeus/nebeus-contract/schemas"
)

// Successor returns a Server for contract c, with its OpenAPI document,
// that carries on s's state: accounts, sessions, namespaces, journals,
// faults, the console's live feed and the metrics (nebeus-mock --watch,
// issue 17 item 1). Serve it in s's place; s still answers the requests
// it holds. The two share one store: Close only the last.
//
// It fails, leaving s as it was, when the mock cannot run c: the demo
// accounts break c's signup rules, say.
func (s *Server) Successor(c *schemas.Contract, openapiYAML, openapiJSON []byte) (*Server, error) {
	cfg := s.cfg
	cfg.Contract, cfg.OpenAPIYAML, cfg.OpenAPIJSON = c, openapiYAML, openapiJSON
	n := &Server{cfg: cfg, contract: c, fixtures: s.fixtures, log: s.log, registry: s.registry, now: s.now,
		store: s.store, faults: s.faults, origins: s.origins, metrics: s.metrics, feed: s.feed, tracker: s.tracker}
	if err := n.build(); err != nil {
		return nil, err
	}
	return n, nil
}

// Notify shows a notice in the console (the live feed's "notice" event),
// kind naming what it is about ("contract" for a reload).
func (s *Server) Notify(kind, msg string) { s.feed.Notify(s.now(), kind, msg) }

// Shadowed says which of the mock's own routes the contract's operations
// take, and where each is still reachable (issue 17 item 8).
func (s *Server) Shadowed() []string { return s.shadowed }

// Contract is the contract s serves.
func (s *Server) Contract() *schemas.Contract { return s.contract }

// UsesAccounts says whether the demo accounts mean anything to the
// contract served: one of its operations signs in against them or creates
// accounts (the mock's business logic, S1, S5), whatever the overlay says.
func (s *Server) UsesAccounts() bool {
	for _, op := range s.ops.ByID {
		if op.ReadAhead != nil || op.CreatesAccounts {
			return true
		}
	}
	return false
}
