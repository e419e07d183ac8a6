package fileio

import (
	"io"
	"os"
	"sync"
)

// OpenInput opens name for reading once, in order; "-" is stdin. Anything Open accepts is read
// as it is: a regular file, or a pipe as the stream it is.
func OpenInput(name string, stdin io.Reader) (io.ReadCloser, error) {
	if name == "-" {
		return io.NopCloser(stdin), nil
	}
	return Open(name, "")
}

// OpenFile opens a named file for reading with random access. "-" (stdin) and a pipe are spooled
// to a temporary file first, since signing, verifying and zip reading need to seek or read twice.
// close removes any spool file (IsSpool tells one).
func OpenFile(name string, stdin io.Reader) (f *os.File, close func(), err error) {
	if name == "-" {
		return Spool(stdin)
	}
	f, err = Open(name, "")
	if err != nil {
		return nil, nil, err
	}
	if !IsPipe(f) {
		return f, func() { f.Close() }, nil
	}
	defer f.Close()
	return spool(f, name)
}

// Spool copies r into a temporary file the user never names and returns it positioned at 0;
// cleanup closes and removes it (it is also removed on interrupt).
func Spool(r io.Reader) (f *os.File, cleanup func(), err error) { return spool(r, "-") }

// spools are the names of the spool files that exist, for IsSpool.
var spools sync.Map

// IsSpool reports whether f is a spool file OpenFile or Spool made (of stdin or a pipe): it goes
// away with its cleanup, so nothing may be remembered by its identity.
func IsSpool(f *os.File) bool {
	_, ok := spools.Load(f.Name())
	return ok
}

// spool is Spool of the input the user calls name ("-" for stdin).
func spool(r io.Reader, name string) (f *os.File, cleanup func(), err error) {
	f, err = os.CreateTemp("", "mcpg-plugins-stdin-*")
	if err != nil {
		return nil, nil, IOError("write", "a temporary file for "+DisplayName(name), err)
	}
	path := f.Name()
	spools.Store(path, true)
	unregister := OnInterrupt(func() { os.Remove(path) })
	cleanup = func() { f.Close(); os.Remove(path); spools.Delete(path); unregister() }
	buf := make([]byte, 1<<20)
	if _, err := io.CopyBuffer(f, r, buf); err != nil {
		cleanup()
		return nil, nil, IOError("spool", DisplayName(name), err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		cleanup()
		return nil, nil, IOError("spool", DisplayName(name), err)
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
