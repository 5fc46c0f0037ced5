package loadtest_test

import (
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"
)

// Bounded memory (issue 11): the budget and the limits hold the mock's
// resident memory under rssBound whatever clients send: rssSignups signups
// each carrying a 1,000,000-character identifier (refused under M5, never
// stored), then rssNamespaces namespaces each with an account, a session
// and journal entries, under --max-memory rssBudget.
const (
	rssSignups    = 600
	rssNamespaces = 3000
	rssBudget     = 64 << 20
	rssBound      = 200 << 20
)

func TestBoundedRSS(t *testing.T) {
	builds.once.Do(func() { builds.mock, builds.base, builds.err = build() })
	if builds.err != nil {
		t.Fatal(builds.err)
	}
	addr, err := freeAddr()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(builds.mock, "--addr", addr, "--log-level", "error", "--max-memory", fmt.Sprint(rssBudget))
	cmd.Env = cleanEnv()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	base := "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(base + "/healthz")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the mock did not answer /healthz: %v", err)
		}
		time.Sleep(10 * time.Millisecond) // polling, not synchronisation
	}

	client := &http.Client{Timeout: requestTimeout}
	send := func(ns, body string) error {
		req, _ := http.NewRequest(http.MethodPost, base+"/signup/1.0/json", strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if ns != "" {
			req.Header.Set("X-Mock-Namespace", ns)
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("signup: HTTP %d", resp.StatusCode)
		}
		return nil
	}
	big := strings.Repeat("i", 1_000_000)
	var peak int64
	run := func(n int, f func(i int) error) {
		var wg sync.WaitGroup
		next := make(chan int)
		for range 8 {
			wg.Go(func() {
				for i := range next {
					if err := f(i); err != nil {
						t.Error(err)
					}
				}
			})
		}
		for i := range n {
			next <- i
			if i%100 == 0 {
				if rss, err := residentBytes(cmd.Process.Pid); err == nil {
					peak = max(peak, rss)
				}
			}
		}
		close(next)
		wg.Wait()
	}
	start := time.Now()
	run(rssSignups, func(i int) error {
		return send("", fmt.Sprintf(`{"jsonrpc":"2.0","method":"call","id":%d,"params":{"login":"big%d@example.com","password":"password-123","confirm_password":"password-123","name":"Big","surname":"Field","country":2,"identifier":"`, i, i)+big+`"}}`)
	})
	t.Logf("%d signups of 1 MB in %s", rssSignups, time.Since(start))
	start = time.Now()
	run(rssNamespaces, func(i int) error {
		return send(fmt.Sprintf("ns-%d", i), fmt.Sprintf(`{"jsonrpc":"2.0","method":"call","id":%d,"params":{"login":"user@example.com","password":"password-123","confirm_password":"password-123","name":"Ns","surname":"User","country":2}}`, i))
	})
	t.Logf("%d namespaces in %s", rssNamespaces, time.Since(start))
	rss, err := residentBytes(cmd.Process.Pid)
	if err != nil {
		t.Skipf("cannot read the resident memory here: %v", err)
	}
	peak = max(peak, rss)
	t.Logf("RSS after %d 1 MB signups and %d namespaces: %d MiB (peak seen %d MiB, bound %d MiB, budget %d MiB)",
		rssSignups, rssNamespaces, rss>>20, peak>>20, rssBound>>20, rssBudget>>20)
	if peak > rssBound {
		t.Errorf("resident memory reached %d MiB, bound %d MiB", peak>>20, rssBound>>20)
	}
	// The default namespace is still served.
	if err := send("", `{"jsonrpc":"2.0","method":"call","id":1,"params":{"login":"after@example.com","password":"password-123","confirm_password":"password-123","name":"A","surname":"B","country":2}}`); err != nil {
		t.Error(err)
	}
}
