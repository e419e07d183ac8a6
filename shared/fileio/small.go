package fileio

import (
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ReadSmall reads the whole of a small file (a key, a signature, a descriptor, a list), refusing
// one larger than limit bytes instead of holding it. what says what the file is supposed to be,
// for messages: "a key file". "-" is a file of that name; callers that take stdin read it with
// ReadSmallFrom. Open and read failures are *Error values (errors.Is(err, fs.ErrNotExist) tells a
// missing file); a file over the limit is a *TooLargeError.
func ReadSmall(path string, limit int64, what string) ([]byte, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, IOError("read", path, err)
	}
	if err := admitSmall(path, st, what); err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, IOError("read", path, err)
	}
	defer f.Close()
	return ReadSmallFrom(f, path, limit, what)
}

// ReadSmallFrom is ReadSmall on an open stream (stdin, a pipe), named name in messages.
func ReadSmallFrom(r io.Reader, name string, limit int64, what string) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, IOError("read", name, err)
	}
	if int64(len(data)) > limit {
		return nil, &TooLargeError{Path: name, Limit: limit, What: what}
	}
	return data, nil
}

// TooLargeError is a small file refused for its size.
type TooLargeError struct {
	Path  string
	Limit int64  // bytes
	What  string // "a key file"
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s: larger than %s, too large for %s", e.Path, SizeString(e.Limit), e.What)
}

// admitSmall decides, before the file is opened, whether ReadSmall reads a file of this kind: the
// one place where FIFOs and devices (which can block the open or never end) will be refused.
// Today only a directory is.
func admitSmall(path string, st fs.FileInfo, what string) error {
	if st.IsDir() {
		return fmt.Errorf("cannot read %s: it is a directory, not %s", path, what)
	}
	return nil
}

// SizeString words a limit the way people state it: "64 KiB", "16 MiB", "1000 bytes".
func SizeString(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
