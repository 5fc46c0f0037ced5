package state

import (
	"fmt"
	"math"
	"strings"
)

// FirstUID is the uid of a namespace's first account; the others follow in
// increasing order (M3).
const FirstUID = 100

// NewAccount is signup's input (S5). The HTTP layer validates it first and
// reports every problem by field; Signup only guards the invariants the
// store relies on.
type NewAccount struct {
	Login    string
	Password string // hashed, never stored (M4)
	Name     string
	Surname  string
	Country  int
	Language string // "" means Config.DefaultLang
	Timezone *int   // seconds east of UTC; nil means none

	// Optional device fields (OneSignal's add-a-device), kept as given.
	DeviceType  *int
	Identifier  string
	AppVersion  string
	DeviceModel string
	DeviceOS    string
}

// Account is a stored account as the HTTP layer sees it: never any password
// material (M4).
type Account struct {
	UID      int    `json:"uid"`
	Login    string `json:"login"` // as registered; signin's username (M1)
	Name     string `json:"name"`
	Surname  string `json:"surname"`
	Country  int    `json:"country"`
	Lang     string `json:"lang"`               // user_context.lang (M1)
	TZ       string `json:"tz"`                 // user_context.tz (M1)
	Timezone *int   `json:"timezone,omitempty"` // signup's timezone, seconds

	DeviceType  *int   `json:"device_type,omitempty"`
	Identifier  string `json:"identifier,omitempty"`
	AppVersion  string `json:"app_version,omitempty"`
	DeviceModel string `json:"device_model,omitempty"`
	DeviceOS    string `json:"device_os,omitempty"`
}

// AccountView is what Accounts lists; an Account carries no password
// material, so the view is the account itself.
type AccountView = Account

// accountRec is the stored form, kept small for the memory goal (doc.go):
// 128 bytes on 64-bit platforms plus the login's bytes.
type accountRec struct {
	login, name, surname, lang string
	hash                       [32]byte
	salt                       [16]byte
	country                    int32
	timezone                   int32 // seconds; valid when hasTimezone
	device                     int32 // 1 + index into accountTable.devices; 0: none
	hasTimezone                bool
}

type device struct {
	typ                                      int32
	hasType                                  bool
	identifier, appVersion, model, osVersion string
}

// Accounts are stored in chunks, so growing a large namespace never copies
// all of it and a small one stays small; position i has uid FirstUID+i.
const chunkBits = 12

type accountTable struct {
	chunks  [][]accountRec
	n       int32
	index   map[string]int32 // lower-cased login -> position (S1, S5)
	devices []device
}

func (t *accountTable) at(i int32) *accountRec {
	return &t.chunks[i>>chunkBits][i&(1<<chunkBits-1)]
}

func (t *accountTable) add(key string, a accountRec) int32 {
	i := t.n
	if int(i>>chunkBits) == len(t.chunks) {
		t.chunks = append(t.chunks, nil)
	}
	c := &t.chunks[i>>chunkBits]
	*c = append(*c, a)
	t.index[key] = i
	t.n++
	return i
}

func (t *accountTable) clone() accountTable {
	c := accountTable{n: t.n, index: make(map[string]int32, len(t.index)), devices: append([]device(nil), t.devices...)}
	for k, v := range t.index {
		c.index[k] = v
	}
	for _, ch := range t.chunks {
		c.chunks = append(c.chunks, append([]accountRec(nil), ch...))
	}
	return c
}

func (t *accountTable) view(i int32, defaultTZ string) Account {
	r := t.at(i)
	a := Account{
		UID: FirstUID + int(i), Login: r.login, Name: r.name, Surname: r.surname,
		Country: int(r.country), Lang: r.lang, TZ: defaultTZ,
	}
	if r.hasTimezone {
		tz := int(r.timezone)
		a.Timezone = &tz
		a.TZ = ZoneName(&tz, defaultTZ)
	}
	if r.device > 0 {
		d := t.devices[r.device-1]
		if d.hasType {
			typ := int(d.typ)
			a.DeviceType = &typ
		}
		a.Identifier, a.AppVersion, a.DeviceModel, a.DeviceOS = d.identifier, d.appVersion, d.model, d.osVersion
	}
	return a
}

