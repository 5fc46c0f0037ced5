// Package journal holds what the request journal keeps and shows of a body
// (M4, S2): [Secrets], the keys whose values never leave the journal as
// sent, read from the contract model (x-secret); [Secrets.KeepRequest]
// and [Keep], what an entry holds of a request and of an answer (bounded:
// 16 KiB each); [Secrets.View] and [Secrets.Entries], an entry as the
// control API and the console read it, redacted token by token with keys
// compared decoded.
//
// Every operation request (except one with a bad X-Mock-Namespace, which
// names no namespace to record it in) is appended to its namespace's
// journal: time, operation, request, status, response, and the
// request-schema violations found. The entry keeps the bytes as they came
// and went, at no cost to the request; every read of the journal (the
// control API, the console) redacts them: the values of the model's
// secret keys (x-secret) replaced by "***" (M4), session ids cut to a
// prefix (S2), keys compared decoded, never as raw text. Each namespace
// keeps Config.JournalSize entries, each at most 16 KiB of request and of
// response, so memory stays bounded.
//
// It imports only mockserver/state (the entry), mockserver/wire (the
// encoder), spec/model and the standard library: nothing that handles a
// request.
package journal
