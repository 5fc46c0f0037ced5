// Package faults holds the faults the control API injects into an
// operation of one namespace (POST /_mock/faults): [Fault] and its JSON,
// [Table], where they live (in the store when it has a backend, so every
// replica injects the same faults and a count is shared), [Check] against
// the contract's operations, and what applying one takes at the wire
// ([Error], a 5xx's JSON-RPC body; [CloseConnection]).
//
// It imports mockserver/state, mockserver/wire and mockserver/ops (the
// operations a fault names, the delay it may add): never the control API
// that sets faults nor the handlers that apply them.
package faults