// loginKey is the index key: logins compare case-insensitively (S1, S5).
// strings.ToLower returns its argument when it is lower case already, so
// the usual login shares one string between index and record.
func loginKey(login string) string { return strings.ToLower(login) }

func invalid(field, msg string) error { return fmt.Errorf("%w: %s %s", ErrInvalidAccount, field, msg) }

func checkNewAccount(in *NewAccount) error {
	switch {
	// The contract's limits and formats are the mock's to check, from the
	// model (S5); the store keeps only the invariants it relies on itself.
	case strings.TrimSpace(in.Login) == "":
		return invalid("login", "is empty")
	case in.Country <= 0 || in.Country > math.MaxInt32:
		return invalid("country", "is not an id > 0")
	case in.Timezone != nil && (*in.Timezone < math.MinInt32 || *in.Timezone > math.MaxInt32):
		return invalid("timezone", "is out of range")
	case in.DeviceType != nil && (*in.DeviceType < math.MinInt32 || *in.DeviceType > math.MaxInt32):
		return invalid("device_type", "is out of range")
	}
	return nil
}

// Signup stores a new account and returns it. A login already registered in
// this namespace, compared case-insensitively, gives ErrDuplicateLogin
// (S1, S5); the new account can sign in at once (S5).
func (ns *Namespace) Signup(in NewAccount) (Account, error) {
	if err := checkNewAccount(&in); err != nil {
		return Account{}, err
	}
	cfg := &ns.store.cfg
	rec := accountRec{login: in.Login, name: in.Name, surname: in.Surname, lang: in.Language, country: int32(in.Country)}
	switch rec.lang {
	case "", cfg.DefaultLang:
		rec.lang = cfg.DefaultLang // shared string, no copy per account
	}
	if in.Timezone != nil {
		rec.timezone, rec.hasTimezone = int32(*in.Timezone), true
	}
	var dev *device
	if in.DeviceType != nil || in.Identifier != "" || in.AppVersion != "" || in.DeviceModel != "" || in.DeviceOS != "" {
		dev = &device{identifier: in.Identifier, appVersion: in.AppVersion, model: in.DeviceModel, osVersion: in.DeviceOS}
		if in.DeviceType != nil {
			dev.typ, dev.hasType = int32(*in.DeviceType), true
		}
	}
	// Hash before taking the lock: it is the slow part.
	rec.salt, rec.hash = ns.store.hasher.newSecret(in.Password)
	if ns.store.kv != nil && ns != ns.store.seed {
		return ns.kvSignup(in, rec.salt, rec.hash)
	}
	key := loginKey(in.Login)
	size := accountSize(&in)
	if ns != ns.store.seed && !ns.store.charge(ns, size) {
		return Account{}, fmt.Errorf("%w: the memory budget (%d bytes) is spent", ErrFull, ns.store.cfg.MaxBytes)
	}

	ns.mu.Lock()
	defer ns.mu.Unlock()
	if _, dup := ns.accounts.index[key]; dup {
		ns.store.refund(ns, size)
		return Account{}, ErrDuplicateLogin
	}
	if ns.accounts.n == math.MaxInt32-FirstUID {
		ns.store.refund(ns, size)
		return Account{}, ErrFull
	}
	if dev != nil {
		ns.accounts.devices = append(ns.accounts.devices, *dev)
		rec.device = int32(len(ns.accounts.devices))
	}
	i := ns.accounts.add(key, rec)
	return ns.accounts.view(i, cfg.DefaultTZ), nil
}

