package cli

import (
	"errors"
	"io"
	"os"
	"sync"
	"syscall"

	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
)

// CheckedWriter passes writes through to w and remembers the first one that failed, so output
// lost to a full disk or a bad descriptor cannot go unnoticed even where a command ignores what
// fmt.Fprintf returns: Main wraps stdout in one and reports its error (exit 3) after the command.
type CheckedWriter struct {
	w      io.Writer
	mu     sync.Mutex
	err    error
	onPipe func() // called when the reader has gone (EPIPE); Main makes it end the process
}

// NewCheckedWriter wraps w.
func NewCheckedWriter(w io.Writer) *CheckedWriter { return &CheckedWriter{w: w} }

func (c *CheckedWriter) Write(p []byte) (int, error) {
	if err := c.first(); err != nil {
		return 0, err
	}
	n, err := c.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	return n, c.record(err)
}

// ReadFrom lets io.Copy to stdout keep the file's own fast path (copy_file_range, splice).
func (c *CheckedWriter) ReadFrom(r io.Reader) (int64, error) {
	if err := c.first(); err != nil {
		return 0, err
	}
	var n int64
	var err error
	if rf, ok := c.w.(io.ReaderFrom); ok {
		n, err = rf.ReadFrom(r)
	} else {
		n, err = io.Copy(onlyWriter{c.w}, r)
	}
	var pe *os.PathError // a read error is the caller's to report, not stdout's
	if err != nil && errors.As(err, &pe) && pe.Op == "read" {
		return n, err
	}
	return n, c.record(err)
}

type onlyWriter struct{ io.Writer }

func (c *CheckedWriter) record(err error) error {
	if err == nil {
		return nil
	}
	c.mu.Lock()
	if c.err == nil {
		c.err = err
	}
	onPipe := c.onPipe
	c.mu.Unlock()
	if onPipe != nil && errors.Is(err, syscall.EPIPE) {
		onPipe()
	}
	return err
}

// first is the first write error as the writer returned it.
func (c *CheckedWriter) first() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Err is the first write error, as a *fileio.Error naming stdout ("cannot write stdout: no space
// left on device"), or nil.
func (c *CheckedWriter) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		return nil
	}
	return fileio.IOError("write", "stdout", c.err)
}

// File is the *os.File written to, if it is one (IsTerminal looks through the wrapper).
func (c *CheckedWriter) File() (*os.File, bool) {
	f, ok := c.w.(*os.File)
	return f, ok
}

// Close closes the underlying file and records its error: a file system that reports a failed
// write only on close (NFS, a quota) is a lost output too. A descriptor that was never usable
// (EBADF) with nothing written to it is no loss.
func (c *CheckedWriter) Close() error {
	f, ok := c.File()
	if !ok {
		return c.Err()
	}
	if err := f.Close(); err != nil && !errors.Is(err, syscall.EBADF) && !errors.Is(err, os.ErrClosed) {
		c.record(err)
	}
	return c.Err()
}
