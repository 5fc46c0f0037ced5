package conformance_test

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// startMockWith runs the built nebeus-mock with args on a free loopback
// port and returns its base URL, read from its banner.
func startMockWith(t *testing.T, args ...string) string {
	t.Helper()
	_, mockBin := binaries(t)
	cmd := exec.Command(mockBin, append([]string{"--addr", "127.0.0.1:0", "--log-level", "error"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if _, url, ok := strings.Cut(sc.Text(), "listening on "); ok {
				urls <- strings.TrimSpace(url)
				break
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case url := <-urls:
		return url
	case <-time.After(time.Minute): // it generates the page first
		t.Fatal("nebeus-mock printed no 'listening on' banner within a minute")
		return ""
	}
}

// TestOwnPageInTwoCommands: issue 17 item 1, as the README shows it:
// nebeus-mock --page PAGE, then nebeus-conformance --page PAGE against it,
// passes; sequentially and with --parallel (the shards get --page too).
func TestOwnPageInTwoCommands(t *testing.T) {
	onlyUnderGoTest(t)
	const page, overlay = "../spec/runcontract/testdata/widgets/index.html.md", "../spec/runcontract/testdata/widgets/overlay.yaml"
	url := startMockWith(t, "--page", page, "--overlay", overlay)
	res := runConformance(context.Background(), t, url, nil, "--page", page, "--overlay", overlay, "--steps", "0")
	if res.code != 0 {
		t.Fatalf("exit status %d, want 0\n%s", res.code, tail(res.out, 80))
	}
	// The run checked the page's operations, not the built-in ones.
	if !strings.Contains(res.out, "widgets_get") || strings.Contains(res.out, "signup") {
		t.Errorf("the report is not about the page's operations:\n%s", tail(res.out, 60))
	}
	par := runConformance(context.Background(), t, url, nil, "--page", page, "--overlay", overlay, "--steps", "0", "--parallel", "2")
	if par.code != 0 {
		t.Fatalf("--parallel 2: exit status %d, want 0\n%s", par.code, tail(par.out, 80))
	}
	// Without --page the built-in contract is checked, which this mock
	// does not serve: the test above would pass for the wrong reason if
	// the flag were ignored.
	if wrong := runConformance(context.Background(), t, url, nil, "--steps", "0"); wrong.code == 0 {
		t.Errorf("the built-in contract passed against the page's mock:\n%s", tail(wrong.out, 40))
	}
}
