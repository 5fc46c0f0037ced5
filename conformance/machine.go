package conformance

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"pgregory.net/rapid"

	"github.com/nebeus/nebeus-contract/schemas"
)

// The stateful stage: random sequences of operations, run as
// pgregory.net/rapid state machines against a model of the contract's
// state (accounts, the uid each signs in as, live sessions, every session
// id ever issued, the logins of rejected signups), every answer checked as
// the other specs check it. The sequences use the five operations and any
// other operation the contract marks safe.
//
//   - Reproducible: rapid's seed is the run's (--seed).
//   - Bounded: about Options.Steps operations per machine, within
//     Options.StepsTime (past it, no new sequence starts); shrinking a
//     failure has the same bound again.
//   - A failure is shrunk to a minimal sequence, reported with its findings
//     and a script that replays every call in order, as curl lines.
//   - The readonly machine runs only sequences that create nothing:
//     signups with a problem and a base problem, signins that fail,
//     reset_password, get_countries, logout, safe operations, and signin
//     and logout with the account given to the run.

// stepsPerSequence is the average length of a sequence.
const stepsPerSequence = 20

func (s *suite) defineStateful() {
	if s.opts.Steps < 0 || !s.bindable(opSignin) {
		return
	}
	Describe("stateful: random sequences of operations (pgregory.net/rapid)", func() {
		if s.bindable(opSignup) && s.has(opCountries) {
			s.it("S5 random sequences that create accounts answer as the model of accounts and sessions says", func(ctx SpecContext, p *probe) {
				s.runMachine(ctx, p, true)
			}, Label(LabelMutating))
		}
		s.it("S1 random sequences that create nothing answer as the model of accounts and sessions says", func(ctx SpecContext, p *probe) {
			s.runMachine(ctx, p, false)
		}, Label(LabelReadonly))
	})
}

// rapidMu serializes the machines of a process: rapid's settings are
// process-wide.
var rapidMu sync.Mutex

// runMachine runs one machine under the run's budget and reports the
// minimal failing sequence, if any, as p's findings.
func (s *suite) runMachine(ctx context.Context, p *probe, mutating bool) {
	rapidMu.Lock()
	defer rapidMu.Unlock()
	// An operation blocked by a late answer, or the run out of time:
	// sequences would only repeat that one finding (bounds.go).
	s.mu.Lock()
	for _, cause := range s.blocked {
		s.mu.Unlock()
		Skip(blockedPrefix + cause)
	}
	s.mu.Unlock()
	if s.timeLeft() <= 0 {
		Skip(maxTimePrefix + "the run's --max-time (" + s.opts.MaxTime.String() + ") was reached")
	}
	per := min(s.opts.Steps, stepsPerSequence)
	checks := max(1, s.opts.Steps/per)
	setRapid(map[string]string{
		"rapid.seed":       strconv.FormatUint(uint64(s.opts.Seed), 10),
		"rapid.checks":     strconv.Itoa(checks),
		"rapid.steps":      strconv.Itoa(per),
		"rapid.shrinktime": s.opts.StepsTime.String(),
		"rapid.nofailfile": "true",
		"rapid.v":          "false",
		"rapid.log":        "false",
	})
	deadline := time.Now().Add(s.opts.StepsTime)
	var last *machine
	failed := false
	runs, steps := 0, 0
	tb := &rapidTB{}
	rapid.Check(tb, func(t *rapid.T) {
		if !failed && time.Now().After(deadline) {
			return // the budget is spent: no new sequence
		}
		m := s.newMachine(ctx, mutating)
		runs++
		defer func() {
			if t.Failed() {
				failed, last = true, m
				return
			}
			steps += len(m.trace)
			for k, tl := range m.p.tallies {
				p.count(strings.Fields(k)[0], strings.Fields(k)[1], func(x *Tally) { x.Passed += tl.Passed; x.Warned += tl.Warned })
			}
			p.warnings = append(p.warnings, m.p.warnings...)
			for k := range m.p.covered {
				p.cover1(k)
			}
		}()
		t.Repeat(m.actions())
	})
	if last != nil && s.timeLeft() <= 0 {
		Skip(maxTimePrefix + "the run's --max-time (" + s.opts.MaxTime.String() + ") was reached")
	}
	if last == nil {
		AddReportEntry("stateful", fmt.Sprintf("%d sequences, %d steps, no failure", runs, steps), ReportEntryVisibilityNever)
		return
	}
	for k, tl := range last.p.tallies {
		f := strings.Fields(k)
		p.count(f[0], f[1], func(x *Tally) { x.Passed += tl.Passed; x.Failed += tl.Failed; x.Warned += tl.Warned })
	}
	p.findings = append(p.findings, last.p.findings...)
	for k := range last.p.covered {
		p.cover1(k)
	}
	p.notes = append(p.notes, fmt.Sprintf("a random sequence broke the contract (shrunk to %d steps: %s); --seed %d repeats the run, and the repro below replays the sequence",
		len(last.trace), strings.Join(last.trace, ", "), s.opts.Seed))
}

