package console

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/nebeus/nebeus-contract/mockserver/control"
	"github.com/nebeus/nebeus-contract/mockserver/state"
)

// Feed wakes the console's event streams when a journal may have
// grown, and keeps the last notices (warnings that belong to no operation,
// like a refused CORS preflight). Waking is a non-blocking send on a
// channel of one: a slow stream never blocks a request and costs no
// memory; when it wakes it reads what it missed from the journals.
type Feed struct {
	mu      sync.Mutex
	subs    map[chan struct{}]struct{}
	nsubs   atomic.Int32 // len(subs): a poke with no console open takes no lock
	notices []notice     // the last maxNotices, oldest first
	seq     uint64       // notices ever added
}

// notice is a warning the console shows apart from the journal.
type notice struct {
	Seq     uint64    `json:"seq"`
	Time    time.Time `json:"time"`
	Kind    string    `json:"kind"`
	Message string    `json:"message"`
}

const (
	maxNotices     = 50
	maxStreams     = 32               // concurrent console streams
	backlogEntries = 200              // entries a new stream gets per namespace
	heartbeat      = 15 * time.Second // keeps proxies and the browser from timing out
	streamWrite    = 10 * time.Second // a stream that cannot take a write for this long ends
)

// NewFeed makes a feed with no stream open.
func NewFeed() *Feed { return &Feed{subs: map[chan struct{}]struct{}{}} }

// subscribe returns a channel woken (coalesced) on every poke; nil when
// maxStreams are open already.
func (f *Feed) subscribe() (chan struct{}, func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.subs) >= maxStreams {
		return nil, nil
	}
	ch := make(chan struct{}, 1)
	f.subs[ch] = struct{}{}
	f.nsubs.Store(int32(len(f.subs)))
	return ch, func() {
		f.mu.Lock()
		delete(f.subs, ch)
		f.nsubs.Store(int32(len(f.subs)))
		f.mu.Unlock()
	}
}

// Poke wakes the open streams: a journal may have grown.
func (f *Feed) Poke() {
	if f.nsubs.Load() == 0 {
		return // a stream that opens later reads the journals first
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for ch := range f.subs {
		select {
		case ch <- struct{}{}:
		default: // already woken; it will read everything new
		}
	}
}

// Notify keeps a notice of kind (the last maxNotices) and wakes the streams.
func (f *Feed) Notify(now time.Time, kind, msg string) {
	f.mu.Lock()
	f.seq++
	f.notices = append(f.notices, notice{Seq: f.seq, Time: now, Kind: kind, Message: msg})
	if len(f.notices) > maxNotices {
		f.notices = f.notices[len(f.notices)-maxNotices:]
	}
	f.mu.Unlock()
	f.Poke()
}

func (f *Feed) noticesAfter(seq uint64) ([]notice, uint64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []notice
	for _, n := range f.notices {
		if n.Seq > seq {
			out = append(out, n)
		}
	}
	return out, max(seq, f.seq)
}

// journalCursor is how far a stream has read one namespace's journal; a
// reset namespace gets a new journal, which the pointer tells apart.
type journalCursor struct {
	j   *state.Journal
	seq uint64
}

// HandleEvents: GET /_mock/events, the console's live journal as
// server-sent events. "entry" carries a journal entry (redacted like
// GET /_mock/journal), "cleared" a namespace that was reset, "notice" a
// warning; a comment line every heartbeat keeps the stream open.
func (s *Console) HandleEvents() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		wake, cancel := s.Feed.subscribe()
		if wake == nil {
			control.Fail(w, http.StatusServiceUnavailable, fmt.Sprintf("too many console streams (%d)", maxStreams))
			return
		}
		defer cancel()
		rc := http.NewResponseController(w)
		h := w.Header()
		h.Set("Content-Type", "text/event-stream")
		h.Set("Cache-Control", "no-store")
		h.Set("X-Accel-Buffering", "no")
		w.WriteHeader(http.StatusOK)

		st := &stream{s: s, w: w, rc: rc, cursors: map[string]journalCursor{}, first: true}
		tick := time.NewTicker(heartbeat)
		defer tick.Stop()
		for {
			if err := st.flushNew(); err != nil {
				return
			}
			select {
			case <-r.Context().Done():
				return
			case <-wake:
			case <-tick.C:
				if err := st.write(": ping\n\n"); err != nil {
					return
				}
			}
		}
	})
}

type stream struct {
	s         *Console
	w         http.ResponseWriter
	rc        *http.ResponseController
	cursors   map[string]journalCursor
	noticeSeq uint64
	first     bool
}

func (st *stream) write(s string) error {
	// The server's WriteTimeout would end a long stream: each write gets
	// its own deadline instead (an error where the writer has none is fine).
	_ = st.rc.SetWriteDeadline(time.Now().Add(streamWrite))
	if _, err := st.w.Write([]byte(s)); err != nil {
		return err
	}
	return st.rc.Flush()
}

func (st *stream) event(name string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return st.write("event: " + name + "\ndata: " + string(b) + "\n\n")
}

// flushNew sends what is new since the last call: on the first, the last
// backlogEntries of each namespace and the notices.
func (st *stream) flushNew() error {
	names := st.s.Store.Namespaces()
	present := make(map[string]bool, len(names))
	for _, name := range names {
		present[name] = true
		ns, err := st.s.Store.Peek(name)
		if err != nil {
			continue
		}
		c := st.cursors[name]
		if j := ns.Journal(); c.j != j {
			if c.j != nil {
				if err := st.event("cleared", map[string]string{"namespace": name}); err != nil {
					return err
				}
			}
			c = journalCursor{j: j}
		}
		entries, last := c.j.After(c.seq)
		if st.first && len(entries) > backlogEntries {
			entries = entries[len(entries)-backlogEntries:]
		}
		for _, e := range entries {
			if err := st.event("entry", st.s.consoleEntry(e)); err != nil {
				return err
			}
		}
		c.seq = last
		st.cursors[name] = c
	}
	for name := range st.cursors {
		if !present[name] {
			delete(st.cursors, name)
			if err := st.event("cleared", map[string]string{"namespace": name}); err != nil {
				return err
			}
		}
	}
	ns, last := st.s.Feed.noticesAfter(st.noticeSeq)
	for _, n := range ns {
		if err := st.event("notice", n); err != nil {
			return err
		}
	}
	st.noticeSeq = last
	if st.first {
		st.first = false
		return st.event("ready", map[string]any{"namespaces": names})
	}
	return nil
}

// consoleEntry is an entry as the console shows it: redacted exactly as
// GET /_mock/journal shows it (M4, S2).
func (s *Console) consoleEntry(e state.Entry) state.Entry { return s.Secrets.View(e) }
