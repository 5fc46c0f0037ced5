package state

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Start-up checks of a file store (issue 19). bbolt maps the file into
// memory and trusts it: a file shorter than its pages say (a full disk, a
// partial copy) makes a read fault (SIGBUS), and a damaged page makes
// bbolt panic while it lists the free pages at open, in a goroutine of
// its own that nothing can recover. So the file is read and checked
// first, with plain reads under a shared lock, and opened only when its
// meta pages and every page of its tree are sound. A file that is not is
// reported (ErrCorrupt) and left as it is; Config.StartAnew moves it aside.
//
// A file another process holds is reported after lockWait with the
// holder's pid where /proc/locks tells it, instead of bbolt's "timeout".

// lockWait is how long the mock waits for another process to let go of
// the file before it reports it in use.
const lockWait = time.Second

// openBoltFile checks path and opens it (see above).
func openBoltFile(path string, timeout time.Duration, startAnew bool) (*bolt.DB, error) {
	wait := min(timeout, lockWait)
	if err := checkBoltFile(path, wait); err != nil {
		if !errors.Is(err, ErrCorrupt) || !startAnew {
			return nil, err
		}
		aside := fmt.Sprintf("%s.damaged-%s", path, time.Now().UTC().Format("20060102T150405Z"))
		if rerr := os.Rename(path, aside); rerr != nil {
			return nil, fmt.Errorf("%w; moving it aside to start anew: %v", err, rerr)
		}
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: wait, NoSync: true, NoFreelistSync: true, FreelistType: bolt.FreelistMapType})
	switch {
	case errors.Is(err, berrors.ErrTimeout):
		return nil, lockedError(path, wait)
	case err != nil:
		return nil, fmt.Errorf("state: file store %s: %w: %v", path, boltFailure(err), err)
	}
	return db, nil
}

// checkBoltFile checks path's pages under a shared lock; a missing or
// empty file is fine (bbolt creates it).
func checkBoltFile(path string, wait time.Duration) error {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("state: file store %s: %w: %v", path, ErrUnavailable, err)
	}
	defer f.Close()
	if err := flockShared(f, wait); err != nil {
		return lockedError(path, wait)
	}
	defer syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("state: file store %s: %w: %v", path, ErrUnavailable, err)
	}
	if fi.Size() == 0 {
		return nil
	}
	if err := (&boltChecker{f: f, size: fi.Size()}).check(); err != nil {
		return fmt.Errorf("state: file store %s: %w: %v; the file is left as it is (restore a copy, move it away, or start anew)", path, ErrCorrupt, err)
	}
	return nil
}

func flockShared(f *os.File, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB)
		if err == nil || !errors.Is(err, syscall.EWOULDBLOCK) || time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond) // what bbolt's own flock waits between tries
	}
}

// lockedError says who holds path, when /proc/locks tells.
func lockedError(path string, wait time.Duration) error {
	who := "another process"
	if pid := lockHolder(path); pid > 0 {
		who = "process " + strconv.Itoa(pid)
		if b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/comm"); err == nil {
			who += " (" + strings.TrimSpace(string(b)) + ")"
		}
	}
	return fmt.Errorf("state: file store %s: %w: the file is in use by %s (waited %v); a file store belongs to one mock at a time: stop the other one, or give this one another file (replicas share a redis:// store)", path, ErrUnavailable, who, wait)
}

// lockHolder is the pid holding a lock on path according to /proc/locks
// (Linux), or 0.
func lockHolder(path string) int {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0
	}
	f, err := os.Open("/proc/locks")
	if err != nil {
		return 0
	}
	defer f.Close()
	major, minor := (st.Dev>>8)&0xfff|(st.Dev>>32)&^0xfff, st.Dev&0xff|(st.Dev>>12)&^0xff
	want := fmt.Sprintf("%02x:%02x:%d", major, minor, st.Ino)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		// "1: FLOCK  ADVISORY  WRITE 4242 00:2d:1234 0 EOF"; waiters have "->"
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || fields[1] == "->" || fields[5] != want {
			continue
		}
		if pid, err := strconv.Atoi(fields[4]); err == nil && pid != os.Getpid() {
			return pid
		}
	}
	return 0
}