// setRapid sets rapid's settings (its flags: rapid reads nothing else).
// Outside go test (the binary), testing's flags are registered and the
// (empty) command line parsed first: rapid asks testing.Short, which wants
// both.
func setRapid(settings map[string]string) {
	if flag.Lookup("test.short") == nil {
		testing.Init()
	}
	if !flag.Parsed() {
		flag.CommandLine.Parse(nil)
	}
	for k, v := range settings {
		if err := flag.Set(k, v); err != nil {
			panic("conformance: rapid setting " + k + ": " + err.Error())
		}
	}
}

// rapidTB receives rapid's own report; the suite reports from its machine.
type rapidTB struct {
	mu     sync.Mutex
	failed bool
}

func (*rapidTB) Helper()             {}
func (*rapidTB) Name() string        { return "conformance" }
func (*rapidTB) Logf(string, ...any) {}
func (*rapidTB) Log(...any)          {}
func (*rapidTB) Skipf(string, ...any) {
}
func (*rapidTB) Skip(...any) {}
func (*rapidTB) SkipNow()    {}
func (b *rapidTB) Errorf(string, ...any) {
	b.Fail()
}
func (b *rapidTB) Error(...any)          { b.Fail() }
func (b *rapidTB) Fatalf(string, ...any) { b.Fail() }
func (b *rapidTB) Fatal(...any)          { b.Fail() }
func (b *rapidTB) FailNow()              { b.Fail() }
func (b *rapidTB) Fail() {
	b.mu.Lock()
	b.failed = true
	b.mu.Unlock()
}
func (b *rapidTB) Failed() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.failed
}

var _ rapid.TB = (*rapidTB)(nil)

// machine is one sequence's model of the contract's state.
type machine struct {
	s         *suite
	ctx       context.Context
	p         *probe
	mutating  bool
	accounts  []*modelAccount
	sessions  []string
	issued    map[string]bool
	rejected  []string
	countries []any
	trace     []string
}

// modelAccount is an account the model knows, and the uid it signs in as
// (nil until its first signin).
type modelAccount struct {
	account
	uid     any
	created bool
}

func (s *suite) newMachine(ctx context.Context, mutating bool) *machine {
	m := &machine{s: s, ctx: ctx, p: s.probe(), mutating: mutating, issued: map[string]bool{}}
	m.p.inMachine = true
	if s.opts.Login != "" {
		m.accounts = append(m.accounts, &modelAccount{account: account{Login: s.opts.Login, Password: s.opts.Password}})
	}
	return m
}

