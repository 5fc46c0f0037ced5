// Package testutil holds what several packages' tests share.
package testutil

import (
	"bytes"
	"sync"
)

// Buffer is a bytes.Buffer safe for a server goroutine that writes (logs, a
// banner, a browser's output) and a test that reads.
type Buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *Buffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *Buffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
