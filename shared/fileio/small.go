package fileio

import (
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ReadSmall reads the whole of a small file (a key, a signature, a descriptor, a list), refusing
// one larger than limit bytes instead of holding it. what says what the file is supposed to be,
// for messages: "a key file". "-" is a file of that name; callers that take stdin handle it first.
// Open and read failures are *Error values (errors.Is(err, fs.ErrNotExist) tells a missing file).
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
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, IOError("read", path, err)
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s: larger than %s, too large for %s", path, sizeString(limit), what)
	}
	return data, nil
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

// sizeString words a limit the way people state it: "64 KiB", "16 MiB", "1000 bytes".
func sizeString(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