// actions are the machine's actions by name; each checks its answers and
// fails the sequence at the first finding.
func (m *machine) actions() map[string]func(*rapid.T) {
	s := m.s
	acts := map[string]func(*rapid.T){
		"signin_unknown": m.signinUnknown,
		"signin":         m.signin,
		"signin_wrong":   m.signinWrong,
	}
	if s.has(opLogout) {
		acts["logout"] = m.logout
	}
	if s.bindable(opReset) {
		acts["reset_password"] = m.reset
		if len(m.invalid(opReset)) > 0 {
			acts["reset_password_malformed"] = m.resetMalformed
		}
	}
	if s.has(opCountries) {
		acts["get_countries"] = m.getCountries
	}
	if s.bindable(opSignup) && s.has(opCountries) {
		acts["signup_invalid"] = m.signupInvalid
		if m.mutating {
			acts["signup"] = m.signup
			acts["signup_duplicate"] = m.signupDuplicate
		}
	}
	for _, op := range s.contract.Operations() {
		if _, bound := s.bound(op); !bound && op.Safe {
			acts["safe_"+op.ID] = func(t *rapid.T) { m.safe(t, op) }
		}
	}
	acts[""] = func(t *rapid.T) {
		if !m.p.ok() {
			t.Fatalf("contract violation")
		}
	}
	return acts
}

func (m *machine) step(what string) { m.trace = append(m.trace, what) }

// call sends a call of op with params and checks it is one of the
// documented variants; it returns the outcome and whether it is an error.
func (m *machine) call(op string, params map[string]any, r *request) (outcome, *exchange, bool) {
	req := m.s.rpc(op, params)
	if r != nil {
		req = *r
	}
	ex := m.p.do(m.ctx, req)
	v, ok := m.p.answer(ex)
	if !ok {
		return outcome{}, ex, false
	}
	o := m.s.op(op)
	out, ok := m.p.documented(ex, v, anyVariant(o)...)
	return out, ex, ok
}

// expect checks the outcome's kind: success or error, under dec.
func (m *machine) expect(out outcome, ex *exchange, wantErr bool, dec, why string) bool {
	isErr := variantIsError(m.s.op(ex.Req.Op), out.Variant)
	if isErr == wantErr {
		m.p.pass(ex.Req.Op, dec)
		return true
	}
	want := "success"
	if wantErr {
		want = "the documented error"
	}
	m.p.fail(ex, dec, "", want+": "+why, "the "+out.Variant+" variant: "+jsonText(out.Result))
	return false
}

var cases = []string{"as signed up", "lower case", "upper case", "swapped case"}

func recase(login, how string) string {
	switch how {
	case "lower case":
		return strings.ToLower(login)
	case "upper case":
		return strings.ToUpper(login)
	case "swapped case":
		return swapCase(login)
	}
	return login
}

// created reports whether the sequence created an account yet.
func (m *machine) created() bool {
	for _, a := range m.accounts {
		if a.created {
			return true
		}
	}
	return false
}

func (m *machine) pickAccount(t *rapid.T, created bool) *modelAccount {
	var pool []*modelAccount
	for _, a := range m.accounts {
		if !created || a.created {
			pool = append(pool, a)
		}
	}
	if len(pool) == 0 {
		t.Skip("no account yet")
	}
	return pool[rapid.IntRange(0, len(pool)-1).Draw(t, "account")]
}

func (m *machine) signinUnknown(t *rapid.T) {
	m.step(opSignin + "(no such account)")
	out, ex, ok := m.call(opSignin, map[string]any{argLogin: m.s.email(), argPassword: m.s.password()}, nil)
	if ok {
		m.expect(out, ex, true, "S1", "no account has this login")
	}
}

// signinWrong sends a wrong password for an account the run created: the
// account given to the run (--login) never gets one, so a backend that
// counts failures never locks it (the readonly promise, README).
func (m *machine) signinWrong(t *rapid.T) {
	a := m.pickAccount(t, true)
	m.step(opSignin + "(wrong password)")
	out, ex, ok := m.call(opSignin, map[string]any{argLogin: a.Login, argPassword: m.s.throwaway(a.Password + "-wrong")}, nil)
	if ok {
		m.expect(out, ex, true, "S1", "the password is wrong")
	}
}

