package main

import (
	"io"
	"sync"
)

// readAhead serves small ReadAt calls from a large window, so a decompressor reading 4 KiB at a
// time (flate over archive/zip) makes one system call per MiB instead of 256.
type readAhead struct {
	mu   sync.Mutex
	r    io.ReaderAt
	size int64
	buf  []byte
	off  int64 // file offset of buf[0]
	n    int   // valid bytes in buf
}

func newReadAhead(r io.ReaderAt, size int64, window int) *readAhead {
	return &readAhead{r: r, size: size, buf: make([]byte, window)}
}

func (ra *readAhead) ReadAt(p []byte, off int64) (int, error) {
	if len(p) >= len(ra.buf) {
		return ra.r.ReadAt(p, off)
	}
	ra.mu.Lock()
	defer ra.mu.Unlock()
	total := 0
	for len(p) > 0 {
		if off < ra.off || off >= ra.off+int64(ra.n) {
			if off >= ra.size {
				return total, io.EOF
			}
			n, err := ra.r.ReadAt(ra.buf, off)
			ra.off, ra.n = off, n
			if n == 0 {
				if err == nil {
					err = io.ErrUnexpectedEOF
				}
				return total, err
			}
		}
		c := copy(p, ra.buf[off-ra.off:ra.n])
		p, off, total = p[c:], off+int64(c), total+c
	}
	return total, nil
}
