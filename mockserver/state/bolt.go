package state

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// boltStore is the file: store: one bbolt file, one bucket. bbolt is pure
// Go (no cgo), a single file, and gives serializable read-write
// transactions, which is all signup's "exactly one of N wins" needs; the
// README says why it was chosen over SQLite.
//
// Commits are written to the file before a call returns, without fsync
// (NoSync): an acknowledged write is in the operating system's page cache,
// so it survives the mock being killed (SIGKILL, a crash), which is what a
// mock's state must survive; only a power loss of the machine could lose
// the last writes. An fsync per signin would cost milliseconds.
type boltStore struct {
	db     *bolt.DB
	writes *groupCommit
}

var boltBucket = []byte("nebeus-mock")

func openBolt(path string, timeout time.Duration, startAnew bool, onErr func(error)) (*boltStore, error) {
	db, err := openBoltFile(path, timeout, startAnew)
	if err != nil {
		return nil, err
	}
	if err := db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(boltBucket)
		return err
	}); err != nil {
		db.Close()
		return nil, fmt.Errorf("state: file store %s: %w", path, err)
	}
	return &boltStore{db: db, writes: newGroupCommit(db, onErr)}, nil
}

// view runs f in a read transaction. A file damaged while the mock runs
// (overwritten, truncated under it) makes bbolt panic or the read fault:
// either is ErrCorrupt for this call, not the process's end (issue 19).
func (b *boltStore) view(f func(*bolt.Bucket) error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%w: reading the file: %v", ErrCorrupt, p)
		}
	}()
	return b.db.View(func(tx *bolt.Tx) error { return f(tx.Bucket(boltBucket)) })
}

// write runs f in a read-write transaction that it may share with
// concurrent writes (groupCommit); f must not keep slices bbolt returned.
func (b *boltStore) write(f func(*bolt.Bucket) error) error { return b.writes.write(f) }

func (b *boltStore) get(key string) (out []byte, ok bool, err error) {
	err = b.view(func(bk *bolt.Bucket) error {
		if v := bk.Get([]byte(key)); v != nil {
			out, ok = bytes.Clone(v), true
		}
		return nil
	})
	return out, ok, err
}

// getAhead reads when waited for: a read of the file costs no round trip.
func (b *boltStore) getAhead(key string) func() ([]byte, bool, error) {
	return func() ([]byte, bool, error) { return b.get(key) }
}

func (b *boltStore) put(key string, val []byte, _ time.Duration) error {
	return b.write(func(bk *bolt.Bucket) error { return bk.Put([]byte(key), val) })
}

func (b *boltStore) insert(key string, val []byte) (ok bool, err error) {
	err = b.write(func(bk *bolt.Bucket) error {
		if bk.Get([]byte(key)) != nil {
			return nil
		}
		ok = true
		return bk.Put([]byte(key), val)
	})
	return ok, err
}

func (b *boltStore) insertAccount(key, counter, uidKey string, val []byte) (n int64, err error) {
	err = b.write(func(bk *bolt.Bucket) error {
		if bk.Get([]byte(key)) != nil {
			return nil
		}
		if c := bk.Get([]byte(counter)); c != nil {
			n, _ = strconv.ParseInt(string(c), 10, 64)
		}
		n++
		if err := bk.Put([]byte(counter), []byte(strconv.FormatInt(n, 10))); err != nil {
			return err
		}
		if err := bk.Put([]byte(uidKey+strconv.FormatInt(n, 10)), []byte(key)); err != nil {
			return err
		}
		return bk.Put([]byte(key), append([]byte(fmt.Sprintf("%016x", n)), val...))
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

func (b *boltStore) del(keys ...string) error {
	return b.write(func(bk *bolt.Bucket) error {
		for _, k := range keys {
			if err := bk.Delete([]byte(k)); err != nil {
				return err
			}
		}
		return nil
	})
}

func (b *boltStore) scan(prefix string) (out []kvPair, err error) {
	err = b.view(func(bk *bolt.Bucket) error {
		c := bk.Cursor()
		p := []byte(prefix)
		for k, v := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, v = c.Next() {
			out = append(out, kvPair{string(k), bytes.Clone(v)})
		}
		return nil
	})
	return out, err
}

func (b *boltStore) delPrefix(prefix string) error {
	return b.write(func(bk *bolt.Bucket) error {
		c := bk.Cursor()
		p := []byte(prefix)
		for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Seek(p) {
			if err := c.Delete(); err != nil {
				return err
			}
		}
		return nil
	})
}

// Lists are stored as one value: each item's length (decimal) and a colon,
// then the item; an outbox is small (Config.OutboxSize items).
func (b *boltStore) push(key string, val []byte, max int) error {
	return b.write(func(bk *bolt.Bucket) error {
		items := decodeList(bk.Get([]byte(key)))
		items = append(items, val)
		if max > 0 && len(items) > max {
			items = items[len(items)-max:]
		}
		return bk.Put([]byte(key), encodeList(items))
	})
}

func (b *boltStore) list(key string) (out [][]byte, err error) {
	err = b.view(func(bk *bolt.Bucket) error {
		out = decodeList(bytes.Clone(bk.Get([]byte(key))))
		return nil
	})
	return out, err
}

func (b *boltStore) update(key string, f func(old []byte, ok bool) []byte) error {
	return b.write(func(bk *bolt.Bucket) error {
		old := bk.Get([]byte(key))
		nv := f(bytes.Clone(old), old != nil)
		if nv == nil {
			return bk.Delete([]byte(key))
		}
		return bk.Put([]byte(key), nv)
	})
}

// boltFailure maps an error of the file store to a store failure
// (errors.go).
func boltFailure(err error) error {
	switch {
	case errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) || errors.Is(err, syscall.EFBIG):
		return ErrFull
	case errors.Is(err, berrors.ErrInvalid) || errors.Is(err, berrors.ErrChecksum) ||
		errors.Is(err, berrors.ErrVersionMismatch) || errors.Is(err, berrors.ErrInvalidMapping):
		return ErrCorrupt
	}
	return ErrUnavailable
}

func (b *boltStore) classify(err error) error { return boltFailure(err) }

// remote: a file's calls run in place; a commit waits for the disk.
func (b *boltStore) remote() bool { return false }

func (b *boltStore) ping(context.Context) error { return nil }

func (b *boltStore) close() error {
	b.writes.close()
	return b.db.Close()
}

func encodeList(items [][]byte) []byte {
	var buf bytes.Buffer
	for _, it := range items {
		buf.WriteString(strconv.Itoa(len(it)))
		buf.WriteByte(':')
		buf.Write(it)
	}
	return buf.Bytes()
}

func decodeList(b []byte) [][]byte {
	var out [][]byte
	for len(b) > 0 {
		i := bytes.IndexByte(b, ':')
		if i < 0 {
			break
		}
		n, err := strconv.Atoi(string(b[:i]))
		if err != nil || n < 0 || i+1+n > len(b) {
			break
		}
		out = append(out, b[i+1:i+1+n])
		b = b[i+1+n:]
	}
	return out
}
