package state_test

import (
	"runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/nebeus/nebeus-contract/mockserver/state"
)

const memAccounts = 1_000_000

var memResult struct {
	once      sync.Once
	perAcct   float64
	basePer   float64
	signupsNS float64
}

// heapGrowth is the live heap that fill leaves behind, per item.
func heapGrowth(n int, fill func() any) float64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	keep := fill()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(keep)
	return float64(int64(after.HeapAlloc)-int64(before.HeapAlloc)) / float64(n)
}

// BenchmarkMemoryPerAccount measures the heap one stored account costs, with
// a million accounts in one namespace (goal: under 400 B/account). The work
// runs once, whatever b.N: it is a measurement, not a loop.
func BenchmarkMemoryPerAccount(b *testing.B) {
	memResult.once.Do(func() {
		s := mustStore(b, state.Config{})
		ns := mustNamespace(b, s, "mem")
		// Logins are distinct, built in the loop, and their bytes count: an
		// account must hold its login. Name and surname are shared constants.
		in := newAccount("")
		memResult.perAcct = heapGrowth(memAccounts, func() any {
			for i := range memAccounts {
				in.Login = "user" + strconv.Itoa(i) + "@example.com"
				if _, err := ns.Signup(in); err != nil {
					b.Fatal(err)
				}
			}
			return ns
		})
		runtime.KeepAlive(s)
		// Baseline in the same run: the least any store keyed by login
		// holds, a map from each login to its uid.
		memResult.basePer = heapGrowth(memAccounts, func() any {
			m := make(map[string]int32)
			for i := range memAccounts {
				m["user"+strconv.Itoa(i)+"@example.com"] = int32(i)
			}
			return m
		})
	})
	for b.Loop() {
	}
	b.ReportMetric(memResult.perAcct, "B/account")
	b.ReportMetric(memResult.basePer, "base-B/account")
	b.ReportMetric(memResult.perAcct/memResult.basePer, "ratio")
}

func BenchmarkAuthenticate(b *testing.B) {
	ns := mustNamespace(b, mustStore(b, state.Config{}), "")
	for i := range 10000 {
		if _, err := ns.Signup(newAccount("user" + strconv.Itoa(i) + "@example.com")); err != nil {
			b.Fatal(err)
		}
	}
	b.Run("ok", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := ns.Authenticate("user5000@example.com", "password-123"); !ok {
				b.Fatal("cannot sign in")
			}
		}
	})
	b.Run("unknown", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ns.Authenticate("nobody@example.com", "password-123")
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				ns.Authenticate("User5000@example.com", "password-123")
			}
		})
	})
}

func BenchmarkSignup(b *testing.B) {
	ns := mustNamespace(b, mustStore(b, state.Config{}), "")
	in := newAccount("")
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		in.Login = "user" + strconv.Itoa(i) + "@example.com"
		i++
		if _, err := ns.Signup(in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkStartSession(b *testing.B) {
	ns := mustNamespace(b, mustStore(b, state.Config{}), "")
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ns.StartSession(state.FirstUID); err != nil {
			b.Fatal(err)
		}
	}
}
