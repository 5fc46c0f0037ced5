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
	// evicting idle namespaces, or a namespace holds as many accounts as an
	// int32 index allows.
	ErrFull = errors.New("state: namespace is full")
)
