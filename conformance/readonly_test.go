package conformance_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/nebeus/nebeus-contract/fixtures"
	"github.com/nebeus/nebeus-contract/mockserver"
)

// controlGet reads a control API resource of the mock (loopback: no token).
func controlGet(t *testing.T, base, path string, into any) {
	t.Helper()
	resp, err := http.Get(base + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: HTTP %d", path, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(into); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
}

// TestReadonlyLeavesTheGivenAccountAlone: the readonly promise (README).
// A run with --label-filter readonly --login L --password P against the
// mock, then the mock's control API shows, for L: no reset mail in the
// outbox (S4 never asked for L), no signin of L that failed (never a wrong
// password; S1's failure text is probed with logins that do not exist), no
// signup or reset_password naming L in the journal, the account as it was,
// and no account created at all. The run did sign in as L (the session
// specs ran), so the promise is not kept by leaving L out.
func TestReadonlyLeavesTheGivenAccountAlone(t *testing.T) {
	onlyUnderGoTest(t)
	fx, err := fixtures.Default()
	if err != nil {
		t.Fatal(err)
	}
	given := fx.Accounts[0]
	srv := httptest.NewServer(newMock(t, mockserver.Config{Control: true, JournalSize: 1 << 16}))
	defer srv.Close()

	type accounts struct {
		Accounts []map[string]any `json:"accounts"`
	}
	var before accounts
	controlGet(t, srv.URL, "/_mock/accounts", &before)

	res := runConformance(context.Background(), t, srv.URL, []string{"NEBEUS_PASSWORD=" + given.Password},
		"--label-filter", "readonly", "--login", given.Login, "--seed", "7", "--steps", "400", "--steps-time", "2s")
	if res.code != 0 {
		t.Fatalf("exit status %d, want 0\n%s", res.code, tail(res.out, 60))
	}

	var outbox struct {
		Messages []struct {
			To string `json:"to"`
		} `json:"messages"`
	}
	controlGet(t, srv.URL, "/_mock/outbox", &outbox)
	for _, m := range outbox.Messages {
		if strings.EqualFold(m.To, given.Login) {
			t.Errorf("readonly: a reset mail went to the given account %s (S4 must be probed with logins that do not exist)", m.To)
		}
	}

	var journal struct {
		Entries []struct {
			Operation string          `json:"operation"`
			Request   json.RawMessage `json:"request"`
			Response  json.RawMessage `json:"response"`
		} `json:"entries"`
	}
	controlGet(t, srv.URL, "/_mock/journal", &journal)
	signedIn := 0
	// Each kind of breach is reported once, with its count and an example.
	breaches := map[string][]string{}
	for _, e := range journal.Entries {
		var req struct {
			Params map[string]any `json:"params"`
		}
		json.Unmarshal(e.Request, &req)
		login, _ := req.Params["login"].(string)
		if !strings.EqualFold(login, given.Login) {
			continue
		}
		switch e.Operation {
		case "signin":
			if !strings.Contains(string(e.Response), `"session_id"`) {
				k := "signins of the given account failed (a wrong password; S1 must be probed with logins that do not exist)"
				breaches[k] = append(breaches[k], string(e.Response))
			} else {
				signedIn++
			}
		default:
			k := e.Operation + " calls were sent the given account's login"
			breaches[k] = append(breaches[k], string(e.Request))
		}
	}
	for k, ex := range breaches {
		t.Errorf("readonly: %d %s; the first: %s", len(ex), k, ex[0])
	}
	if signedIn == 0 {
		t.Errorf("the run never signed in as the given account: the session specs did not run (journal of %d entries)", len(journal.Entries))
	}

	var after accounts
	controlGet(t, srv.URL, "/_mock/accounts?namespace="+url.QueryEscape(""), &after)
	if len(after.Accounts) != len(before.Accounts) {
		t.Errorf("readonly: %d accounts before the run, %d after", len(before.Accounts), len(after.Accounts))
	}
	for i := range min(len(before.Accounts), len(after.Accounts)) {
		b, _ := json.Marshal(before.Accounts[i])
		a, _ := json.Marshal(after.Accounts[i])
		if string(a) != string(b) {
			t.Errorf("readonly: an account changed:\nbefore %s\nafter  %s", b, a)
		}
	}
}
