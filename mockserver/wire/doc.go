// Package wire is the bottom of the mock: the JSON-RPC 2.0 wire format the
// mock speaks (T2, T3, T5). It holds the protocol error type ([Error]) with
// its codes and statuses, the request id to echo ([RawID]), the envelope an
// answer is wrapped in ([Wrap], T4), the byte-exact JSON encoder every
// answer goes through ([Marshal], [AppendString]), the result layout of a
// documented variant ([Layout], composed without a map per answer) and the
// writers of an answer ([WriteJSON], [WriteError], [Encode]).
//
// It knows no operation, no server and no state beyond the store's failure
// kinds (state.Failure, for [ErrStore]). It imports only schemas,
// spec/model, mockserver/state and the standard library: nothing else under
// mockserver, which all build on it.
package wire
