package state_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/nebeus/nebeus-contract/fixtures"
	"github.com/nebeus/nebeus-contract/mockserver/state"
)

func TestZoneName(t *testing.T) {
	// M1: whole hours give the Etc zone, whose sign is inverted; anything else
	// the default.
	tests := []struct {
		seconds *int
		want    string
	}{
		{intp(3600), "Etc/GMT-1"},
		{intp(-18000), "Etc/GMT+5"},
		{intp(0), "Etc/GMT"},
		{intp(50400), "Etc/GMT-14"},
		{intp(-43200), "Etc/GMT+12"},
		{intp(1800), "Europe/Madrid"},
		{intp(19800), "Europe/Madrid"}, // +5:30
		{intp(-3601), "Europe/Madrid"},
		{intp(54000), "Europe/Madrid"}, // +15h: no Etc zone
		{intp(-46800), "Europe/Madrid"},
		{nil, "Europe/Madrid"},
	}
	for _, tt := range tests {
		name := "nil"
		if tt.seconds != nil {
			name = fmt.Sprint(*tt.seconds)
		}
		t.Run(name, func(t *testing.T) {
			if got := state.ZoneName(tt.seconds, "Europe/Madrid"); got != tt.want {
				t.Errorf("ZoneName(%s) = %q, want %q", name, got, tt.want)
			}
		})
	}
}

func TestSignup(t *testing.T) {
	tests := []struct {
		name     string
		in       state.NewAccount
		wantLang string
		wantTZ   string
		wantErr  error
		errText  string
	}{
		{name: "defaults", in: newAccount("ann@example.com"), wantLang: "en_US", wantTZ: "Europe/Madrid"},
		{name: "tz 3600", in: func() state.NewAccount { a := newAccount("a1@example.com"); a.Timezone = intp(3600); return a }(), wantLang: "en_US", wantTZ: "Etc/GMT-1"},
		{name: "tz -18000", in: func() state.NewAccount { a := newAccount("a2@example.com"); a.Timezone = intp(-18000); return a }(), wantLang: "en_US", wantTZ: "Etc/GMT+5"},
		{name: "tz 0", in: func() state.NewAccount { a := newAccount("a3@example.com"); a.Timezone = intp(0); return a }(), wantLang: "en_US", wantTZ: "Etc/GMT"},
		{name: "tz 1800", in: func() state.NewAccount { a := newAccount("a4@example.com"); a.Timezone = intp(1800); return a }(), wantLang: "en_US", wantTZ: "Europe/Madrid"},
		// A two-letter language is kept as given.
		{name: "lang en", in: func() state.NewAccount { a := newAccount("a5@example.com"); a.Language = "en"; return a }(), wantLang: "en", wantTZ: "Europe/Madrid"},
		{name: "lang ru_RU", in: func() state.NewAccount { a := newAccount("a6@example.com"); a.Language = "ru_RU"; return a }(), wantLang: "ru_RU", wantTZ: "Europe/Madrid"},
		{name: "duplicate of fixture, other case", in: newAccount("DEMO@example.COM"), wantErr: state.ErrDuplicateLogin},
		// The contract's limits (password length, email format, blank
		// names) are the mock's to check, from the model; the store keeps
		// only the invariants it relies on.
		{name: "empty login", in: newAccount(" "), wantErr: state.ErrInvalidAccount, errText: "login"},
		{name: "country 0", in: func() state.NewAccount { a := newAccount("b4@example.com"); a.Country = 0; return a }(), wantErr: state.ErrInvalidAccount, errText: "country"},
		{name: "timezone out of range", in: func() state.NewAccount { a := newAccount("b5@example.com"); a.Timezone = intp(1 << 40); return a }(), wantErr: state.ErrInvalidAccount, errText: "timezone"},
	}
	s := mustStore(t, state.Config{})
	ns := mustNamespace(t, s, "")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ns.Signup(tt.in)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || !strings.Contains(fmt.Sprint(err), tt.errText) {
					t.Fatalf("err = %v, want %v mentioning %q", err, tt.wantErr, tt.errText)
				}
				if _, ok := ns.Authenticate(tt.in.Login, tt.in.Password); ok && tt.wantErr != state.ErrDuplicateLogin {
					t.Error("a rejected account can sign in")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.Lang != tt.wantLang || a.TZ != tt.wantTZ || a.Login != tt.in.Login || a.Name != "Ann" || a.Surname != "Lee" || a.Country != 2 {
				t.Errorf("account = %+v, want lang %q tz %q", a, tt.wantLang, tt.wantTZ)
			}
			// S5: the new account can sign in at once.
			got, ok := ns.Authenticate(tt.in.Login, tt.in.Password)
			if !ok || got.UID != a.UID {
				t.Errorf("Authenticate after signup = %+v, %v", got, ok)
			}
		})
	}
}