func (m *machine) signin(t *rapid.T) {
	a := m.pickAccount(t, false)
	how := rapid.SampledFrom(cases).Draw(t, "case")
	m.step(opSignin + "(" + how + ")")
	out, ex, ok := m.call(opSignin, map[string]any{argLogin: recase(a.Login, how), argPassword: a.Password}, nil)
	if !ok || !m.expect(out, ex, false, "S1", "the account exists (logins compare case-insensitively)") {
		return
	}
	uid := lookup(out.Result, fieldUID)
	if a.uid == nil {
		a.uid = uid
	} else if !sameJSON(a.uid, uid) {
		m.p.fail(ex, "S1", fieldUID, "the "+fieldUID+" this account signed in with before: "+jsonText(a.uid), jsonText(uid))
	}
	sid, _ := lookup(out.Result, fieldSession).(string)
	if m.issued[sid] {
		m.p.fail(ex, "S2", fieldSession, "a new session id (two sessions never share an id; this one was issued before in the sequence)", jsonText(sid))
		return
	}
	m.p.pass(opSignin, "S2")
	m.issued[sid] = true
	m.sessions = append(m.sessions, sid)
}

func (m *machine) logout(t *rapid.T) {
	cs := m.s.carriers()
	sid := m.s.unknownSession()
	what := "an unknown session"
	if len(m.sessions) > 0 && rapid.Bool().Draw(t, "live") {
		i := rapid.IntRange(0, len(m.sessions)-1).Draw(t, "session")
		sid, what = m.sessions[i], "a live session"
		m.sessions = append(m.sessions[:i:i], m.sessions[i+1:]...)
	}
	r := m.s.rpc(opLogout, map[string]any{})
	how := "no carrier"
	if len(cs) > 0 {
		c := cs[rapid.IntRange(0, len(cs)-1).Draw(t, "carrier")]
		r, how = c.apply(m.s, sid), c.name
	}
	m.step(opLogout + "(" + what + " as " + how + ")")
	out, ex, ok := m.call(opLogout, nil, &r)
	if ok {
		m.expect(out, ex, false, "S3", "logout always succeeds")
	}
}

func (m *machine) reset(t *rapid.T) {
	login := m.s.email()
	what := "no such account"
	// Only an account the run created gets a reset: the account given to
	// the run is never sent one (no mail to a real user; README, readonly).
	if m.created() && rapid.Bool().Draw(t, "existing") {
		a := m.pickAccount(t, true)
		how := rapid.SampledFrom(cases).Draw(t, "case")
		login, what = recase(a.Login, how), "an account, "+how
	}
	m.step(opReset + "(" + what + ")")
	out, ex, ok := m.call(opReset, map[string]any{argLogin: login}, nil)
	if ok {
		m.expect(out, ex, false, "S4", "a well-formed email succeeds whether or not an account exists")
	}
}

// invalid are op's negative inputs the contract rejects outright.
func (m *machine) invalid(op string) []negative {
	var out []negative
	for _, n := range m.s.negatives(m.s.op(op)) {
		if n.Invalid {
			out = append(out, n)
		}
	}
	return out
}

func (m *machine) resetMalformed(t *rapid.T) {
	ns := m.invalid(opReset)
	n := ns[rapid.IntRange(0, len(ns)-1).Draw(t, "negative")]
	m.step(opReset + "(" + n.String() + ")")
	params := map[string]any{argLogin: m.s.email()}
	n.apply(params)
	out, ex, ok := m.call(opReset, params, nil)
	if ok {
		m.expect(out, ex, true, "S4", "a missing, non-string or malformed email gets the error")
	}
}

func (m *machine) getCountries(t *rapid.T) {
	m.step(opCountries)
	out, _, ok := m.call(opCountries, map[string]any{}, nil)
	if ok && m.countries == nil {
		for _, c := range out.List {
			if c, ok := c.(map[string]any); ok {
				m.countries = append(m.countries, c[fieldCountryID])
			}
		}
		m.s.mu.Lock()
		m.s.countries = m.countries
		m.s.mu.Unlock()
	}
}

// countryIDs are the active countries' ids a machine of this process
// fetched (nil before any did).
func (s *suite) countryIDs() []any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.countries
}

