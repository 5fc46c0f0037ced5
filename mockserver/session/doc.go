// Package session holds how the contract says a session travels (S2, S3),
// read from the model: the cookie an answer sets ([Rules.CookieFor]) and
// clears ([Rules.Cleared]), and the session ids a request carries in the
// cookie, the header or params ([Rules.IDs]).
//
// It imports only spec/model, mockserver/wire and the standard library.
package session