func TestSignupDeviceFields(t *testing.T) {
	ns := mustNamespace(t, mustStore(t, state.Config{}), "")
	in := newAccount("dev@example.com")
	in.DeviceType, in.Identifier, in.AppVersion, in.DeviceModel, in.DeviceOS = intp(0), "push-id", "1.2.3", "Pixel 8", "14"
	in.Timezone = intp(7200)
	a, err := ns.Signup(in)
	if err != nil {
		t.Fatal(err)
	}
	if a.DeviceType == nil || *a.DeviceType != 0 || a.Identifier != "push-id" || a.AppVersion != "1.2.3" || a.DeviceModel != "Pixel 8" || a.DeviceOS != "14" {
		t.Errorf("device fields = %+v", a)
	}
	if a.Timezone == nil || *a.Timezone != 7200 || a.TZ != "Etc/GMT-2" {
		t.Errorf("timezone = %v, tz %q", a.Timezone, a.TZ)
	}
	plain, _ := ns.Signup(newAccount("plain@example.com"))
	if plain.DeviceType != nil || plain.Identifier != "" || plain.Timezone != nil {
		t.Errorf("account without device fields = %+v", plain)
	}
	if got, _ := ns.Lookup("DEV@example.com"); got.Identifier != "push-id" {
		t.Errorf("Lookup lost device fields: %+v", got)
	}
}

func TestUIDsIncrease(t *testing.T) {
	// M3: uids in increasing order, from 100, fixtures first.
	ns := mustNamespace(t, mustStore(t, state.Config{}), "")
	accts := ns.Accounts()
	if len(accts) != 2 || accts[0].UID != state.FirstUID || accts[1].UID != state.FirstUID+1 {
		t.Fatalf("fixture accounts = %+v", accts)
	}
	prev := accts[1].UID
	for i := range 5 {
		a, err := ns.Signup(newAccount(fmt.Sprintf("u%d@example.com", i)))
		if err != nil {
			t.Fatal(err)
		}
		if a.UID != prev+1 {
			t.Errorf("uid %d after %d", a.UID, prev)
		}
		prev = a.UID
	}
	if n := ns.NumAccounts(); n != 7 {
		t.Errorf("NumAccounts = %d, want 7", n)
	}
}

func TestAuthenticate(t *testing.T) {
	ns := mustNamespace(t, mustStore(t, state.Config{}), "")
	tests := []struct {
		login, password string
		ok              bool
	}{
		{"demo@example.com", "demo-password-1", true},
		{"DEMO@EXAMPLE.COM", "demo-password-1", true}, // S1: case-insensitive login
		{"igor@example.com", "igor-password-1", true},
		{"demo@example.com", "DEMO-PASSWORD-1", false}, // passwords are case-sensitive
		{"demo@example.com", "demo-password-", false},
		{"demo@example.com", "", false},
		{"nobody@example.com", "demo-password-1", false},
		{"", "", false},
	}
	for _, tt := range tests {
		a, ok := ns.Authenticate(tt.login, tt.password)
		if ok != tt.ok {
			t.Errorf("Authenticate(%q, %q) ok = %v, want %v", tt.login, tt.password, ok, tt.ok)
		}
		if !ok && a != (state.Account{}) {
			t.Errorf("failed Authenticate returned %+v", a)
		}
	}
	igor, _ := ns.Authenticate("igor@example.com", "igor-password-1")
	// The page's user: name and surname Igor, lang en_US, tz Europe/Madrid (M1);
	// the login keeps the case it was registered with (username, M1).
	if igor.Name != "Igor" || igor.Surname != "Igor" || igor.Lang != "en_US" || igor.TZ != "Europe/Madrid" || igor.Login != "Igor@Example.com" {
		t.Errorf("igor = %+v", igor)
	}
}

func TestLookup(t *testing.T) {
	ns := mustNamespace(t, mustStore(t, state.Config{}), "")
	for login, want := range map[string]bool{"demo@example.com": true, "Demo@Example.Com": true, "igor@example.com": true, "x@example.com": false, "": false} {
		a, ok := ns.Lookup(login)
		if ok != want || (ok && !strings.EqualFold(a.Login, login)) {
			t.Errorf("Lookup(%q) = %+v, %v", login, a, ok)
		}
	}
}

