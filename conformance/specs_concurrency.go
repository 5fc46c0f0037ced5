package conformance

import (
	"context"
	"fmt"
	"sync"

	. "github.com/onsi/ginkgo/v2"
)

// defineConcurrency registers the specs that send requests at once
// (mutating, bounded by Options.Concurrency): races in signup or in
// session creation show only then.
//   - N signups of one fresh email at once: exactly one succeeds, every
//     other reports the email's key (S5: already registered);
//   - N signins of one account at once: every session id is distinct (S2).
//
// The requests start together from a closed channel, not after a sleep.
func (s *suite) defineConcurrency() {
	if !s.bindable(opSignup) || !s.has(opCountries) {
		return
	}
	op := s.op(opSignup)
	n := s.opts.Concurrency
	Describe("concurrency", Label(LabelMutating, LabelConcurrency), func() {
		loginKey := op.ErrorKey(argLogin)
		s.it(fmt.Sprintf("S5 %d concurrent %ss of one fresh email: exactly one succeeds, the others report %s", n, op.ID, loginKey), func(ctx SpecContext, p *probe) {
			params := s.partitionParams(ctx, p, op, partition{Arg: mustArg(op, argLogin), Value: s.email()})
			exs := s.burst(ctx, p, n, func() request { return s.rpc(op.ID, params) })
			var wins []*exchange
			for _, ex := range exs {
				v, ok := p.answer(ex)
				if !ok {
					continue
				}
				out, ok := p.documented(ex, v, anyVariant(op)...)
				if !ok {
					continue
				}
				if !variantIsError(op, out.Variant) {
					wins = append(wins, ex)
					continue
				}
				if _, has := lookup(out.Result, fieldErrors).(map[string]any)[loginKey]; has {
					p.pass(op.ID, "S5")
				} else {
					p.fail(ex, "S5", fieldErrors, "an error under "+loginKey+" (another of the concurrent signups registered the email)", jsonText(out.Result))
				}
			}
			if len(wins) == 1 {
				p.pass(op.ID, "S5")
			} else {
				var last *exchange
				if len(wins) > 0 {
					last = wins[len(wins)-1]
				} else if len(exs) > 0 {
					last = exs[len(exs)-1]
				}
				p.fail(last, "S5", "", fmt.Sprintf("exactly one of %d concurrent signups of %s to succeed", n, params[argLogin]), fmt.Sprintf("%d succeeded", len(wins)))
			}
		})

		if s.has(opSignin) {
			s.it(fmt.Sprintf("S2 %d concurrent %ss of one account start %d sessions with distinct session ids", n, opSignin, n), func(ctx SpecContext, p *probe) {
				params := s.partitionParams(ctx, p, op, partition{Arg: mustArg(op, argLogin), Value: s.email()})
				a := s.signupAccount(ctx, p, params)
				exs := s.burst(ctx, p, n, func() request {
					return s.rpc(opSignin, map[string]any{argLogin: a.Login, argPassword: a.Password})
				})
				seen := map[string]*exchange{}
				for _, ex := range exs {
					v, ok := p.answer(ex)
					if !ok {
						continue
					}
					out, ok := p.documented(ex, v, successVariants(s.op(opSignin))...)
					if !ok {
						continue
					}
					sid := jsonText(lookup(out.Result, fieldSession))
					if first, dup := seen[sid]; dup {
						p.fail(ex, "S2", fieldSession, "a "+fieldSession+" of its own (two sessions never share an id)", sid+", as answered to a concurrent signin: "+first.URL)
						continue
					}
					seen[sid] = ex
					p.pass(opSignin, "S2")
				}
			})
		}
	})
}

// burst sends n requests made by mk at once and returns their exchanges in
// the order they were made (each recorded for the repro).
func (s *suite) burst(ctx context.Context, p *probe, n int, mk func() request) []*exchange {
	reqs := make([]request, n)
	for i := range reqs {
		reqs[i] = mk()
	}
	exs := make([]*exchange, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer GinkgoRecover()
			<-start
			exs[i] = s.do(ctx, reqs[i])
		}()
	}
	close(start)
	wg.Wait()
	for _, ex := range exs {
		if notSent(ex) {
			p.stopped(ex) // a bound stopped the burst (bounds.go)
		}
	}
	p.calls = append(p.calls, exs...)
	return exs
}