func (m *machine) country(t *rapid.T) any {
	if len(m.countries) == 0 {
		m.countries = m.s.countryIDs()
	}
	if len(m.countries) == 0 {
		m.getCountries(t)
	}
	if len(m.countries) == 0 {
		t.Skip("no country")
	}
	return m.countries[rapid.IntRange(0, len(m.countries)-1).Draw(t, "country")]
}

func (m *machine) signupInvalid(t *rapid.T) {
	op := m.s.op(opSignup)
	ns := m.invalid(opSignup)
	n := ns[rapid.IntRange(0, len(ns)-1).Draw(t, "negative")]
	params := m.s.validParams(op, false)
	params[argCountry] = m.country(t)
	keys := []string{n.Arg.Key()}
	what := n.String()
	if !m.mutating {
		base := baseProblem(op, n.Arg)
		delete(params, base.Name)
		keys = append(keys, base.Key())
		what += " and " + base.Name + " missing"
	}
	n.apply(params)
	copyValues(params, n.Arg.Name)
	m.step(opSignup + "(" + what + ")")
	ex := m.p.do(m.ctx, m.s.rpc(opSignup, params))
	if cleanRejection(ex) {
		m.p.rejected(ex, "S5", what)
	} else if v, ok := m.p.answer(ex); ok {
		out, ok := m.p.documented(ex, v, anyVariant(op)...)
		if ok && m.expect(out, ex, true, "S5", what) {
			errs, _ := lookup(out.Result, fieldErrors).(map[string]any)
			for _, k := range keys {
				if _, has := errs[k]; !has {
					m.p.fail(ex, "S5", fieldErrors+"/"+k, "an error under "+k+" ("+what+")", jsonText(errs))
				}
			}
		}
	}
	if login, ok := params[argLogin].(string); ok && n.Arg.Name != argLogin {
		m.rejected = append(m.rejected, login)
	}
}

func (m *machine) signup(t *rapid.T) {
	op := m.s.op(opSignup)
	params := m.s.validParams(op, rapid.Bool().Draw(t, "optional"))
	params[argCountry] = m.country(t)
	what := "a new account"
	if len(m.rejected) > 0 && rapid.Bool().Draw(t, "retry") {
		i := rapid.IntRange(0, len(m.rejected)-1).Draw(t, "rejected")
		params[argLogin], what = m.rejected[i], "the corrected retry of a rejected signup"
		m.rejected = append(m.rejected[:i:i], m.rejected[i+1:]...)
	}
	m.step(opSignup + "(" + what + ")")
	out, ex, ok := m.call(opSignup, params, nil)
	if ok && m.expect(out, ex, false, "S5", "every argument is valid and the login is new ("+what+": a rejected signup creates nothing)") {
		m.accounts = append(m.accounts, &modelAccount{account: account{Login: params[argLogin].(string), Password: params[argPassword].(string)}, created: true})
	}
}

func (m *machine) signupDuplicate(t *rapid.T) {
	a := m.pickAccount(t, true)
	how := rapid.SampledFrom(cases).Draw(t, "case")
	op := m.s.op(opSignup)
	params := m.s.validParams(op, false)
	params[argCountry] = m.country(t)
	params[argLogin] = recase(a.Login, how)
	m.step(opSignup + "(an existing login, " + how + ")")
	out, ex, ok := m.call(opSignup, params, nil)
	key := op.ErrorKey(argLogin)
	if ok && m.expect(out, ex, true, "S5", "the login is registered already (case-insensitively)") {
		if errs, _ := lookup(out.Result, fieldErrors).(map[string]any); errs[key] == nil {
			m.p.fail(ex, "S5", fieldErrors+"/"+key, "an error under "+key+" (already registered)", jsonText(errs))
		}
	}
}

func (m *machine) safe(t *rapid.T, op schemas.Operation) {
	m.step(op.ID)
	ex := m.p.do(m.ctx, m.s.validCall(op))
	if m.p.binary(ex, op) {
		return
	}
	if v, ok := m.p.answer(ex); ok {
		m.p.documented(ex, v)
	}
}
