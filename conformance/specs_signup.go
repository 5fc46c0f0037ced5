package conformance

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	. "github.com/onsi/ginkgo/v2"

	"github.com/nebeus/nebeus-contract/schemas"
)

// defineSignup registers signup's readonly specs: answers that create
// nothing, because each request has a problem S5 names. Every key expected
// is the model's error key of the argument at fault.
func (s *suite) defineSignup(op schemas.Operation) {
	Describe(op.ID, Label(LabelReadonly), func() {
		s.it("S5 "+op.ID+" reports every problem together, one error key per field", func(ctx SpecContext, p *probe) {
			params := map[string]any{}
			var keys []string
			negs := s.negatives(op)
			for _, a := range op.Arguments {
				for _, n := range negs {
					if n.Arg.Name == a.Name && n.Invalid && !n.Missing {
						params[a.Name] = n.Value
						keys = appendKey(keys, a.Key())
						break
					}
				}
			}
			s.expectSignupErrors(ctx, p, params, keys, false)
		})

		s.it("S5 "+op.ID+" with empty params reports every required field", func(ctx SpecContext, p *probe) {
			var keys []string
			for _, a := range op.Arguments {
				if a.Required {
					keys = appendKey(keys, a.Key())
				}
			}
			s.expectSignupErrors(ctx, p, map[string]any{}, keys, false)
		})

		confirmKey := op.ErrorKey(argConfirm)
		s.it("S5 "+op.ID+" reports a "+argConfirm+" that differs under "+confirmKey, func(ctx SpecContext, p *probe) {
			params := s.validParams(op, false)
			params[argConfirm] = fmt.Sprint(params[argPassword], "-other")
			s.expectSignupErrors(ctx, p, params, []string{confirmKey}, false)
		})

		countryKey := op.ErrorKey(argCountry)
		s.it("S5 "+op.ID+" reports a "+argCountry+" that is not an active one under "+countryKey, func(ctx SpecContext, p *probe) {
			list := s.expectCountries(ctx, p, s.rpc(opCountries, map[string]any{}))
			p.require(len(list) > 0)
			params := s.validParams(op, false)
			params[argCountry] = inactiveID(list)
			s.expectSignupErrors(ctx, p, params, []string{countryKey}, false)
		})
	})
}

// inactiveID is an integer id that is no active country's: one past the
// largest (S6 ids are integers > 0).
func inactiveID(list []any) json.Number {
	var max int64
	for _, c := range list {
		m, _ := c.(map[string]any)
		if n, ok := m[fieldCountryID].(json.Number); ok {
			if i, err := n.Int64(); err == nil && i > max {
				max = i
			}
		}
	}
	return json.Number(fmt.Sprint(max + 1))
}

func appendKey(keys []string, k string) []string {
	if slices.Contains(keys, k) {
		return keys
	}
	return append(keys, k)
}

// expectSignupErrors sends a signup that must fail and checks S5: the
// error variant whose errors name at least every key in keys (every
// problem reported together). With reject, a clean rejection (T5) is also
// accepted: the derived negative inputs allow it.
func (s *suite) expectSignupErrors(ctx SpecContext, p *probe, params map[string]any, keys []string, reject bool) {
	GinkgoHelper()
	if reject {
		ex := p.do(ctx, s.rpc(opSignup, params))
		if cleanRejection(ex) {
			p.rejected(ex, "S5", "a signup with bad arguments")
			return
		}
		s.judgeSignupErrors(p, ex, keys)
		return
	}
	s.signupErrors(ctx, p, params, keys)
}

// signupErrors sends a signup that must fail with at least the keys in
// keys (S5) and returns its errors and the exchange (nil when the answer
// is not the documented error).
func (s *suite) signupErrors(ctx SpecContext, p *probe, params map[string]any, keys []string) (map[string]any, *exchange) {
	GinkgoHelper()
	ex := p.do(ctx, s.rpc(opSignup, params))
	errs, ok := s.judgeSignupErrors(p, ex, keys)
	if !ok {
		return nil, nil
	}
	return errs, ex
}

func (s *suite) judgeSignupErrors(p *probe, ex *exchange, keys []string) (map[string]any, bool) {
	GinkgoHelper()
	op := s.op(opSignup)
	v, ok := p.answer(ex)
	p.require(ok)
	out, _ := p.documented(ex, v, anyVariant(op)...)
	if out.Result == nil {
		return nil, false // documented reported the shape
	}
	if !variantIsError(op, out.Variant) {
		p.fail(ex, "S5", "", fmt.Sprintf("the error variant naming %s (every problem reported together)", strings.Join(keys, ", ")), "the "+out.Variant+" variant: "+jsonText(out.Result))
		return nil, false
	}
	errs, _ := lookup(out.Result, fieldErrors).(map[string]any)
	base := "/result" + fieldErrors + "/"
	if _, isArr := v.([]any); isArr {
		base = "/0" + base
	}
	var missingKeys []string
	for _, k := range keys {
		if _, has := errs[k]; !has {
			missingKeys = append(missingKeys, k)
		}
	}
	if len(missingKeys) == 0 {
		p.pass(op.ID, "S5")
		return errs, true
	}
	got := slices.Sorted(maps.Keys(errs))
	for _, k := range missingKeys {
		p.fail(ex, "S5", base+k, fmt.Sprintf("an error under %q (every problem reported together; expected keys %s)", k, strings.Join(keys, ", ")), "keys "+jsonText(got))
	}
	return errs, true
}

// cleanRejection tells a protocol-level rejection (a 4xx, or a JSON-RPC
// error object) from an answer that claims to be an outcome.
func cleanRejection(ex *exchange) bool {
	if ex.Err != nil {
		return false
	}
	if ex.Status >= 400 && ex.Status < 500 {
		return true
	}
	v, err := ex.decode()
	if err != nil {
		return false
	}
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	_, isErr := m["error"]
	return isErr
}