// Authenticate returns the account whose login matches, case-insensitively
// (S1), and whose password is password. The password is checked in constant
// time, and an unknown login costs a hash too, so the answer's timing does
// not tell whether the account exists.
// A store failure reads as no match here (and goes to Config.OnError);
// AuthenticateRead returns it.
func (ns *Namespace) Authenticate(login, password string) (Account, bool) {
	a, ok, err := ns.authenticate(login, password, nil)
	ns.store.backendErr("account", err)
	return a, ok
}

func (ns *Namespace) authenticate(login, password string, rd *AccountRead) (Account, bool, error) {
	h := ns.store.hasher
	key := loginKey(login)
	var (
		salt [16]byte
		want [32]byte
		acc  Account
	)
	ns.mu.RLock()
	i, ok := ns.accounts.index[key]
	if ok {
		r := ns.accounts.at(i)
		salt, want = r.salt, r.hash
		acc = ns.accounts.view(i, ns.store.cfg.DefaultTZ)
	}
	ns.mu.RUnlock()
	if !ok && ns.store.kv != nil {
		var (
			uid   int
			a     *kvAccount
			found bool
			err   error
		)
		if rd != nil && rd.key == key && rd.wait != nil {
			uid, a, found, err = ns.kvAccountFrom(rd.wait())
		} else {
			uid, a, found, err = ns.kvAccountByKey(key)
		}
		if err != nil {
			return Account{}, false, err
		}
		acc, ok := ns.kvAuthenticate(uid, a, found, password)
		return acc, ok, nil
	}
	if !ok {
		h.check(&h.dummySalt, &h.dummyHash, password)
		return Account{}, false, nil
	}
	if !h.check(&salt, &want, password) {
		return Account{}, false, nil
	}
	return acc, true, nil
}

// Lookup returns the account with login, compared case-insensitively. A
// store failure reads as not found here (and goes to Config.OnError);
// LookupErr returns it.
func (ns *Namespace) Lookup(login string) (Account, bool) {
	a, ok, err := ns.LookupErr(login)
	ns.store.backendErr("account", err)
	return a, ok
}

// LookupErr is Lookup with the store's failure (errors.go), if any.
func (ns *Namespace) LookupErr(login string) (Account, bool, error) {
	key := loginKey(login)
	ns.mu.RLock()
	i, ok := ns.accounts.index[key]
	var a Account
	if ok {
		a = ns.accounts.view(i, ns.store.cfg.DefaultTZ)
	}
	ns.mu.RUnlock()
	if !ok && ns.store.kv != nil {
		return ns.kvLookup(key)
	}
	return a, ok, nil
}

// lookupUID returns the account with uid.
func (ns *Namespace) lookupUID(uid int) (Account, bool) {
	ns.mu.RLock()
	defer ns.mu.RUnlock()
	i := uid - FirstUID
	if i >= int(ns.accounts.n) && ns.store.kv != nil {
		return ns.kvLookupUID(uid)
	}
	if i < 0 || i >= int(ns.accounts.n) {
		return Account{}, false
	}
	return ns.accounts.view(int32(i), ns.store.cfg.DefaultTZ), true
}

// Accounts lists the namespace's accounts in uid order, without password
// material (M4).
func (ns *Namespace) Accounts() []AccountView {
	if ns.store.kv != nil {
		return ns.kvAccounts()
	}
	ns.mu.RLock()
	defer ns.mu.RUnlock()
	out := make([]AccountView, ns.accounts.n)
	for i := range out {
		out[i] = ns.accounts.view(int32(i), ns.store.cfg.DefaultTZ)
	}
	return out
}

// NumAccounts returns the number of accounts in the namespace.
func (ns *Namespace) NumAccounts() int {
	if ns.store.kv != nil {
		return ns.kvNumAccounts()
	}
	ns.mu.RLock()
	defer ns.mu.RUnlock()
	return int(ns.accounts.n)
}
