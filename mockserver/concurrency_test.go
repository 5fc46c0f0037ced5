package mockserver_test

import (
	"sync"
	"testing"
)

// TestS5ConcurrentSignupsOfOneEmailCreateOneAccount: many goroutines sign
// up the same email (in varying case) through the HTTP handler at once;
// exactly one succeeds, the others get the email error.
func TestS5ConcurrentSignupsOfOneEmailCreateOneAccount(t *testing.T) {
	h := newHarness(t, nil)
	const n = 64
	logins := []string{"race@example.com", "RACE@example.com", "Race@Example.com"}
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		success  int
		emailErr int
	)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			a := h.call("signup", signupParams(logins[i%len(logins)]))
			mu.Lock()
			defer mu.Unlock()
			switch a.Variant {
			case "success":
				success++
			case "error":
				if _, ok := a.result()["errors"].(map[string]any)["email"]; ok {
					emailErr++
				}
			}
		}()
	}
	close(start)
	wg.Wait()
	if success != 1 || emailErr != n-1 {
		t.Fatalf("%d successes and %d email errors, want 1 and %d", success, emailErr, n-1)
	}
}