// bbolt's file format (go.etcd.io/bbolt/internal/common), read here with
// plain reads: a page is a 16-byte header (id, flags, count, overflow)
// and its elements; meta pages 0 and 1 hold the root bucket, the
// freelist page and the high water mark.
const (
	boltMagic        = 0xED0CDAED
	boltVersion      = 2
	boltPageHeader   = 16
	boltElement      = 16
	boltBranch       = 0x01
	boltLeaf         = 0x02
	boltBucketLeaf   = 0x01
	boltNoFreelist   = ^uint64(0)
	boltMetaChecksum = 56 // offset of the checksum in the meta
	maxCheckDepth    = 64
)

type boltChecker struct {
	f        io.ReaderAt
	size     int64
	pageSize int64
	hwm      uint64 // pages below it are the file's
	seen     map[uint64]bool
}

type boltMeta struct {
	pageSize       uint32
	root, freelist uint64
	hwm, txid      uint64
}

func (c *boltChecker) readMeta(off int64) (boltMeta, error) {
	b := make([]byte, boltMetaChecksum+8)
	if _, err := c.f.ReadAt(b, off+boltPageHeader); err != nil {
		return boltMeta{}, fmt.Errorf("meta page at byte %d: %v", off, err)
	}
	le := binary.LittleEndian
	switch {
	case le.Uint32(b[0:]) != boltMagic:
		return boltMeta{}, fmt.Errorf("meta page at byte %d: not a bbolt file (bad magic)", off)
	case le.Uint32(b[4:]) != boltVersion:
		return boltMeta{}, fmt.Errorf("meta page at byte %d: bbolt version %d, want %d", off, le.Uint32(b[4:]), boltVersion)
	}
	h := fnv.New64a()
	h.Write(b[:boltMetaChecksum])
	if h.Sum64() != le.Uint64(b[boltMetaChecksum:]) {
		return boltMeta{}, fmt.Errorf("meta page at byte %d: checksum mismatch", off)
	}
	return boltMeta{pageSize: le.Uint32(b[8:]), root: le.Uint64(b[16:]), freelist: le.Uint64(b[32:]),
		hwm: le.Uint64(b[40:]), txid: le.Uint64(b[48:])}, nil
}

// check reads the meta page bbolt will use (the valid one with the
// highest transaction id) and walks the tree of pages it names.
func (c *boltChecker) check() error {
	m0, err0 := c.readMeta(0)
	ps := int64(os.Getpagesize())
	if err0 == nil {
		ps = int64(m0.pageSize)
	}
	m1, err1 := c.readMeta(ps)
	var m boltMeta
	switch {
	case err0 != nil && err1 != nil:
		return err0
	case err0 != nil:
		m = m1
	case err1 != nil || m0.txid >= m1.txid:
		m = m0
	default:
		m = m1
	}
	c.pageSize = int64(m.pageSize)
	if c.pageSize < 512 || c.pageSize > 1<<20 || c.pageSize&(c.pageSize-1) != 0 {
		return fmt.Errorf("page size %d", c.pageSize)
	}
	c.hwm = m.hwm
	if need := int64(m.hwm) * c.pageSize; m.hwm < 2 || need/c.pageSize != int64(m.hwm) || c.size < need {
		return fmt.Errorf("truncated: %d bytes, its pages need %d (%d pages of %d bytes)", c.size, int64(m.hwm)*c.pageSize, m.hwm, c.pageSize)
	}
	if m.freelist != boltNoFreelist {
		if _, err := c.page(m.freelist, 0x10); err != nil {
			return err
		}
	}
	c.seen = map[uint64]bool{}
	return c.walk(m.root, 0)
}

