// Package namespace holds the mock's namespaces as a client names them
// ([Header], X-Mock-Namespace): which names are valid ([Valid]), the
// answer to one that is not ([Err]), and taking one of the store into use
// ([Named], 429 past the store's bound).
//
// It imports only mockserver/state, mockserver/wire and the standard
// library.
package namespace
