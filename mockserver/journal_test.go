package mockserver_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/nebeus/nebeus-contract/mockserver"
)

// TestM4NoPasswordOrSessionInJournalOrLogs: every way a password can be sent
// (valid calls, bad calls, malformed JSON, batch arrays, nested) leaves no
// trace of it in the journal or the log; session ids neither.
func TestM4NoPasswordOrSessionInJournalOrLogs(t *testing.T) {
	const secret = "Sup3r-secret-pw"
	h := newHarness(t, nil)
	h.control("POST", "/_mock/accounts", `{"login":"m4@example.com","password":"`+secret+`","confirm_password":"`+secret+`","name":"M","surname":"F","country":2}`)
	sid, _ := signinSession(t, h, "m4@example.com", secret)
	bodies := []string{
		`{"jsonrpc":"2.0","params":{"login":"m4@example.com","password":"` + secret + `"}}`,
		`{"jsonrpc":"2.0","params":{"login":"x@example.com","name":"a","surname":"b","country":2,"password":"` + secret + `","confirm_password":"` + secret + `x"}}`,
		`{"jsonrpc":"2.0","params":{"password":"` + secret + `"`,              // malformed
		`[{"jsonrpc":"2.0","params":{"password":"` + secret + `"}}]`,          // batch
		`{"jsonrpc":"1.0","params":{"nested":{"password":"` + secret + `"}}}`, // protocol error, nested
		`{"jsonrpc":"2.0","params":{"password":` + `"` + secret + `\"x"`,      // malformed with escapes
		`{"jsonrpc":"2.0","params":{"session_id":"` + sid + `"}}`,
	}
	for _, op := range []string{"signin", "signup", "logout"} {
		for _, b := range bodies {
			h.do(http.MethodPost, "/"+op+"/1.0/json", b)
		}
	}
	signinSession(t, h, "m4@example.com", secret) // a response carrying a fresh session id
	j := h.control("GET", "/_mock/journal", "")
	if !strings.Contains(string(j.Body), `"***"`) {
		t.Errorf("journal shows no redaction: %s", j.Body)
	}
	for name, text := range map[string]string{"journal": string(j.Body), "log": h.logs.String()} {
		if strings.Contains(text, secret) || strings.Contains(text, "Sup3r") {
			t.Errorf("the password appears in the %s:\n%s", name, text)
		}
		if strings.Contains(text, sid) {
			t.Errorf("a session id appears in the %s", name)
		}
	}
	var sessions struct {
		Sessions []struct{ ID string } `json:"sessions"`
	}
	h.control("GET", "/_mock/sessions", "").decodeInto(t, &sessions)
	for _, s := range sessions.Sessions {
		if len(s.ID) >= 32 {
			t.Errorf("sessions listing shows a full id %q", s.ID)
		}
	}
}

// TestLogLineHoldsMethodPathOpStatusNamespace: one line per request.
func TestLogLineHoldsMethodPathOpStatusNamespace(t *testing.T) {
	h := newHarness(t, nil)
	h.call("get_countries", map[string]any{}, hdr{mockserver.NamespaceHeader, "logs"})
	line := h.logs.String()
	for _, want := range []string{"method=POST", "path=/get_countries/1.0/json", "op=get_countries", "status=200", "duration=", "namespace=logs", "outcome=success"} {
		if !strings.Contains(line, want) {
			t.Errorf("log line lacks %s: %s", want, line)
		}
	}
}

// TestJournalKeepsTheMessagesAboutSecrets (issue 19): the journal hides a
// password's value, never the messages about it: signup's
// errors.password and errors.confirm_password keep their field and
// message, while the passwords the request carried stay "***".
func TestJournalKeepsTheMessagesAboutSecrets(t *testing.T) {
	const secret = "Tiny-9"
	h := newHarness(t, nil)
	for key, pw := range map[string][2]string{
		"password":         {secret, secret},                             // too short
		"confirm_password": {secret + "-long-enough", secret + "-other"}, // differ
	} {
		p := signupParams("short@example.com")
		p["password"], p["confirm_password"] = pw[0], pw[1]
		if ans := h.call("signup", p); ans.Variant != "error" {
			t.Fatalf("signup with a bad %s: %s", key, ans.Body)
		}
		var journal struct {
			Entries []struct {
				Request, Response json.RawMessage
			} `json:"entries"`
		}
		h.control(http.MethodGet, "/_mock/journal", "").decodeInto(t, &journal)
		if len(journal.Entries) == 0 {
			t.Fatal("no journal entry")
		}
		e := journal.Entries[len(journal.Entries)-1]
		var resp []struct {
			Result struct {
				Errors map[string]struct{ Field, Message string } `json:"errors"`
			} `json:"result"`
		}
		if err := json.Unmarshal(e.Response, &resp); err != nil || len(resp) != 1 {
			t.Fatalf("journaled answer: %v: %s", err, e.Response)
		}
		// Both problems are signup's errors.password (its x-error-key).
		if fe, ok := resp[0].Result.Errors["password"]; !ok || fe.Message == "" || fe.Message == "***" || fe.Field != "password" {
			t.Errorf("bad %s: errors.password in the journal: %+v, want its field and message: %s", key, fe, e.Response)
		}
		for _, b := range []json.RawMessage{e.Request, e.Response} {
			if strings.Contains(string(b), secret) {
				t.Errorf("the password is in the journal: %s", b)
			}
		}
		if !strings.Contains(string(e.Request), `"password":"***"`) {
			t.Errorf("the request's password is not redacted: %s", e.Request)
		}
	}
}
