package conformance

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"

	"github.com/nebeus/nebeus-contract/schemas"
)

// Country samples: every listed country when the list is no longer than
// this, else this many, chosen by the run's seed (the first and last
// listed, the smallest and largest id always among them).
const (
	countriesReadonly = 32
	countriesSignedUp = 8
)

// defineProperties registers the properties that hold across operations:
//   - every country get_countries lists is accepted by signup (S5, S6):
//     readonly, sent with a base problem, none is reported under the
//     country's key; mutating, signups with a sample succeed;
//   - logins compare case-insensitively at every operation that takes one
//     (S1, S4, S5): an account signed up in mixed case signs in in every
//     case with the same uid, reset_password succeeds in every case, and a
//     signup in another case is a duplicate;
//   - a rejected signup creates nothing (S5): for each required argument,
//     a signup with just that one wrong is rejected under its key, the
//     account cannot sign in, and the corrected retry with the same login
//     succeeds.
func (s *suite) defineProperties() {
	if !s.bindable(opSignup) || !s.has(opCountries) {
		return
	}
	op := s.op(opSignup)
	country, _ := op.Argument(argCountry)
	base := baseProblem(op, country)
	Describe("properties across operations", func() {
		if base.Name != "" {
			s.it(fmt.Sprintf("S5 %s accepts every country %s lists (up to %d, a sample by the seed beyond; with %s missing, nothing under %s)", op.ID, opCountries, countriesReadonly, base.Name, country.Key()), func(ctx SpecContext, p *probe) {
				for _, id := range s.countrySample(ctx, p, countriesReadonly) {
					params := s.validParams(op, false)
					params[argCountry] = id
					delete(params, base.Name)
					copyValues(params, "")
					s.expectSignupErrorsExactly(ctx, p, params, []string{base.Key()}, []string{country.Key()})
				}
			}, Label(LabelReadonly))
		}

		s.it(fmt.Sprintf("S5 %s succeeds with countries %s lists (up to %d, a sample by the seed beyond)", op.ID, opCountries, countriesSignedUp), func(ctx SpecContext, p *probe) {
			for _, id := range s.countrySample(ctx, p, countriesSignedUp) {
				params := s.validParams(op, false)
				params[argCountry] = id
				s.expectSignupSuccess(ctx, p, params)
			}
		}, Label(LabelMutating))

		if s.has(opSignin) {
			ops := opSignup + ", " + opSignin
			if s.has(opReset) {
				ops += " and " + opReset
			}
			s.it("S1 logins compare case-insensitively across "+ops, func(ctx SpecContext, p *probe) {
				params := s.partitionParams(ctx, p, op, partition{Arg: mustArg(op, argLogin), Value: mixedCase(s.email())})
				a := s.signupAccount(ctx, p, params)
				first, _ := s.signin(ctx, p, a)
				for _, login := range []string{strings.ToLower(a.Login), strings.ToUpper(a.Login), swapCase(a.Login)} {
					res, ex := s.signinAs(ctx, p, account{Login: login, Password: a.Password}, a.Login)
					if res == nil {
						continue
					}
					if uid, other := lookup(first, fieldUID), lookup(res, fieldUID); sameJSON(uid, other) {
						p.pass(opSignin, "S1")
					} else {
						p.fail(ex, "S1", fieldUID, "the "+fieldUID+" of "+a.Login+": "+jsonText(uid)+" (the same account in other letter case)", jsonText(other))
					}
					if s.has(opReset) {
						s.expectResetSuccess(ctx, p, login)
					}
				}
				for _, login := range []string{strings.ToLower(a.Login), strings.ToUpper(a.Login)} {
					dup := s.partitionParams(ctx, p, op, partition{Arg: mustArg(op, argLogin), Value: login})
					s.expectSignupErrors(ctx, p, dup, []string{op.ErrorKey(argLogin)}, false)
				}
			}, Label(LabelMutating))
		}

		for _, a := range op.Arguments {
			if !a.Required || a.Name == argLogin {
				continue
			}
			if _, copied := copies[a.Name]; copied {
				continue
			}
			var bad *negative
			for _, n := range s.negatives(op) {
				if n.Arg.Name == a.Name && n.Invalid && !n.Missing {
					bad = &n
					break
				}
			}
			if bad == nil {
				continue
			}
			s.it("S5 a "+op.ID+" rejected for "+bad.String()+" creates nothing: the account cannot sign in, and the corrected retry succeeds", func(ctx SpecContext, p *probe) {
				params := s.partitionParams(ctx, p, op, partition{Arg: a, Value: s.valid(op, a)})
				wrong := cloneParams(params)
				bad.apply(wrong)
				copyValues(wrong, bad.Arg.Name)
				s.expectSignupErrors(ctx, p, wrong, []string{a.Key()}, false)
				if s.has(opSignin) {
					s.expectSigninFailure(ctx, p, s.rpc(opSignin, map[string]any{argLogin: params[argLogin], argPassword: params[argPassword]}))
				}
				s.expectSignupSuccess(ctx, p, params)
			}, Label(LabelMutating))
		}
	})
}

// cloneParams is a shallow copy of params.
func cloneParams(params map[string]any) map[string]any {
	out := make(map[string]any, len(params))
	for k, v := range params {
		out[k] = v
	}
	return out
}

func mustArg(op schemas.Operation, name string) schemas.Argument {
	a, ok := op.Argument(name)
	if !ok {
		panic("conformance: " + op.ID + " has no argument " + name)
	}
	return a
}

// countrySample is the ids of the active countries (S6) signup is tried
// with: all of them up to n, else n of them: the first and last listed,
// the smallest and largest id, and the rest chosen by the run's seed.
func (s *suite) countrySample(ctx SpecContext, p *probe, n int) []any {
	GinkgoHelper()
	list := s.expectCountries(ctx, p, s.rpc(opCountries, map[string]any{}))
	p.require(len(list) > 0)
	var ids []any
	for _, c := range list {
		m, _ := c.(map[string]any)
		if id, ok := m[fieldCountryID]; ok {
			ids = append(ids, id)
		}
	}
	if len(ids) <= n {
		return ids
	}
	num := func(v any) float64 {
		f, _ := v.(json.Number).Float64()
		return f
	}
	pick := []int{0, len(ids) - 1}
	lo, hi := 0, 0
	for i, id := range ids {
		if num(id) < num(ids[lo]) {
			lo = i
		}
		if num(id) > num(ids[hi]) {
			hi = i
		}
	}
	pick = append(pick, lo, hi)
	r := rand.New(rand.NewPCG(uint64(s.opts.Seed), 0x5eed))
	for _, i := range r.Perm(len(ids)) {
		pick = append(pick, i)
	}
	var out []any
	var seen []int
	for _, i := range pick {
		if len(out) == n {
			break
		}
		if !slices.Contains(seen, i) {
			seen = append(seen, i)
			out = append(out, ids[i])
		}
	}
	return out
}
