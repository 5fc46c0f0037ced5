// Command goclient is ordinary client code written against the Go client
// that oapi-codegen generates from spec/openapi.yaml with its default
// options (into nebeus.gen.go beside this file, package main): it signs up,
// signs in, gets the countries and logs out against the base URL in its
// argument, keeping the session in a cookie jar (S2), and prints one line
// per step. spec/openapitest builds and runs it against the mock.
package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strings"
)

func main() {
	if err := run(context.Background(), os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "goclient:", err)
		os.Exit(1)
	}
}

func ptr[T any](v T) *T { return &v }

func run(ctx context.Context, base, login string) error {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return err
	}
	c, err := NewClientWithResponses(base, WithHTTPClient(&http.Client{Jar: jar}))
	if err != nil {
		return err
	}
	password := "correct-horse-1"

	// signup: one envelope in an array; its result's status says which.
	up, err := c.SignupWithResponse(ctx, SignupRequest{Jsonrpc: JsonrpcVersion20, Params: &SignupArguments{
		Login: ptr(login), Password: ptr(password), ConfirmPassword: ptr(password),
		Name: ptr("Ana"), Surname: ptr("García"), Country: ptr(2),
	}})
	if err != nil {
		return err
	}
	if up.JSON200 == nil {
		return fmt.Errorf("signup: HTTP %d: %s", up.StatusCode(), up.Body)
	}
	if ok, err := up.JSON200.AsSignupSuccess(); err == nil && len(ok) == 1 && ok[0].Result.Status == "success" {
		fmt.Println("signup: success")
	} else {
		bad, _ := up.JSON200.AsSignupError()
		return fmt.Errorf("signup: not the success variant: %+v", bad)
	}

	// signin: success is an array of one envelope, failure a bare one (T4).
	in, err := c.SigninWithResponse(ctx, SigninRequest{Jsonrpc: JsonrpcVersion20, Id: id(1), Params: &SigninArguments{Login: ptr(login), Password: ptr(password)}})
	if err != nil {
		return err
	}
	if in.JSON200 == nil {
		return fmt.Errorf("signin: HTTP %d: %s", in.StatusCode(), in.Body)
	}
	ok, err := in.JSON200.AsSigninSuccess()
	if err != nil {
		failed, _ := in.JSON200.AsSigninError()
		return fmt.Errorf("signin: %s", failed.Result.Message)
	}
	var uid int = ok[0].Result.Uid
	if uid <= 0 || ok[0].Result.UserContext.Uid != uid {
		return fmt.Errorf("signin: uid %d, user_context.uid %d", uid, ok[0].Result.UserContext.Uid)
	}
	u, _ := url.Parse(base)
	if len(jar.Cookies(u)) == 0 {
		return errors.New("signin: no session cookie (S2)")
	}
	fmt.Printf("signin: uid %d, session cookie set\n", uid)

	// get_countries: a bare array of countries.
	gc, err := c.GetCountriesWithResponse(ctx, GetCountriesRequest{Jsonrpc: JsonrpcVersion20})
	if err != nil {
		return err
	}
	if gc.JSON200 == nil || len(*gc.JSON200) == 0 {
		return fmt.Errorf("get_countries: HTTP %d: %s", gc.StatusCode(), gc.Body)
	}
	first := (*gc.JSON200)[0]
	fmt.Printf("get_countries: %d countries, first %s %s %s\n", len(*gc.JSON200), first.Code, first.Name, first.PhoneCode)

	// logout: the jar carries the cookie; the answer clears it (S3).
	out, err := c.LogoutWithResponse(ctx, LogoutRequest{Jsonrpc: JsonrpcVersion20})
	if err != nil {
		return err
	}
	if out.JSON200 == nil || len(*out.JSON200) != 1 || (*out.JSON200)[0].Result.Status != "success" {
		return fmt.Errorf("logout: HTTP %d: %s", out.StatusCode(), out.Body)
	}
	if len(jar.Cookies(u)) != 0 {
		return errors.New("logout: the session cookie was not cleared (S3)")
	}
	fmt.Println("logout: success, session cookie cleared")

	// A protocol error has its own typed answer (T5).
	bad, err := c.SigninWithBodyWithResponse(ctx, "application/json", strings.NewReader("{"))
	if err != nil {
		return err
	}
	if bad.JSON400 == nil {
		return fmt.Errorf("not JSON: HTTP %d: %s", bad.StatusCode(), bad.Body)
	}
	fmt.Printf("not JSON: HTTP 400, JSON-RPC error %d\n", bad.JSON400.Error.Code)
	return nil
}

func id(n float32) *JsonrpcId {
	var i JsonrpcId
	if err := i.FromJsonrpcId1(n); err != nil {
		panic(err)
	}
	return &i
}
