package request

import (
	"net/http"
	"strconv"

	"github.com/nebeus/nebeus-contract/mockserver/faults"
	"github.com/nebeus/nebeus-contract/mockserver/metrics"
	"github.com/nebeus/nebeus-contract/mockserver/ops"
	"github.com/nebeus/nebeus-contract/mockserver/proxy"
	"github.com/nebeus/nebeus-contract/mockserver/wire"
)

// ProxyHandler forwards one operation's requests to the upstream and
// checks each exchange.
func (s *Path) ProxyHandler(op *ops.Operation) http.Handler {
	p := s.Proxy
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ex, ok := s.beginExchange(w, r, op)
		if !ok {
			return
		}
		defer ex.record()
		info := ex.info
		if info.trace != nil {
			info.trace.status = "" // the upstream's sessions, not the mock's
		}

		// The body, within the limit (413 above, never forwarded); a body
		// that is not JSON is forwarded as it came: the upstream's answer
		// to it is judged (T5).
		body, v, rerr := s.readCall(w, r)
		ex.reqRaw, ex.reqDecoded = nonEmpty(body), v
		if rerr != nil && rerr.Code != wire.CodeParseError {
			ex.fail(w, wire.NullID, rerr)
			return
		}
		id := wire.RawID(v)
		call := p.JudgedCall(op, r, v, rerr)
		// Forwarded: now it takes a namespace slot. The proxy's answer
		// comes from the upstream: a store failure never holds it up
		// (issue 19), so the store is not waited for.
		ns, aerr := s.admit(ex.ns, false)
		if aerr != nil {
			ex.fail(w, id, aerr)
			return
		}
		ex.ns = ns

		fault, faulted, _ := s.Faults.Ahead(ns.Name(), op.ID, true).Take()
		if faulted {
			info.Outcome = metrics.OutcomeFault
			w.Header().Set("X-Mock-Fault", "true")
			if d := min(fault.Delay.D(), ops.MaxDelay); d > 0 && !ops.Sleep(r.Context(), d) {
				ex.status, info.status = statusClientGone, statusClientGone
				return
			}
			if fault.Close {
				ex.status, info.status = statusClosed, statusClosed
				faults.CloseConnection(w)
				return
			}
			if fault.Status != 0 {
				ex.write(w, fault.Status, wire.EncodeError(id, faults.Error(fault)))
				return
			}
		}

		resp, rerr := p.Forward(r, body)
		if rerr != nil {
			if r.Context().Err() != nil {
				ex.status, info.status = statusClientGone, statusClientGone
				return
			}
			info.Outcome = "upstream_error"
			ex.write(w, rerr.Status, wire.EncodeError(id, rerr))
			return
		}

		fails := p.Violations(op, r, v, call, resp)
		ex.violations = append(ex.violations, fails...)
		if !faulted {
			info.Outcome = "proxied"
		}
		if p.Strict && len(fails) > 0 {
			w.Header().Set(proxy.ViolationsHeader, strconv.Itoa(len(fails)))
			ex.write(w, http.StatusBadGateway, wire.EncodeError(id, proxy.StrictError(ex.violations)))
			return
		}
		h := w.Header()
		for k, vs := range resp.Header {
			if proxy.ForwardedHeader(k) {
				h[k] = vs
			}
		}
		h.Set(proxy.ViolationsHeader, strconv.Itoa(len(fails)))
		h.Set("Content-Length", strconv.Itoa(len(resp.Body)))
		ex.status, ex.resp = resp.Status, nonEmpty(resp.Body)
		ex.record() // a client that has its answer finds it in the journal
		w.WriteHeader(resp.Status)
		_, _ = w.Write(resp.Body)
	})
}

// nonEmpty is b, or nil for no bytes (a journal entry's "no body").
func nonEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}
