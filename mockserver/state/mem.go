package state

import (
	"runtime/debug"
	"sync/atomic"
)

var releasing atomic.Bool

// releaseMemory hands freed memory back to the operating system after a
// reset dropped namespaces, in the background and one at a time: the Go
// runtime would return it only over minutes, and a reset is how a team gets
// its memory back.
func releaseMemory() {
	if !releasing.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer releasing.Store(false)
		debug.FreeOSMemory()
	}()
}
