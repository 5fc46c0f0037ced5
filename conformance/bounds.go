package conformance

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
)

// Bounds against slow and hostile deployments (T5: never a hang).
//
//   - A late answer (no whole answer within the timeout, body included)
//     or one longer than MaxBody is one T5 finding, and it blocks its
//     operation: the operation's later requests are not sent, and the
//     specs that needed them are skipped naming that finding, instead of
//     each waiting out the timeout again.
//   - Options.MaxTime bounds the whole run: past it no request is sent and
//     the specs left are skipped as not run; the report is still written.

// blockedError is a request not sent because an earlier exchange of its
// operation had no whole answer in time.
type blockedError struct {
	op, cause string
}

func (e *blockedError) Error() string {
	return "not sent: " + e.op + " is blocked by an earlier finding: " + e.cause
}

// errMaxTime is a request not sent, or cut, because the run's --max-time
// was reached.
var errMaxTime = errors.New("not run: the run's --max-time was reached")

// Prefixes of the skip messages of specs a bound stopped, which the
// summary recognises.
const (
	blockedPrefix = "blocked: "
	maxTimePrefix = "not run: "
)

// gate is why a request for op must not be sent, or nil.
func (s *suite) gate(op string) error {
	if s.timeLeft() <= 0 {
		return errMaxTime
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if cause, ok := s.blocked[op]; ok {
		return &blockedError{op: op, cause: cause}
	}
	return nil
}

// block marks ex's operation blocked when ex had no whole answer in time
// or one too long (the first such exchange is the cause).
func (s *suite) block(ex *exchange) {
	if !errors.Is(ex.Err, context.DeadlineExceeded) && !errors.Is(ex.Err, ErrTooLong) {
		return
	}
	op := ex.Req.Op
	if op == "" {
		op = ex.Req.Path
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.blocked == nil {
		s.blocked = map[string]string{}
	}
	if _, ok := s.blocked[op]; !ok {
		s.blocked[op] = fmt.Sprintf("[T5] %s %s: %s", op, ex.Req.Method, ex.failure())
	}
}

// timeLeft is the time left before the run's --max-time.
func (s *suite) timeLeft() time.Duration {
	if s.deadline.IsZero() {
		return time.Duration(1<<63 - 1)
	}
	return time.Until(s.deadline)
}

// stopped ends a spec whose request ex was not sent, or cut, by a bound:
// with its findings so far when it has some, else skipped naming the
// bound (the one finding that blocked the operation, or --max-time).
func (p *probe) stopped(ex *exchange) {
	GinkgoHelper()
	var b *blockedError
	switch {
	case errors.Is(ex.Err, errMaxTime):
		p.flush()
		Skip(maxTimePrefix + "the run's --max-time (" + p.s.opts.MaxTime.String() + ") was reached")
	case errors.As(ex.Err, &b):
		if !p.ok() {
			p.verify()
		}
		p.flush()
		Skip(blockedPrefix + b.cause)
	}
}

// boundCause is the cause a skipped spec's message names when a bound
// stopped it ("" for other skips).
func boundCause(msg string) string {
	if strings.HasPrefix(msg, blockedPrefix) || strings.HasPrefix(msg, maxTimePrefix) {
		return msg
	}
	return ""
}

// notSent reports whether a bound stopped ex: not sent (its operation
// blocked, or the run out of time) or cut by the run's --max-time.
func notSent(ex *exchange) bool {
	var b *blockedError
	return errors.As(ex.Err, &b) || errors.Is(ex.Err, errMaxTime)
}
