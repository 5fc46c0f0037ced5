package mockserver

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/nebeus/nebeus-contract/mockserver/wire"
)

// preference is what a request's Prefer header asks for (see doc.go).
type preference struct {
	variant string        // a documented variant of the operation; "" none
	delay   time.Duration // extra latency
	applied []string      // for Preference-Applied (RFC 7240)
}

// parsePrefer reads the Prefer header values: preferences separated by
// commas (or semicolons, as some clients write them), each token[=value],
// the value optionally double-quoted. variant and delay are the mock's;
// others (Prism's code and example, RFC 7240's return, wait...) are ignored
// as RFC 7240 asks.
func parsePrefer(values []string, op *operation) (preference, *wire.Error) {
	var p preference
	for _, h := range values {
		for _, item := range strings.FieldsFunc(h, func(r rune) bool { return r == ',' || r == ';' }) {
			key, val, _ := strings.Cut(strings.TrimSpace(item), "=")
			key = strings.ToLower(strings.TrimSpace(key))
			val = strings.Trim(strings.TrimSpace(val), `"`)
			switch key {
			case "variant":
				if _, ok := op.Variant(val); !ok {
					return p, errUnknownVariant(op, val)
				}
				p.variant = val
				p.applied = append(p.applied, "variant="+val)
			case "delay":
				d, err := parseDelay(val)
				if err != nil {
					return p, wire.ErrInvalidRequest("Prefer: " + err.Error())
				}
				p.delay = d
				p.applied = append(p.applied, "delay="+d.String())
			}
		}
	}
	return p, nil
}

func errUnknownVariant(op *operation, name string) *wire.Error {
	names := variantNames(op)
	return &wire.Error{
		Status:  http.StatusBadRequest,
		Code:    wire.CodeInvalidRequest,
		Message: "Invalid Request: " + op.ID + " has no variant " + wire.Echo(name) + "; its documented variants are " + strings.Join(names, ", "),
		Data:    map[string]any{"operation": op.ID, "variants": names},
	}
}

func variantNames(op *operation) []string {
	names := make([]string, 0, len(op.Variants))
	for _, v := range op.Variants {
		names = append(names, v.Name)
	}
	return names
}

// delayError is a bad delay value.
type delayError string

func (e delayError) Error() string { return string(e) }

// parseDelay reads a Go duration ("250ms", "1.5s") or a whole number of
// milliseconds, 0..MaxDelay.
func parseDelay(s string) (time.Duration, error) {
	var d time.Duration
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		if n < 0 || n > MaxDelay.Milliseconds() {
			return 0, delayError("delay " + wire.Echo(s) + " is outside 0.." + MaxDelay.String())
		}
		d = time.Duration(n) * time.Millisecond
	} else {
		d, err = time.ParseDuration(s)
		if err != nil {
			return 0, delayError("delay " + wire.Echo(s) + " is not a duration like 250ms or a number of milliseconds")
		}
	}
	if d < 0 || d > MaxDelay {
		return 0, delayError("delay " + wire.Echo(s) + " is outside 0.." + MaxDelay.String())
	}
	return d, nil
}

// sleep waits d or until ctx ends, and reports whether it waited d: a
// client that goes away stops the wait.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// forced answers a documented variant without touching state (Prefer or a
// fault): the page's example with the contract's fixed texts, except where
// the logic has a truer answer (the real countries list, a plausible
// signup error under the login's key).
func (c *call) forced(variant string) reply {
	const forcedMessage = "The request cannot be completed right now; please try again later"
	vr, _ := c.op.Variant(variant)
	if vr.Error {
		if _, ok := vr.Field("/errors"); ok && c.op.run != nil {
			return reply{variant: variant, known: signupErrors(map[string]fieldError{
				c.op.ErrorKey(argLogin): {Field: c.op.ErrorKey(argLogin), Message: "this email is already registered"},
			})}
		}
		// A free-text message (S4's) gets the mock's own plausible text
		// rather than the page's elided "...".
		return reply{variant: variant, known: map[string]any{"message": forcedMessage}}
	}
	if c.op.readOnly && variant == variantSuccess {
		return c.op.run(c) // the mock's data (S6), no state touched
	}
	return reply{variant: variant}
}
