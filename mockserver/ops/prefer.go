package ops

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/nebeus/nebeus-contract/mockserver/wire"
)

// MaxDelay bounds the latency a request may ask for (Prefer: delay=...) or a
// fault may add, in total. A server's WriteTimeout must exceed it.
const MaxDelay = 30 * time.Second

// Preference is what a request's Prefer header asks for (see doc.go).
type Preference struct {
	Variant string        // a documented variant of the operation; "" none
	Delay   time.Duration // extra latency
	Applied []string      // for Preference-Applied (RFC 7240)
}

// ParsePrefer reads the Prefer header values: preferences separated by
// commas (or semicolons, as some clients write them), each token[=value],
// the value optionally double-quoted. variant and delay are the mock's;
// others (Prism's code and example, RFC 7240's return, wait...) are ignored
// as RFC 7240 asks.
func ParsePrefer(values []string, op *Operation) (Preference, *wire.Error) {
	var p Preference
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
				p.Variant = val
				p.Applied = append(p.Applied, "variant="+val)
			case "delay":
				d, err := ParseDelay(val)
				if err != nil {
					return p, wire.ErrInvalidRequest("Prefer: " + err.Error())
				}
				p.Delay = d
				p.Applied = append(p.Applied, "delay="+d.String())
			}
		}
	}
	return p, nil
}

func errUnknownVariant(op *Operation, name string) *wire.Error {
	names := VariantNames(op)
	return &wire.Error{
		Status:  http.StatusBadRequest,
		Code:    wire.CodeInvalidRequest,
		Message: "Invalid Request: " + op.ID + " has no variant " + wire.Echo(name) + "; its documented variants are " + strings.Join(names, ", "),
		Data:    map[string]any{"operation": op.ID, "variants": names},
	}
}

// VariantNames are op's documented variants, in the page's order.
func VariantNames(op *Operation) []string {
	names := make([]string, 0, len(op.Variants))
	for _, v := range op.Variants {
		names = append(names, v.Name)
	}
	return names
}

// delayError is a bad delay value.
type delayError string

func (e delayError) Error() string { return string(e) }

// ParseDelay reads a Go duration ("250ms", "1.5s") or a whole number of
// milliseconds, 0..MaxDelay.
func ParseDelay(s string) (time.Duration, error) {
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

// Sleep waits d or until ctx ends, and reports whether it waited d: a
// client that goes away stops the wait.
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// Forced answers a documented variant without touching state (Prefer or a
// fault): the page's example with the contract's fixed texts, except where
// the logic has a truer answer (the real countries list, a plausible
// signup error under the login's key).
func (c *Call) Forced(variant string) Reply {
	const forcedMessage = "The request cannot be completed right now; please try again later"
	vr, _ := c.Op.Variant(variant)
	if vr.Error {
		if _, ok := vr.Field("/errors"); ok && c.Op.Run != nil {
			return Reply{Variant: variant, Known: signupErrors(map[string]FieldError{
				c.Op.ErrorKey(ArgLogin): {Field: c.Op.ErrorKey(ArgLogin), Message: "this email is already registered"},
			})}
		}
		// A free-text message (S4's) gets the mock's own plausible text
		// rather than the page's elided "...".
		return Reply{Variant: variant, Known: map[string]any{"message": forcedMessage}}
	}
	if c.Op.readOnly && variant == VariantSuccess {
		return c.Op.Run(c) // the mock's data (S6), no state touched
	}
	return Reply{Variant: variant}
}
