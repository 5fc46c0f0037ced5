package openapitest_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/mod/modfile"

	"github.com/nebeus/nebeus-contract/spec/generate"
)

// goEnv is the environment of the go commands that build the generated
// client: its own module (testdata/goclient/go.mod, versions pinned in its
// go.sum), never the project's.
func goEnv() []string {
	return append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly -buildvcs=false", "CGO_ENABLED=0") // static, as make's builds: one compiled copy of the shared modules
}

// goCommand runs go with args in dir, given up after timeout.
func goCommand(dir string, timeout time.Duration, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = dir
	cmd.Env = goEnv()
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		return string(out), fmt.Errorf("no answer after %s: %w", timeout, err)
	}
	return string(out), err
}

// offline reports whether go's output says the module proxy was out of
// reach.
func offline(out string) bool {
	for _, s := range []string{"dial tcp", "no such host", "connection refused", "i/o timeout", "proxyconnect", "network is unreachable", "GOPROXY=off"} {
		if strings.Contains(out, s) {
			return true
		}
	}
	return false
}

// oapiGenerate runs oapi-codegen, a tool of the clients' module in dir, on
// spec, writing package pkg to the file out. A failure says whether the
// module proxy was out of reach (skip) or the tool failed (err).
//
// The module's go.mod names the tool and lifts the modules it shares with
// the project (kin-openapi, x/tools, x/text, ...) to the project's
// versions: with go run of oapi-codegen@version they were its own, older
// ones, and a fresh clone compiled each twice (issue 20).
func oapiGenerate(dir, pkg, out, spec string) (skip string, err error) {
	b, err := goCommand(dir, 5*time.Minute, "tool", oapiCodegen, "-package", pkg, "-o", filepath.Join(dir, out), spec)
	if err != nil {
		if offline(b) {
			return "the Go module proxy is out of reach for " + oapiCodegen, nil
		}
		return "", fmt.Errorf("oapi-codegen on %s: %v\n%s", spec, err, b)
	}
	return "", nil
}

// goClients is one module holding the two Go clients oapi-codegen makes:
// the project's (package main beside testdata/goclient/main.go, built into
// bin/goclient) and the JSON-RPC page's (package rpc, in rpc/). Both are
// generated and compiled together, once a test process (issue 20: the
// clients' dependencies, echo, x/net, x/crypto and the rest, compile once,
// not once for each test, and the second oapi-codegen run reuses the first
// one's executable instead of building it again beside it).
type goClients struct {
	root string // a temporary folder holding the module and the page's output
	dir  string // the module; the binary is bin/goclient
	skip string // the module proxy was out of reach: why
	err  error  // generating or compiling failed, with go's output
}

var (
	goClientsOnce sync.Once
	goClientsRes  goClients
)

func buildGoClients(t *testing.T) goClients {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		missing(t, "go not found")
	}
	goClientsOnce.Do(func() { goClientsRes = makeGoClients() })
	if goClientsRes.skip != "" {
		missing(t, goClientsRes.skip)
	}
	return goClientsRes
}

