package fileio

import (
	"fmt"
	"io"
	"os"
)

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
		return nil, fmt.Errorf("cannot read %s: it is a directory", name)
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
			return nil, nil, fmt.Errorf("cannot read %s: not a regular file", name)
		}
		return f, func() { f.Close() }, nil
	}
	return Spool(stdin)
}

// Spool copies r into a temporary file the user never names and returns it positioned at 0;
// cleanup closes and removes it (it is also removed on interrupt).
func Spool(r io.Reader) (f *os.File, cleanup func(), err error) {
	f, err = os.CreateTemp("", "mcpg-plugins-stdin-*")
	if err != nil {
		return nil, nil, IOError("write", "a temporary file for stdin", err)
	}
	name := f.Name()
	unregister := OnInterrupt(func() { os.Remove(name) })
	cleanup = func() { f.Close(); os.Remove(name); unregister() }
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
