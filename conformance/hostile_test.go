package conformance_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nebeus/nebeus-contract/mockserver"
)

// Hostile deployments (T5: bounded, never a hang; "Bad input" in the
// README): the real mock with get_countries answered by a hostile handler
// (the reachability check passes: it is sent once, answered by the mock).
// Each run must end with exit status 1 or 2, never a panic, having sent the
// hostile operation only as often as it takes to find it at fault once per
// process: after that the operation is blocked, its later checks skipped
// naming that one finding. The handlers count their requests and bytes, so
// the bound is asserted on what happened, not on a clock.

// hostile serves get_countries with h from its second request on (the
// first is the reachability check), everything else with the mock; it
// counts the requests h got.
func hostile(t *testing.T, h func(w http.ResponseWriter, r *http.Request)) (url string, hits *atomic.Int64) {
	t.Helper()
	inner := newMock(t, mockserver.Config{})
	hits = &atomic.Int64{}
	var seen atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if operation(r) == "get_countries" && seen.Add(1) > 1 {
			hits.Add(1)
			// A read body lets the server notice the client hang up (and
			// end r's context): the handlers wait for that.
			io.Copy(io.Discard, r.Body)
			h(w, r)
			return
		}
		inner.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, hits
}

func noPanic(t *testing.T, res runResult) {
	t.Helper()
	if res.code != 1 && res.code != 2 {
		t.Errorf("exit status %d, want 1 or 2\n%s", res.code, tail(res.out, 40))
	}
	if strings.Contains(res.out, "panic:") || strings.Contains(res.out, "goroutine ") {
		t.Errorf("the run panicked:\n%s", tail(res.out, 60))
	}
}

// TestHostileDeploymentsAreBounded: a get_countries that hangs, drips its
// body, sends one without end or one of 100 MB is one T5 finding (a late
// answer is T5, not T3), its later checks are reported blocked by it, and
// it is sent at most a few times, not once per check.
func TestHostileDeploymentsAreBounded(t *testing.T) {
	onlyUnderGoTest(t)
	cases := map[string]func(w http.ResponseWriter, r *http.Request){
		"hang": func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		},
		"dripping body": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			tick := time.NewTicker(50 * time.Millisecond)
			defer tick.Stop()
			for {
				if _, err := w.Write([]byte(" ")); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-tick.C:
				}
			}
		},
		"endless body": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusOK)
			w.Write([]byte("["))
			chunk := bytes.Repeat([]byte(`{"id":1},`), 4<<10)
			for {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		},
		"100 MB body": func(w http.ResponseWriter, r *http.Request) {
			const size = 100 << 20
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Content-Length", strconv.Itoa(size))
			w.WriteHeader(http.StatusOK)
			chunk := bytes.Repeat([]byte(" "), 64<<10)
			for n := 0; n < size; n += len(chunk) {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		},
	}
	for name, h := range cases {
		t.Run(name, func(t *testing.T) {
			url, hits := hostile(t, h)
			res := runConformance(context.Background(), t, url, nil, "--timeout", "1s", "--steps", "0")
			noPanic(t, res)
			if res.code != 1 {
				t.Errorf("exit status %d, want 1 (a violation)", res.code)
			}
			// One process, one blocking finding; a few requests may be in
			// flight together (the concurrency specs) when it is found.
			if n := hits.Load(); n > 4 {
				t.Errorf("get_countries was sent %d times after it misbehaved, want it blocked after the first", n)
			}
			if !strings.Contains(res.out, "[T5]") || !strings.Contains(res.out, "blocked: [T5] get_countries") {
				t.Errorf("no T5 finding for get_countries, or no spec reported blocked by it:\n%s", tail(res.out, 60))
			}
			if strings.Contains(res.out, "[T3] violation get_countries") {
				t.Errorf("a late or too long answer reported under T3 (it is T5):\n%s", tail(res.out, 60))
			}
		})
	}
}

// TestRedirectToAnotherOriginIsNotFollowed: a deployment that redirects
// every operation to another origin fails, and the other origin gets no
// request (a redirect is an answer to judge, never followed).
func TestRedirectToAnotherOriginIsNotFollowed(t *testing.T) {
	onlyUnderGoTest(t)
	var elsewhere atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		elsewhere.Add(1)
	}))
	defer other.Close()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, other.URL+r.URL.Path, http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	res := runConformance(context.Background(), t, srv.URL, nil, "--timeout", "1s", "--steps", "0")
	noPanic(t, res)
	if res.code != 1 {
		t.Errorf("exit status %d, want 1", res.code)
	}
	if n := elsewhere.Load(); n != 0 {
		t.Errorf("the other origin got %d requests: a redirect was followed", n)
	}
}

// TestMaxTimeBoundsTheRunAndTheReportIsWritten: every operation but the
// reachability check hangs, with a timeout longer than --max-time: the run
// stops at --max-time, reports the specs it could not run, exits 2 (nothing
// found, but not everything checked) and still writes its JUnit report.
func TestMaxTimeBoundsTheRunAndTheReportIsWritten(t *testing.T) {
	onlyUnderGoTest(t)
	inner := newMock(t, mockserver.Config{})
	var seen atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if seen.Add(1) == 1 {
			inner.ServeHTTP(w, r)
			return
		}
		io.Copy(io.Discard, r.Body)
		<-r.Context().Done()
	}))
	defer srv.Close()
	files := newReportFiles(t)
	junit := files.junit
	res := runConformance(context.Background(), t, srv.URL, nil, append(files.args(), "--timeout", "30s", "--max-time", "1s")...)
	noPanic(t, res)
	if res.code != 2 {
		t.Errorf("exit status %d, want 2 (cut short, nothing found)", res.code)
	}
	if !strings.Contains(res.out, "INCOMPLETE") || !strings.Contains(res.out, "--max-time") {
		t.Errorf("the summary does not say the run was cut short:\n%s", tail(res.out, 40))
	}
	if b, err := os.ReadFile(junit); err != nil || !bytes.Contains(b, []byte("<testsuites")) {
		t.Errorf("JUnit report not written: %v", err)
	}
	if sj := files.summary(t); sj.NotRun == 0 {
		t.Error("the JSON summary does not count the specs --max-time left unrun")
	}
	if b, err := os.ReadFile(files.html); err != nil || !bytes.Contains(b, []byte("Incomplete: ")) {
		t.Errorf("the HTML report does not say the run was cut short (%v)", err)
	}
}

// TestNothingCheckedIsNeverAPass: a label filter that selects no spec
// (each label exists, the two never meet) is exit status 2 with a message,
// not CONFORMS.
func TestNothingCheckedIsNeverAPass(t *testing.T) {
	onlyUnderGoTest(t)
	srv := httptest.NewServer(newMock(t, mockserver.Config{}))
	defer srv.Close()
	res := runConformance(context.Background(), t, srv.URL, nil, "--label-filter", "readonly && mutating")
	if res.code != 2 || !strings.Contains(res.out, "nothing was checked") {
		t.Errorf("exit status %d, want 2 and 'nothing was checked':\n%s", res.code, tail(res.out, 20))
	}
	typo := runConformance(context.Background(), t, srv.URL, nil, "--label-filter", "readonyl")
	if typo.code != 2 || !strings.Contains(typo.out, "readonyl") {
		t.Errorf("a label typo: exit status %d, want 2 naming it:\n%s", typo.code, tail(typo.out, 20))
	}
}
