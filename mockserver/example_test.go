package mockserver_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/nebeus/nebeus-contract/mockserver"
	"github.com/nebeus/nebeus-contract/schemas"
)

// Example walks the chain a frontend test sees: start the mock, sign up,
// sign in, force the error variant with Prefer, and check every answer
// against the contract.
func Example() {
	srv, err := mockserver.New(mockserver.Config{})
	if err != nil {
		panic(err)
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	contract := schemas.MustDefault()

	post := func(op, params string, header ...string) {
		req, _ := http.NewRequest("POST", ts.URL+"/"+op+"/1.0/json",
			strings.NewReader(`{"jsonrpc":"2.0","method":"call","id":1,"params":`+params+`}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(mockserver.NamespaceHeader, "example")
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			panic(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		v, _ := schemas.Decode(body)
		variant, violations, _ := contract.ValidateResponse(op, v)
		fmt.Printf("%s: HTTP %d, %s variant, %d violations\n", op, resp.StatusCode, variant, len(violations))
	}

	post("signup", `{"login":"ana@example.com","name":"Ana","surname":"García","password":"correct-horse","confirm_password":"correct-horse","country":2}`)
	post("signup", `{"login":"ANA@example.com","name":"","password":"short","country":0}`)
	post("signin", `{"login":"ana@example.com","password":"correct-horse"}`)
	post("signin", `{"login":"ana@example.com","password":"correct-horse"}`, "Prefer", "variant=error")
	post("get_countries", `{}`)
	// Output:
	// signup: HTTP 200, success variant, 0 violations
	// signup: HTTP 200, error variant, 0 violations
	// signin: HTTP 200, success variant, 0 violations
	// signin: HTTP 200, error variant, 0 violations
	// get_countries: HTTP 200, success variant, 0 violations
}
