// Package journal holds what the request journal keeps and shows of a body
// (M4, S2): [Secrets], the keys whose values never leave the journal as
// sent, read from the contract model (x-secret); [Secrets.KeepRequest]
// and [Keep], what an entry holds of a request and of an answer (bounded:
// 16 KiB each); [Secrets.View] and [Secrets.Entries], an entry as the
// control API and the console read it, redacted token by token with keys
// compared decoded.
//
// It imports only mockserver/state (the entry), mockserver/wire (the
// encoder), spec/model and the standard library: nothing that handles a
// request.
package journal
