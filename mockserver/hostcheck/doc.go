// Package hostcheck is the control API's and the console's defence against
// DNS rebinding ([Allowed]): which Host a request without the control token
// may name. [HostOnly] reduces a Host header to its host name or address.
//
// It imports only the standard library: nothing under mockserver.
package hostcheck
