package state

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	bolt "go.etcd.io/bbolt"
)

func openTestBolt(t *testing.T, onErr func(error)) *boltStore {
	t.Helper()
	b, err := openBolt(filepath.Join(t.TempDir(), "gc.db"), DefaultDeadline, false, onErr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.close() })
	return b
}

// TestGroupCommitFailingWriteFailsAlone: a write bbolt refuses (a key over
// its limit) fails for its caller only, even when it shares a batch.
func TestGroupCommitFailingWriteFailsAlone(t *testing.T) {
	b := openTestBolt(t, func(error) {})
	huge := strings.Repeat("k", bolt.MaxKeySize+1)
	var wg sync.WaitGroup
	errs := make([]error, 40)
	for i := range errs {
		wg.Go(func() {
			key := fmt.Sprintf("key-%d", i)
			if i == 7 {
				key = huge
			}
			errs[i] = b.put(key, []byte("v"), 0)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if (err != nil) != (i == 7) {
			t.Errorf("write %d: %v", i, err)
		}
		if i == 7 {
			continue
		}
		if _, ok, _ := b.get(fmt.Sprintf("key-%d", i)); !ok {
			t.Errorf("write %d acknowledged but not stored", i)
		}
	}
}

// TestGroupCommitWritesBehindInOrder: writes behind land in the order they
// were made, before a later write a caller waits for, and a failing one is
// reported, not lost silently.
func TestGroupCommitWritesBehindInOrder(t *testing.T) {
	var mu sync.Mutex
	var reported []error
	b := openTestBolt(t, func(err error) { mu.Lock(); reported = append(reported, err); mu.Unlock() })
	for i := range 100 {
		b.logSession("k", []byte(fmt.Sprint(i)))
	}
	b.logSession("gone", []byte("x"))
	b.logSession("gone", nil)
	b.logSession(strings.Repeat("k", bolt.MaxKeySize+1), []byte("x"))
	if err := b.barrier(); err != nil {
		t.Fatal(err)
	}
	if v, _, _ := b.get("k"); string(v) != "99" {
		t.Errorf("k = %q after 100 writes behind, want the last (99)", v)
	}
	if _, ok, _ := b.get("gone"); ok {
		t.Error("a deletion written behind was overtaken by the write before it")
	}
	mu.Lock()
	defer mu.Unlock()
	if len(reported) != 1 || !errors.Is(reported[0], bolt.ErrKeyTooLarge) {
		t.Errorf("reported %v, want the one failed write behind", reported)
	}
}

// TestGroupCommitCloseLandsWritesBehind: closing the store commits what
// was written behind, and a write after close is refused, not lost.
func TestGroupCommitCloseLandsWritesBehind(t *testing.T) {
	path := filepath.Join(t.TempDir(), "gc.db")
	b, err := openBolt(path, DefaultDeadline, false, func(error) {})
	if err != nil {
		t.Fatal(err)
	}
	b.logSession("k", []byte("v"))
	b.close()
	if err := b.put("late", []byte("v"), 0); !errors.Is(err, errStoreClosed) {
		t.Errorf("write after close: %v", err)
	}
	b, err = openBolt(path, DefaultDeadline, false, func(error) {})
	if err != nil {
		t.Fatal(err)
	}
	defer b.close()
	if v, _, _ := b.get("k"); string(v) != "v" {
		t.Errorf("k = %q after close and reopen", v)
	}
}