func makeGoClients() goClients {
	root, err := os.MkdirTemp("", "openapitest-goclients-")
	if err != nil {
		return goClients{err: err}
	}
	// The module outlives the test that built it (the other test reads
	// it); TestMain removes root.
	dir, pageOut := filepath.Join(root, "module"), filepath.Join(root, "page")
	fail := func(err error) goClients { return goClients{root: root, dir: dir, err: err} }
	for _, d := range []string{dir, filepath.Join(dir, "rpc"), pageOut} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fail(err)
		}
	}
	for _, f := range []string{"go.mod", "go.sum", "main.go"} {
		b, err := os.ReadFile(filepath.Join("testdata", "goclient", f))
		if err != nil {
			return fail(err)
		}
		if err := os.WriteFile(filepath.Join(dir, f), b, 0o644); err != nil {
			return fail(err)
		}
	}
	// The Ethereum-style page's document, generated into the module.
	page := "../generate/testdata/pages/jsonrpc_methods.md"
	res, err := generate.Build(generate.Options{Page: page, Root: filepath.Dir(page)})
	if err != nil {
		return fail(err)
	}
	if err := res.Write(pageOut); err != nil {
		return fail(err)
	}
	spec, _ := filepath.Abs(specYAML)
	for _, g := range []struct{ pkg, out, spec string }{
		{"main", "nebeus.gen.go", spec},
		{"rpc", filepath.Join("rpc", "rpc.gen.go"), filepath.Join(pageOut, "spec", "openapi.yaml")},
	} {
		if skip, err := oapiGenerate(dir, g.pkg, g.out, g.spec); skip != "" || err != nil {
			return goClients{root: root, dir: dir, skip: skip, err: err}
		}
	}
	out, err := goCommand(dir, 5*time.Minute, "build", "-o", "bin/", "./...")
	if err != nil {
		if offline(out) {
			return goClients{root: root, dir: dir, skip: "the Go module proxy is out of reach for the generated clients' modules"}
		}
		return fail(fmt.Errorf("the generated Go clients do not compile: %v\n%s", err, out))
	}
	return goClients{root: root, dir: dir}
}

// A Go client generated by oapi-codegen with its default options (types,
// client, echo server, embedded spec) compiles, and ordinary code written
// against it (testdata/goclient/main.go) signs up, signs in, gets the
// countries and logs out against the mock: names read well (SigninRequest,
// SigninArguments, SigninResponseBody.AsSigninSuccess, ...), none collides
// with what the generator derives from an operation id.
func TestOapiCodegenGoClientDrivesTheMock(t *testing.T) {
	t.Parallel()
	clients := buildGoClients(t)
	if clients.err != nil {
		t.Fatal(clients.err)
	}
	base := startMock(t, nil)
	cmd := exec.Command(filepath.Join(clients.dir, "bin", "goclient"), base, "go-client@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the Go client against the mock: %v\n%s", err, out)
	}
	for _, step := range []string{"signup: success", "signin: uid ", "get_countries: ", "logout: success, session cookie cleared", "not JSON: HTTP 400"} {
		if !strings.Contains(string(out), step) {
			t.Errorf("the Go client did not report %q:\n%s", step, out)
		}
	}
	t.Logf("%s", out)
}

// TestMain removes the Go clients' module that buildGoClients made for
// the tests of this process.
func TestMain(m *testing.M) {
	code := m.Run()
	if goClientsRes.root != "" {
		os.RemoveAll(goClientsRes.root)
	}
	os.Exit(code)
}

// The clients' module (testdata/goclient/go.mod) requires every module it
// shares with the project at the project's version, and names oapi-codegen
// as its tool: a fresh clone then compiles kin-openapi, x/tools, x/text and
// the rest once for both (issue 20), and a dependency bump in the
// project's go.mod that leaves the clients' behind goes red here.
func TestClientsModuleSharesTheProjectsVersions(t *testing.T) {
	parse := func(path string) *modfile.File {
		t.Helper()
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		f, err := modfile.Parse(path, b, nil)
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	project := parse(filepath.Join(root, "go.mod"))
	clients := parse(filepath.Join("testdata", "goclient", "go.mod"))
	ours := map[string]string{}
	for _, r := range project.Require {
		ours[r.Mod.Path] = r.Mod.Version
	}
	shared := 0
	for _, r := range clients.Require {
		v, ok := ours[r.Mod.Path]
		if !ok {
			continue
		}
		shared++
		if v != r.Mod.Version {
			t.Errorf("testdata/goclient/go.mod requires %s %s, the project %s: give both the same version (cd spec/openapitest/testdata/goclient && go get %s@%s && go mod tidy)", r.Mod.Path, r.Mod.Version, v, r.Mod.Path, v)
		}
	}
	if shared == 0 {
		t.Error("testdata/goclient/go.mod shares no module with the project's go.mod")
	}
	var tools []string
	for _, tl := range clients.Tool {
		tools = append(tools, tl.Path)
	}
	if !slices.Contains(tools, "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen") {
		t.Errorf("testdata/goclient/go.mod names the tools %v, not oapi-codegen", tools)
	}
}
