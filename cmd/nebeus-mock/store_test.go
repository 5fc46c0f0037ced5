package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nebeus/nebeus-contract/internal/testutil"
)

// childEnv makes the test binary run the mock's main instead of the tests:
// TestFileStoreSurvivesSIGKILL needs a process it can kill.
const childEnv = "NEBEUS_MOCK_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// startChild runs the mock as a child process and returns it and its base
// URL.
func startChild(t *testing.T, args ...string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	base := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "nebeus-mock: listening on "); ok {
				base <- u
			}
		}
		io.Copy(io.Discard, out)
	}()
	select {
	case u := <-base:
		return cmd, u
	case <-time.After(20 * time.Second):
		t.Fatal("the child mock did not start within 20s")
	}
	return nil, ""
}

func post(t *testing.T, url, body string) string {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// TestFileStoreSurvivesSIGKILL: a signup the mock acknowledged is there
// after the process is killed without warning (SIGKILL: no shutdown, no
// flush) and started again on the same file.
func TestFileStoreSurvivesSIGKILL(t *testing.T) {
	store := "file:" + filepath.Join(t.TempDir(), "state.db")
	cmd, base := startChild(t, "--addr", "127.0.0.1:0", "--log-level", "warn", "--store", store)
	got := post(t, base+"/signup/1.0/json", `{"jsonrpc":"2.0","method":"call","id":1,"params":{"login":"killed@example.com","password":"password-123","confirm_password":"password-123","name":"Kim","surname":"Lee","country":2}}`)
	if !strings.Contains(got, `"status":"success"`) {
		t.Fatalf("signup: %s", got)
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()

	_, base = startChild(t, "--addr", "127.0.0.1:0", "--log-level", "warn", "--store", store)
	got = post(t, base+"/signin/1.0/json", `{"jsonrpc":"2.0","method":"call","id":2,"params":{"login":"KILLED@example.com","password":"password-123"}}`)
	if !strings.Contains(got, `"session_id"`) {
		t.Fatalf("signin after SIGKILL and restart: %s", got)
	}
}

// TestFileStoreSessionsSurviveAGracefulStop: the sessions a file store
// writes behind (mockserver/state/sessionlog.go) are in the file once the
// process stops on SIGTERM, however soon after the signins, and come back
// after a restart.
func TestFileStoreSessionsSurviveAGracefulStop(t *testing.T) {
	store := "file:" + filepath.Join(t.TempDir(), "state.db")
	cmd, base := startChild(t, "--addr", "127.0.0.1:0", "--log-level", "warn", "--control", "--store", store)
	const signins = 20
	for i := range signins {
		got := post(t, base+"/signin/1.0/json", fmt.Sprintf(`{"jsonrpc":"2.0","method":"call","id":%d,"params":{"login":"demo@example.com","password":"demo-password-1"}}`, i))
		if !strings.Contains(got, `"session_id"`) {
			t.Fatalf("signin %d: %s", i, got)
		}
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("the mock did not stop cleanly: %v", err)
	}

	_, base = startChild(t, "--addr", "127.0.0.1:0", "--log-level", "warn", "--control", "--store", store)
	resp, err := http.Get(base + "/_mock/sessions")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var listed struct {
		Sessions []json.RawMessage `json:"sessions"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&listed); err != nil {
		t.Fatal(err)
	}
	if len(listed.Sessions) != signins {
		t.Errorf("%d sessions after a graceful stop and a restart, want %d", len(listed.Sessions), signins)
	}
}

func TestRunRefusesAnUnknownStore(t *testing.T) {
	err := run(t.Context(), []string{"--addr", "127.0.0.1:0", "--store", "mysql://x"}, func(string) string { return "" }, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "file:PATH") {
		t.Errorf("run = %v, want the store forms named", err)
	}
}

// TestTwoProcessesOnOneRedis: two mock processes on one Redis; of N
// concurrent signups of one email spread over both, exactly one wins, and
// the account signs in on either.
func TestTwoProcessesOnOneRedis(t *testing.T) {
	url := testutil.StartRedis(t)
	var bases []string
	for range 2 {
		_, base := startChild(t, "--addr", "127.0.0.1:0", "--log-level", "warn", "--store", url)
		bases = append(bases, base)
	}
	const n = 12
	var wins atomic.Int32
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			resp, err := http.Post(bases[i%2]+"/signup/1.0/json", "application/json", strings.NewReader(
				`{"jsonrpc":"2.0","method":"call","id":1,"params":{"login":"both@example.com","password":"password-123","confirm_password":"password-123","name":"Kim","surname":"Lee","country":2}}`))
			if err != nil {
				t.Error(err)
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if strings.Contains(string(b), `"status":"success"`) {
				wins.Add(1)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d of %d signups won across two processes, want 1", wins.Load(), n)
	}
	for _, base := range bases {
		if got := post(t, base+"/signin/1.0/json", `{"jsonrpc":"2.0","method":"call","id":2,"params":{"login":"both@example.com","password":"password-123"}}`); !strings.Contains(got, `"session_id"`) {
			t.Errorf("signin on %s: %s", base, got)
		}
	}
}