// page reads page id (with its overflow pages) and checks its header.
func (c *boltChecker) page(id uint64, flags uint16) ([]byte, error) {
	if id < 2 || id >= c.hwm {
		return nil, fmt.Errorf("page %d: outside the file's %d pages", id, c.hwm)
	}
	head := make([]byte, boltPageHeader)
	if _, err := c.f.ReadAt(head, int64(id)*c.pageSize); err != nil {
		return nil, fmt.Errorf("page %d: %v", id, err)
	}
	le := binary.LittleEndian
	if got := le.Uint64(head); got != id {
		return nil, fmt.Errorf("page %d: header says page %d", id, got)
	}
	if f := le.Uint16(head[8:]); f&flags == 0 {
		return nil, fmt.Errorf("page %d: unexpected page type %#x", id, f)
	}
	over := uint64(le.Uint32(head[12:]))
	if id+over >= c.hwm {
		return nil, fmt.Errorf("page %d: its %d overflow pages run past the file's %d pages", id, over, c.hwm)
	}
	b := make([]byte, int64(over+1)*c.pageSize)
	if _, err := c.f.ReadAt(b, int64(id)*c.pageSize); err != nil {
		return nil, fmt.Errorf("page %d: %v", id, err)
	}
	return b, nil
}

// walk checks the tree rooted at page id: every element inside its
// page, every child page in the file, no page reached twice.
func (c *boltChecker) walk(id uint64, depth int) error {
	if depth > maxCheckDepth {
		return fmt.Errorf("page %d: tree deeper than %d", id, maxCheckDepth)
	}
	if c.seen[id] {
		return fmt.Errorf("page %d: reached twice", id)
	}
	c.seen[id] = true
	p, err := c.page(id, boltBranch|boltLeaf)
	if err != nil {
		return err
	}
	return c.elements(id, p, depth)
}

// elements checks the elements of page p (id: for messages; an inline
// bucket's page is checked in its parent's value).
func (c *boltChecker) elements(id uint64, p []byte, depth int) error {
	le := binary.LittleEndian
	flags, count := le.Uint16(p[8:]), int(le.Uint16(p[10:]))
	if boltPageHeader+count*boltElement > len(p) {
		return fmt.Errorf("page %d: %d elements do not fit", id, count)
	}
	for i := range count {
		at := boltPageHeader + i*boltElement
		e := p[at : at+boltElement]
		if flags&boltBranch != 0 {
			pos, ksize, child := int(le.Uint32(e[0:])), int(le.Uint32(e[4:])), le.Uint64(e[8:])
			if at+pos+ksize > len(p) || pos < 0 {
				return fmt.Errorf("page %d: element %d outside the page", id, i)
			}
			if err := c.walk(child, depth+1); err != nil {
				return err
			}
			continue
		}
		if flags&boltLeaf == 0 {
			return fmt.Errorf("page %d: unexpected page type %#x", id, flags)
		}
		eflags, pos, ksize, vsize := le.Uint32(e[0:]), int64(le.Uint32(e[4:])), int64(le.Uint32(e[8:])), int64(le.Uint32(e[12:]))
		end := int64(at) + pos + ksize + vsize
		if end > int64(len(p)) {
			return fmt.Errorf("page %d: element %d outside the page", id, i)
		}
		if eflags&boltBucketLeaf == 0 {
			continue
		}
		v := p[int64(at)+pos+ksize : end]
		if len(v) < 16 {
			return fmt.Errorf("page %d: bucket %d too short", id, i)
		}
		if root := le.Uint64(v); root != 0 {
			if err := c.walk(root, depth+1); err != nil {
				return err
			}
			continue
		}
		inline := v[16:] // an inline bucket: its page follows its header
		if len(inline) < boltPageHeader {
			return fmt.Errorf("page %d: inline bucket %d too short", id, i)
		}
		if err := c.elements(id, inline, depth+1); err != nil {
			return err
		}
	}
	return nil
}
