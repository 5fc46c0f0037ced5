package conformance_test

import (
	"context"
	"os/exec"
	"strings"
	"testing"
)

// reproOf is the first repro script in a report: its lines, unindented.
func reproOf(out string) []string {
	var lines []string
	in := false
	for _, l := range strings.Split(out, "\n") {
		t := strings.TrimSpace(l)
		switch {
		case strings.HasPrefix(t, "repro:"):
			if len(lines) > 0 {
				return lines
			}
			in = true
		case in && (strings.HasPrefix(t, "curl ") || strings.HasPrefix(t, "RUN=") || strings.HasPrefix(t, "SID_")):
			lines = append(lines, t)
		case in:
			return lines
		}
	}
	return lines
}

// TestReproReplaysASuccessPathFailure: a signin that fails for an account
// a spec created is reported with a script holding the signup (with the
// run's throwaway password, not masked) and the signin; run with sh
// against the same server, it reproduces the failure from scratch. The
// given account's password stays masked.
func TestReproReplaysASuccessPathFailure(t *testing.T) {
	onlyUnderGoTest(t)
	t.Parallel() // runs the binary: its waits overlap other tests
	srv := mutantServer(t, "signin-fails-for-plus-tags")
	res := runConformance(context.Background(), t, srv.URL, []string{"NEBEUS_PASSWORD=demo-password-1"},
		"--timeout", "2s", "--login", "demo@example.com", "--label-filter", "mutating && !concurrency", "--steps", "0")
	if res.code != 1 {
		t.Fatalf("exit status %d, want 1\n%s", res.code, tail(res.out, 60))
	}
	if strings.Contains(res.out, "demo-password-1") {
		t.Error("the given password shows")
	}
	script := reproOf(res.out)
	joined := strings.Join(script, "\n")
	if len(script) < 2 || !strings.Contains(joined, "/signup/") || !strings.Contains(joined, "/signin/") || !strings.Contains(joined, `"password":"`) {
		t.Fatalf("the repro lacks the signup, the signin or the password:\n%s\n%s", joined, tail(res.out, 60))
	}
	if strings.Contains(joined, `"password":"***"`) {
		t.Errorf("the run's throwaway password is masked in the repro:\n%s", joined)
	}
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("curl not found: the script is not replayed")
	}
	out, err := exec.Command("sh", "-c", joined).CombinedOutput()
	if err != nil {
		t.Fatalf("replaying: %v\n%s\n%s", err, joined, out)
	}
	if !strings.Contains(string(out), `"status": "success"`) && !strings.Contains(string(out), `"status":"success"`) {
		t.Errorf("the replayed signup did not succeed:\n%s", out)
	}
	if !strings.Contains(string(out), "Login or password is incorrect") {
		t.Errorf("the replay does not reproduce the failing signin:\n%s", out)
	}
}

// TestSkippedSpecsAreListedWithTheirCause: when the first spec of an
// ordered flow fails, the specs after it are listed by name with that
// failure, and their decisions keep their rows.
func TestSkippedSpecsAreListedWithTheirCause(t *testing.T) {
	onlyUnderGoTest(t)
	t.Parallel() // runs the binary: its waits overlap other tests
	srv := mutantServer(t, "signup-success-201")
	res := runConformance(context.Background(), t, srv.URL, nil, "--timeout", "2s", "--label-filter", "mutating", "--steps", "0")
	if res.code != 1 {
		t.Fatalf("exit status %d, want 1\n%s", res.code, tail(res.out, 60))
	}
	for _, want := range []string{
		"skipped after a failure (",
		`"S2 two signins start two sessions with distinct session ids"`,
		`after "S5 signup of a new account answers success": [T3] violation signup`,
	} {
		if !strings.Contains(res.out, want) {
			t.Errorf("the summary lacks %q:\n%s", want, tail(res.out, 80))
		}
	}
	// S3's specs all sit in the skipped flow: its row stays, counting them.
	row := false
	for _, l := range strings.Split(res.out, "\n") {
		f := strings.Fields(l)
		if len(f) == 6 && f[1] == "S3" && f[5] != "0" {
			row = true
		}
	}
	if !row {
		t.Errorf("no S3 row with skipped specs:\n%s", tail(res.out, 80))
	}
}

// TestStatefulFailureIsShrunkAndReplayable: a bug only a sequence finds
// (a session id handed out again after its logout) is reported as a
// shrunk sequence with a script that captures the session ids it uses.
func TestStatefulFailureIsShrunkAndReplayable(t *testing.T) {
	onlyUnderGoTest(t)
	t.Parallel() // runs the binary: its waits overlap other tests
	srv := mutantServer(t, "session-id-recycled-after-logout")
	res := runConformance(context.Background(), t, srv.URL, nil, "--timeout", "2s", "--seed", "7", "--label-filter", "mutating", "--steps", "200", "--steps-time", "2s")
	if res.code != 1 {
		t.Fatalf("exit status %d, want 1\n%s", res.code, tail(res.out, 60))
	}
	for _, want := range []string{"a random sequence broke the contract (shrunk to", "--seed 7 repeats the run", "SID_1=$(curl", `'"${SID_1}"'`} {
		if !strings.Contains(res.out, want) {
			t.Errorf("the report lacks %q:\n%s", want, tail(res.out, 80))
		}
	}
}
