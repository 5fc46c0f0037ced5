package schemas_test

import (
	"fmt"

	"github.com/nebeus/nebeus-contract/schemas"
)

// The whole chain a mock or a conformance check walks: decode with
// UseNumber, validate a request, validate a response, read the violations.
func Example() {
	c := schemas.MustDefault()

	req, _ := schemas.Decode([]byte(`{"jsonrpc": "2.0", "id": 1, "params": {"login": "ana.example.com", "password": "short", "confirm_password": "short", "country": 2, "name": "Ana", "surname": "Ruiz"}}`))
	vs, _ := c.ValidateRequest("signup", req)
	for _, v := range vs {
		fmt.Printf("request %s -> signup error key %q [%s]\n", v.Pointer, v.Field, v.Decision)
	}

	resp, _ := schemas.Decode([]byte(`{"id": 1, "jsonrpc": "2.0", "result": {"status": "error", "message": "No such user", "hint": "try again"}}`))
	variant, vs, _ := c.ValidateResponse("signin", resp)
	fmt.Println("closest variant:", variant)
	for _, v := range vs {
		fmt.Println(v)
	}
	// Output:
	// request /params/login -> signup error key "email" [S5]
	// request /params/password -> signup error key "password" [S5]
	// closest variant: error
	// warning: /result/hint: field not in the contract [T6]
	// /result/message: value must be "Login or password is incorrect" [S1]
}
