package testutil

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// RequireRedisEnv, set to 1 (CI sets it once redis-server is installed),
// turns a missing redis-server from a skip into a failure.
const RequireRedisEnv = "NEBEUS_REQUIRE_REDIS"

// StartRedis starts a throwaway redis-server on a free loopback port, with
// no persistence, stopped when the test ends, and returns its URL
// (redis://127.0.0.1:PORT/0). Without redis-server the test is skipped, or
// fails when RequireRedisEnv is 1.
func StartRedis(tb testing.TB) string {
	tb.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv(RequireRedisEnv) == "1" {
			tb.Fatalf("redis-server not found and %s=1", RequireRedisEnv)
		}
		tb.Skip("redis-server not found (apt-get install redis-server); the Redis store is not tested")
	}
	var lastErr error
	for range 5 { // a free port may be taken between picking and binding
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			tb.Fatal(err)
		}
		port := ln.Addr().(*net.TCPAddr).Port
		ln.Close()
		cmd := exec.Command(bin, "--bind", "127.0.0.1", "--port", strconv.Itoa(port),
			"--save", "", "--appendonly", "no", "--protected-mode", "yes", "--dir", tb.TempDir())
		if err := cmd.Start(); err != nil {
			tb.Fatal(err)
		}
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		if lastErr = waitRedis(addr, cmd); lastErr == nil {
			tb.Cleanup(func() {
				cmd.Process.Kill()
				cmd.Wait()
			})
			return "redis://" + addr + "/0"
		}
		cmd.Process.Kill()
		cmd.Wait()
	}
	tb.Fatalf("redis-server did not start: %v", lastErr)
	return ""
}

// waitRedis polls addr with PING until it answers PONG, for up to 10 s.
func waitRedis(addr string, cmd *exec.Cmd) error {
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.SetDeadline(time.Now().Add(time.Second))
			fmt.Fprint(c, "PING\r\n")
			line, rerr := bufio.NewReader(c).ReadString('\n')
			c.Close()
			if rerr == nil && line == "+PONG\r\n" {
				return nil
			}
			err = fmt.Errorf("PING: %q %v", line, rerr)
		}
		if cmd.ProcessState != nil || time.Now().After(deadline) {
			return err
		}
		time.Sleep(10 * time.Millisecond) // polling interval, not synchronisation
	}
}
