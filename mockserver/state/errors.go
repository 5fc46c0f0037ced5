package state

import "errors"

var (
	// ErrDuplicateLogin: signup of a login that exists already, compared
	// case-insensitively (S1, S5).
	ErrDuplicateLogin = errors.New("state: login already registered")
	// ErrInvalidAccount: signup input that breaks the account invariants;
	// the error wrapping it names the field. The HTTP layer validates first
	// (S5), so this is a second line of defence.
	ErrInvalidAccount = errors.New("state: invalid account")
	// ErrUnknownUID: StartSession for a uid no account of the namespace has.
	ErrUnknownUID = errors.New("state: no account with this uid")
	// ErrTooManyNamespaces is no longer returned: past
	// Config.MaxNamespaces the idle namespace unused for longest is evicted.
	// Kept so that callers matching it still compile.
	ErrTooManyNamespaces = errors.New("state: too many namespaces")
	// ErrInvalidNamespace: a namespace name that is too long or holds
	// control characters or invalid UTF-8.
	ErrInvalidNamespace = errors.New("state: invalid namespace name")
	// ErrFull: the memory budget (Config.MaxBytes) is spent even after
	// evicting idle namespaces, a namespace holds as many accounts as an
	// int32 index allows, or the backend refused a write for want of room
	// (a full disk, Redis past its maxmemory). One of the store failures
	// (Failure).
	ErrFull = errors.New("state: store is full")
)

// The store's failures besides ErrFull (issue 19): what a caller is told
// when the store cannot give an answer, never a business answer in its
// place (an outage is not "wrong password"). Failure maps any error to one
// of the four.
var (
	// ErrUnavailable: the store cannot be reached (connection refused or
	// lost, closed, still loading), or failed a moment ago and has not
	// answered a probe since (guard.go).
	ErrUnavailable = errors.New("state: store unavailable")
	// ErrDeadline: the store did not answer within Config.Deadline.
	ErrDeadline = errors.New("state: store did not answer within its deadline")
	// ErrCorrupt: the store answered with data the mock cannot read (a
	// damaged value, a key of the wrong type, a damaged file).
	ErrCorrupt = errors.New("state: store corrupt")
)

// Failure returns which store failure err is (ErrUnavailable, ErrDeadline,
// ErrFull or ErrCorrupt), or nil when err is none of them (nil, or a
// business error such as ErrDuplicateLogin).
func Failure(err error) error {
	for _, f := range []error{ErrDeadline, ErrUnavailable, ErrFull, ErrCorrupt} {
		if errors.Is(err, f) {
			return f
		}
	}
	return nil
}
