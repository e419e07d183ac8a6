package fileio

import (
	"fmt"
	"io"
)

// ReadSmall reads the whole of a small file (a key, a signature, a descriptor, a list), refusing
// one larger than limit bytes instead of holding it. It opens path with Open: a pipe is read
// (bounded by PipeWait), a directory or a device refused. what says what the file is supposed to be,
// for messages: "a key file". "-" is a file of that name; callers that take stdin read it with
// ReadSmallFrom. Open and read failures are *Error values (errors.Is(err, fs.ErrNotExist) tells a
// missing file); a file over the limit is a *TooLargeError.
func ReadSmall(path string, limit int64, what string) ([]byte, error) {
	f, err := Open(path, what)
	if err != nil {
		return nil, err
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
