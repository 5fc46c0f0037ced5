package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/nebeus/nebeus-contract/internal/testutil"
	"github.com/nebeus/nebeus-contract/mockserver"
)

// TestFileStoreHeldByAnotherProcess (issue 19): a second mock on a file
// store another process holds fails fast, naming the file, the holder's
// pid and what to do, instead of waiting and saying "timeout".
func TestFileStoreHeldByAnotherProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	holder, _ := startChild(t, "--addr", "127.0.0.1:0", "--log-level", "warn", "--store", "file:"+path)
	start := time.Now()
	err := run(t.Context(), []string{"--addr", "127.0.0.1:0", "--store", "file:" + path}, func(string) string { return "" }, io.Discard, io.Discard)
	if took := time.Since(start); took > 4*time.Second {
		t.Errorf("the second mock waited %v", took)
	}
	if err == nil {
		t.Fatal("a second mock started on a file another process holds")
	}
	for _, want := range []string{path, "in use", "stop the other one"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not say %q", err, want)
		}
	}
	if _, perr := os.Stat("/proc/locks"); perr == nil && !strings.Contains(err.Error(), "process "+strconv.Itoa(holder.Process.Pid)) {
		t.Errorf("error %q does not name the holder, pid %d", err, holder.Process.Pid)
	}
}

// TestDamagedFileStoreSaysHowToStartAnew: a truncated file store stops
// the mock at start with the file named and the flag to start anew; the
// file is left as it was.
func TestDamagedFileStoreSaysHowToStartAnew(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	cmd, base := startChild(t, "--addr", "127.0.0.1:0", "--log-level", "warn", "--store", "file:"+path)
	for i := range 50 {
		post(t, base+"/signup/1.0/json", fmt.Sprintf(`{"jsonrpc":"2.0","method":"call","id":1,"params":{"login":"u%d@example.com","password":"password-123","confirm_password":"password-123","name":"Kim","surname":"Lee","country":2}}`, i))
	}
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
	if err := os.Truncate(path, 3*int64(os.Getpagesize())); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(path)
	var stderr bytes.Buffer
	err := run(t.Context(), []string{"--addr", "127.0.0.1:0", "--store", "file:" + path}, func(string) string { return "" }, io.Discard, &stderr)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "--store-start-anew") {
		t.Fatalf("run on a truncated file: %v", err)
	}
	if strings.Contains(stderr.String(), "goroutine ") || strings.Contains(stderr.String(), "panic") {
		t.Errorf("a crash: %s", stderr.String())
	}
	if after, _ := os.ReadFile(path); !bytes.Equal(before, after) {
		t.Error("the damaged file was changed")
	}
}

// TestRedisPasswordNeverPrinted: a Redis URL's password is in no
// start-up error and nothing the mock prints.
func TestRedisPasswordNeverPrinted(t *testing.T) {
	const pw = "Hunter2-Secret"
	for _, spec := range []string{"redis://admin:" + pw + "@127.0.0.1:1/0", "redis://admin:" + pw + "@127.0.0.1:1/x", "redis://admin:" + pw + "@[::1/0"} {
		var stdout, stderr bytes.Buffer
		err := run(t.Context(), []string{"--addr", "127.0.0.1:0", "--store", spec, "--store-deadline", "300ms"}, func(string) string { return "" }, &stdout, &stderr)
		if err == nil {
			t.Fatalf("%s: started", spec)
		}
		if all := err.Error() + stdout.String() + stderr.String(); strings.Contains(all, pw) || strings.Contains(all, "Hunter2") {
			t.Errorf("the password is printed: %s", all)
		}
	}
}