func TestNoPasswordMaterial(t *testing.T) {
	// M4: nothing the store hands out holds a password.
	ns := mustNamespace(t, mustStore(t, state.Config{}), "")
	dump := fmt.Sprintf("%+v %+v", ns.Accounts(), ns.Sessions())
	for _, p := range []string{"demo-password-1", "igor-password-1"} {
		if strings.Contains(dump, p) {
			t.Errorf("listing holds the password %q", p)
		}
	}
}

// TestSignupRace: 64 goroutines sign up one email in different cases at
// once; exactly one wins (S5: logins compare case-insensitively).
func TestSignupRace(t *testing.T) {
	ns := mustNamespace(t, mustStore(t, state.Config{}), "race")
	const n = 64
	var (
		wg         sync.WaitGroup
		start      = make(chan struct{})
		mu         sync.Mutex
		ok, dup    int
		unexpected []error
	)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			login := []byte("racer@example.com")
			for j := range login { // a different mix of cases per goroutine
				if i>>(j%6)&1 == 1 && login[j] >= 'a' && login[j] <= 'z' {
					login[j] -= 'a' - 'A'
				}
			}
			<-start
			_, err := ns.Signup(newAccount(string(login)))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				ok++
			case errors.Is(err, state.ErrDuplicateLogin):
				dup++
			default:
				unexpected = append(unexpected, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	if ok != 1 || dup != n-1 || len(unexpected) > 0 {
		t.Fatalf("%d succeeded, %d duplicates, unexpected %v", ok, dup, unexpected)
	}
	count := 0
	for _, a := range ns.Accounts() {
		if strings.EqualFold(a.Login, "racer@example.com") {
			count++
		}
	}
	if count != 1 {
		t.Errorf("%d accounts for the login, want 1", count)
	}
}

func TestConcurrentMixed(t *testing.T) {
	// Everything at once, for the race detector.
	s := mustStore(t, state.Config{})
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ns, err := s.Namespace(fmt.Sprint("ns", g%3))
			if err != nil {
				t.Error(err)
				return
			}
			for i := range 50 {
				login := fmt.Sprintf("g%d-%d@example.com", g, i)
				a, err := ns.Signup(newAccount(login))
				if err != nil {
					t.Error(err)
					return
				}
				if _, ok := ns.Authenticate(login, "password-123"); !ok {
					t.Error("cannot sign in")
				}
				sess, err := ns.StartSession(a.UID)
				if err != nil {
					t.Error(err)
					return
				}
				ns.Session(sess.ID)
				ns.RequestReset(login)
				ns.Journal().Append(state.Entry{Operation: "signin"})
				_ = ns.Sessions()
				_ = ns.Outbox()
				_ = ns.Journal().Entries()
				ns.EndSession(sess.ID)
				if i%10 == 0 {
					_ = s.Namespaces()
				}
			}
		}()
	}
	wg.Wait()
}

func TestNewRejectsBadFixtures(t *testing.T) {
	tests := []struct {
		name     string
		accounts []fixtures.Account
		want     string
	}{
		{"duplicate", []fixtures.Account{
			{Login: "a@example.com", Password: "password-1", Name: "A", Surname: "A", Country: 1},
			{Login: "A@example.com", Password: "password-1", Name: "A", Surname: "A", Country: 1},
		}, "fixture account 1 (A@example.com): state: login already registered"},
		{"empty login", []fixtures.Account{
			{Login: "", Password: "password-1", Name: "A", Surname: "A", Country: 1},
		}, "fixture account 0 (): state: invalid account: login"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := state.New(state.Config{Accounts: tt.accounts})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
	if _, err := state.New(state.Config{JournalSize: -1}); err == nil {
		t.Error("negative JournalSize accepted")
	}
}

func TestDefaultFixturesSeed(t *testing.T) {
	set, err := fixtures.Default()
	if err != nil {
		t.Fatal(err)
	}
	s, err := state.New(state.Config{Accounts: set.Accounts})
	if err != nil {
		t.Fatal(err)
	}
	ns := mustNamespace(t, s, "")
	for _, a := range set.Accounts {
		if _, ok := ns.Authenticate(a.Login, a.Password); !ok {
			t.Errorf("demo account %s cannot sign in", a.Login)
		}
	}
}
