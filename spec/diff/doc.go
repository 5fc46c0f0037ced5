// Package diff compares two versions of the contract model (spec/model) and
// classifies every change for clients: what breaks a client written against
// the old contract, what may break one, what is additive, and what is only
// documentation.
//
// Operations are matched by id, arguments by name, variants by name and
// response fields by JSON pointer. The classification follows oasdiff's
// checker (github.com/oasdiff/oasdiff, checker/rules.go) and borrows its rule
// ids where our model has the same thing: an argument is a request property,
// a variant's documented field is a response property. As in oasdiff, the
// two directions are mirrors: tightening a request constraint breaks clients
// (they may send what is now refused), loosening a response constraint
// breaks them (they may receive what they did not expect).
//
// Compare returns the changes in page order: by operation (the new page's
// order, a removed operation where the old page had it), then the operation
// itself, its arguments, its variants and each variant's fields.
package diff