// TestChaosTwoReplicasOnRedis (issue 19): signups and signins against
// two mock processes on one Redis, while Redis is paused and resumed and
// a replica is killed (SIGKILL) and started again, for a few seconds. No
// acknowledged signup is lost, no answer is a 5xx other than the
// documented 503, and no request waits past the deadline (with slack for
// a loaded machine).
func TestChaosTwoReplicasOnRedis(t *testing.T) {
	const (
		deadline = 500 * time.Millisecond
		slack    = 1500 * time.Millisecond
		workers  = 4
	)
	r := testutil.StartRedisServer(t)
	args := []string{"--addr", "127.0.0.1:0", "--log-level", "error", "--store", r.URL, "--store-deadline", deadline.String()}
	var (
		mu    sync.Mutex
		bases [2]string
		procs [2]interface{ Signal(os.Signal) error }
	)
	for i := range bases {
		cmd, base := startChild(t, args...)
		bases[i], procs[i] = base, cmd.Process
	}
	replica := func(i int) string {
		mu.Lock()
		defer mu.Unlock()
		return bases[i%2]
	}
	client := &http.Client{Timeout: 10 * time.Second}
	type outcome struct {
		status int
		took   time.Duration
		body   string
		header http.Header
	}
	call := func(base, op, params string) (outcome, error) {
		start := time.Now()
		resp, err := client.Post(base+"/"+op+"/1.0/json", "application/json", strings.NewReader(`{"jsonrpc":"2.0","method":"call","id":1,"params":`+params+`}`))
		if err != nil {
			return outcome{}, err // a replica killed under it: no answer, nothing acknowledged
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return outcome{resp.StatusCode, time.Since(start), string(b), resp.Header}, nil
	}
	var (
		stop   atomic.Bool
		acked  sync.Map // login -> true: signups the mock acknowledged
		counts [4]atomic.Int64
	)
	const (
		nOK = iota
		n503
		nUnanswered
		nSignins
	)
	check := func(what string, o outcome) {
		switch {
		case o.took > deadline+slack:
			t.Errorf("%s waited %v (deadline %v)", what, o.took, deadline)
		case o.status == http.StatusOK:
			counts[nOK].Add(1)
		case o.status == http.StatusServiceUnavailable && o.header.Get("Retry-After") != "" &&
			strings.Contains(o.body, `"code":`+strconv.Itoa(mockserver.CodeStoreUnavailable)):
			counts[n503].Add(1)
		default:
			t.Errorf("%s: %d %s", what, o.status, o.body)
		}
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := 0; !stop.Load(); i++ {
				login := fmt.Sprintf("chaos-%d-%d@example.com", w, i)
				o, err := call(replica(w+i), "signup", `{"login":"`+login+`","password":"password-123","confirm_password":"password-123","name":"Kim","surname":"Lee","country":2}`)
				if err != nil {
					counts[nUnanswered].Add(1)
					continue
				}
				check("signup", o)
				if o.status == http.StatusOK && strings.Contains(o.body, `"status":"success"`) {
					acked.Store(login, true)
				} else if o.status == http.StatusOK {
					t.Errorf("signup of a new login refused: %s", o.body)
				}
				if o.status != http.StatusOK {
					continue
				}
				// The account just acknowledged signs in on the other replica.
				o, err = call(replica(w+i+1), "signin", `{"login":"`+login+`","password":"password-123"}`)
				if err != nil {
					counts[nUnanswered].Add(1)
					continue
				}
				counts[nSignins].Add(1)
				check("signin", o)
				if o.status == http.StatusOK && !strings.Contains(o.body, `"session_id"`) {
					t.Errorf("signin of an acknowledged account: %s", o.body)
				}
			}
		})
	}
	// The schedule of faults: a workload in time, not synchronisation.
	phase := func(d time.Duration) { time.Sleep(d) }
	phase(400 * time.Millisecond)
	r.Pause()
	phase(deadline * 2)
	r.Resume()
	phase(300 * time.Millisecond)
	procs[1].Signal(syscall.SIGKILL)
	phase(200 * time.Millisecond)
	cmd, base := startChild(t, args...)
	mu.Lock()
	bases[1], procs[1] = base, cmd.Process
	mu.Unlock()
	r.Pause()
	phase(deadline * 2)
	r.Resume()
	phase(500 * time.Millisecond)
	stop.Store(true)
	wg.Wait()

	n := 0
	acked.Range(func(k, _ any) bool {
		n++
		for i := range 2 {
			var o outcome
			for range 50 { // the store may still be coming back: its probe runs every 100 ms
				var err error
				if o, err = call(replica(i), "signin", `{"login":"`+k.(string)+`","password":"password-123"}`); err == nil && o.status != http.StatusServiceUnavailable {
					break
				}
				time.Sleep(50 * time.Millisecond) // polling interval, not synchronisation
			}
			if !strings.Contains(o.body, `"session_id"`) {
				t.Errorf("acknowledged signup %s lost on replica %d: %d %s", k, i, o.status, o.body)
				return false
			}
		}
		return true
	})
	t.Logf("%d acknowledged signups, %d signins; %d answers 200, %d answered 503, %d unanswered (a replica killed)",
		n, counts[nSignins].Load(), counts[nOK].Load(), counts[n503].Load(), counts[nUnanswered].Load())
	if n == 0 || counts[n503].Load() == 0 {
		t.Errorf("the chaos did not bite: %d acknowledged signups, %d 503s", n, counts[n503].Load())
	}
}
