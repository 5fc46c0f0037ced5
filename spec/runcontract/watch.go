package runcontract

import (
	"errors"
	"fmt"

	"github.com/nebeus/nebeus-contract/spec/diff"
)

// Watcher notices when a page contract's inputs change (nebeus-mock
// --watch) by polling their content hash: no file-system events to miss
// on network or container mounts, and a touch that changes nothing is
// nothing.
type Watcher struct {
	opts Options
	// current is the hash of the inputs of the contract in use; pending
	// the hash of inputs seen once, waiting to settle; failed the hash of
	// inputs that did not load (not retried until they change again).
	current, pending, failed [32]byte
	hashErr                  string // the last error hashing the inputs, said once
}

// Watch loads the page contract o names and returns a Watcher of its
// inputs. The hash is taken before the load: an edit made meanwhile is
// seen by the first Poll.
func Watch(o Options) (*Watcher, *Loaded, error) {
	if o.Page == "" {
		return nil, nil, errors.New("--watch needs --page: only a page can change while the mock runs")
	}
	h, err := o.Hash()
	if err != nil {
		return nil, nil, err
	}
	l, err := Load(o)
	if err != nil {
		return nil, nil, err
	}
	return &Watcher{opts: o, current: h, pending: h}, l, nil
}

// Poll checks the inputs once. It returns the new contract when they
// changed and then stayed the same for one more poll (an editor saving the
// page is not read half-written), or the error that keeps the last good
// contract in use when the settled inputs do not load (a page saved
// broken); nil, nil when there is nothing new. Each change is reported
// once.
func (w *Watcher) Poll() (*Loaded, error) {
	h, err := w.opts.Hash()
	if err != nil {
		if err.Error() == w.hashErr {
			return nil, nil
		}
		w.hashErr = err.Error()
		return nil, err
	}
	w.hashErr = ""
	if h == w.current {
		w.pending, w.failed = h, [32]byte{}
		return nil, nil
	}
	if h != w.pending {
		w.pending = h // changed: read it once it has settled
		return nil, nil
	}
	if h == w.failed {
		return nil, nil
	}
	l, err := Load(w.opts)
	if err != nil {
		w.failed = h
		return nil, err
	}
	w.current, w.failed = h, [32]byte{}
	return l, nil
}

// Describe lists what changed from old to new for a log and the console:
// one line per change, in page order, each with its level (spec/diff's
// classification of what it means for clients).
func Describe(old, new *Loaded) []string {
	var out []string
	for _, c := range diff.Compare(old.Contract.Model(), new.Contract.Model()) {
		out = append(out, fmt.Sprintf("%s: %s %s", c.Level, c.Subject(), c.Message))
	}
	return out
}
