package contractcheck_test

import (
	"fmt"
	"net/http"

	"github.com/nebeus/nebeus-contract/internal/contractcheck"
	"github.com/nebeus/nebeus-contract/schemas"
)

// Judge makes the checks of one exchange: here a signin failure whose
// text is not S1's, in a bare envelope whose id is not the request's.
func ExampleChecker_Judge() {
	c := &contractcheck.Checker{Contract: schemas.MustDefault()}
	ex := &contractcheck.Exchange{
		Op: "signin", ID: "42", HasID: true,
		Status: http.StatusOK,
		Header: http.Header{"Content-Type": {"application/json"}},
		Body:   []byte(`{"id":"41","jsonrpc":"2.0","result":{"status":"error","message":"No such user"}}`),
	}
	var t contractcheck.Tally
	c.Judge(&t, ex, contractcheck.Call{WellFormed: true})
	for _, f := range t.Failures() {
		fmt.Println(f.Decision, f.Pointer)
	}
	// Output:
	// T3 /id
	// S1 /result/message
}
