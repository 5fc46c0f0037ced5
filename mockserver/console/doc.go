// Package console is the mock's console (GET /_mock/, only with
// Config.Control): its page ([Console.HandlePage], web/console.html) and
// its live journal as server-sent events ([Console.HandleEvents]), fed by
// [Feed], which the request's path pokes when a journal grows and which
// keeps the notices that belong to no operation (a refused preflight, a
// contract reload). What it shows comes from the journals, redacted as the
// control API reads them (journal.Secrets.View: M4, S2).
//
// It stands on top of the control API, whose prefix, check and error body
// it shares (a console is part of the control surface): it imports
// mockserver/control, mockserver/web (the page) and the packages below
// them, never mockserver or the proxy.
package console
