package cli

import (
	"errors"
	"io"
	"os"
	"path/filepath"
)

// Output is a destination that becomes visible only when complete: Commit publishes it,
// Abort (safe after Commit, and safe to defer) discards it.
type Output interface {
	io.Writer
	Name() string // what to call it in messages: the target path, or "stdout"
	Commit() error
	Abort()
}

// CreateOutput opens path for writing through a temporary file in the same directory that is
// renamed into place by Commit, so readers never see a partial file and an interrupted or failed
// command leaves the previous state untouched. "-" writes to stdout directly.
func CreateOutput(path string, perm os.FileMode, stdout io.Writer) (Output, error) {
	if path == "-" {
		return &stdoutOutput{w: stdout}, nil
	}
	return CreateAtomic(path, perm)
}

type stdoutOutput struct{ w io.Writer }

func (s *stdoutOutput) Write(p []byte) (int, error) { return s.w.Write(p) }
func (s *stdoutOutput) Name() string                { return "stdout" }
func (s *stdoutOutput) Commit() error               { return nil }
func (s *stdoutOutput) Abort()                      {}

// AtomicFile is a file written under a temporary name and renamed into place on Commit.
type AtomicFile struct {
	f          *os.File
	path       string
	perm       os.FileMode
	done       bool
	unregister func()
}

// CreateAtomic starts writing path (see CreateOutput).
func CreateAtomic(path string, perm os.FileMode) (*AtomicFile, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return nil, Failf("cannot write %s: it is a directory", path)
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, IOError("write", path, err)
	}
	a := &AtomicFile{f: f, path: path, perm: perm}
	tmp := f.Name()
	a.unregister = OnInterrupt(func() { os.Remove(tmp) })
	return a, nil
}

func (a *AtomicFile) Name() string { return a.path }

// File exposes the underlying temporary file (for WriterAt/Seek users such as zip writers).
func (a *AtomicFile) File() *os.File { return a.f }

func (a *AtomicFile) Write(p []byte) (int, error) {
	n, err := a.f.Write(p)
	if err != nil {
		return n, IOError("write", a.path, err)
	}
	return n, nil
}

// Commit flushes the data to disk, sets the mode and renames the file into place.
func (a *AtomicFile) Commit() error {
	if a.done {
		return errors.New("atomic file committed twice")
	}
	a.done = true
	defer a.unregister()
	tmp := a.f.Name()
	err := a.f.Sync()
	if err == nil {
		err = a.f.Chmod(a.perm &^ umask())
	}
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, a.path)
	}
	if err != nil {
		os.Remove(tmp)
		return IOError("write", a.path, err)
	}
	return nil
}

// Abort discards the temporary file; it does nothing after Commit.
func (a *AtomicFile) Abort() {
	if a.done {
		return
	}
	a.done = true
	a.f.Close()
	os.Remove(a.f.Name())
	a.unregister()
}

// WriteFileAtomic writes data to path atomically.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	out, err := CreateAtomic(path, perm)
	if err != nil {
		return err
	}
	defer out.Abort()
	if _, err := out.Write(data); err != nil {
		return err
	}
	return out.Commit()
}

// OpenInput opens name for reading; "-" is stdin.
func OpenInput(name string, stdin io.Reader) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(stdin), nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, IOError("read", name, err)
	}
	if st, err := f.Stat(); err == nil && st.IsDir() {
		f.Close()
		return nil, Failf("cannot read %s: it is a directory", name)
	}
	return f, nil
}

// OpenFile opens a named regular file for reading with random access. "-" (stdin) is spooled to
// a temporary file first, since signing, verifying and zip reading need to seek or read twice.
// close removes any spool file.
func OpenFile(name string, stdin io.Reader) (f *os.File, close func(), err error) {
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, nil, IOError("read", name, err)
		}
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return nil, nil, IOError("read", name, err)
		}
		if !st.Mode().IsRegular() {
			f.Close()
			return nil, nil, Failf("cannot read %s: not a regular file", name)
		}
		return f, func() { f.Close() }, nil
	}
	return Spool(stdin)
}

// Spool copies r into an unnamed-by-the-user temporary file and returns it positioned at 0.
func Spool(r io.Reader) (*os.File, func(), error) {
	f, err := os.CreateTemp("", "mcpg-plugins-stdin-*")
	if err != nil {
		return nil, nil, IOError("write", "a temporary file for stdin", err)
	}
	name := f.Name()
	unregister := OnInterrupt(func() { os.Remove(name) })
	cleanup := func() { f.Close(); os.Remove(name); unregister() }
	buf := make([]byte, 1<<20)
	if _, err := io.CopyBuffer(f, r, buf); err != nil {
		cleanup()
		return nil, nil, IOError("spool", "stdin", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		cleanup()
		return nil, nil, IOError("spool", "stdin", err)
	}
	return f, cleanup, nil
}

// DisplayName is how messages refer to an input: "stdin" for "-".
func DisplayName(name string) string {
	if name == "-" {
		return "stdin"
	}
	return name
}
