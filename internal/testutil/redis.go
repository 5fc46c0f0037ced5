package testutil

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
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
func StartRedis(tb testing.TB) string { return StartRedisServer(tb).URL }

// RedisServer is a redis-server a test started, which it may pause
// (SIGSTOP: it accepts connections and answers nothing, like a partition),
// resume, kill and start again on the same port (faults, issue 19).
type RedisServer struct {
	URL  string
	tb   testing.TB
	bin  string
	port int
	dir  string
	cmd  *exec.Cmd
}

// StartRedisServer is StartRedis, returning the server to control.
func StartRedisServer(tb testing.TB) *RedisServer {
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
		r := &RedisServer{tb: tb, bin: bin, port: port, dir: tb.TempDir(),
			URL: fmt.Sprintf("redis://127.0.0.1:%d/0", port)}
		if lastErr = r.start(); lastErr == nil {
			tb.Cleanup(r.Kill)
			return r
		}
	}
	tb.Fatalf("redis-server did not start: %v", lastErr)
	return nil
}

func (r *RedisServer) start() error {
	cmd := exec.Command(r.bin, "--bind", "127.0.0.1", "--port", strconv.Itoa(r.port),
		"--save", "", "--appendonly", "no", "--protected-mode", "yes", "--dir", r.dir)
	if err := cmd.Start(); err != nil {
		return err
	}
	if err := waitRedis(fmt.Sprintf("127.0.0.1:%d", r.port), cmd); err != nil {
		cmd.Process.Kill()
		cmd.Wait()
		return err
	}
	r.cmd = cmd
	return nil
}

// Pause stops the server with SIGSTOP; Resume continues it.
func (r *RedisServer) Pause() { r.signal(syscall.SIGSTOP) }

// Resume continues a paused server (SIGCONT).
func (r *RedisServer) Resume() { r.signal(syscall.SIGCONT) }

func (r *RedisServer) signal(sig syscall.Signal) {
	r.tb.Helper()
	if r.cmd == nil {
		r.tb.Fatal("redis-server is not running")
	}
	if err := r.cmd.Process.Signal(sig); err != nil {
		r.tb.Fatal(err)
	}
}

// Kill stops the server for good (SIGKILL; its data, kept in memory
// only, is lost); Restart starts a new one on the same port.
func (r *RedisServer) Kill() {
	if r.cmd == nil {
		return
	}
	r.cmd.Process.Signal(syscall.SIGCONT) // a paused process dies on SIGKILL too; its waiters are woken
	r.cmd.Process.Kill()
	r.cmd.Wait()
	r.cmd = nil
}

// Restart starts a new server on the port of the one Kill stopped.
func (r *RedisServer) Restart() {
	r.tb.Helper()
	if err := r.start(); err != nil {
		r.tb.Fatalf("redis-server did not restart: %v", err)
	}
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

// Command sends one command to the server on a connection of its own, in
// Redis's protocol (RESP), and returns the first line of the reply: "+OK"
// for a command that succeeded, "-ERR ..." for one refused. For the few
// commands a test sets the server up with (CONFIG SET, a SET of a damaged
// value): no client library needed.
func (r *RedisServer) Command(args ...string) (string, error) {
	c, err := net.DialTimeout("tcp", fmt.Sprintf("127.0.0.1:%d", r.port), 5*time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	cmd := fmt.Sprintf("*%d\r\n", len(args))
	for _, a := range args {
		cmd += fmt.Sprintf("$%d\r\n%s\r\n", len(a), a)
	}
	if _, err := io.WriteString(c, cmd); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	return strings.TrimSuffix(line, "\r\n"), err
}
