package fileio

import (
	"fmt"
	"io/fs"
	"os"
	"time"
)

// PipeWait bounds how long an input that is a named pipe may stay silent. Opening a pipe, and
// reading it, waits for a writer: one that is not running, or never writes, would hold the tool
// forever. Long enough for `pass` or a hardware key behind <(…) to answer; tests shorten it.
var PipeWait = 10 * time.Second

// Open opens a file the user named as an input, for reading. What the name leads to (links
// followed) is decided before the file is opened, since the open is where a pipe blocks and a
// device may act:
//
//   - a regular file is opened;
//   - a named pipe (mkfifo, /dev/fd/N of a pipe, bash's <(command)) is opened without waiting for
//     a writer and must send its first byte, or its end, within PipeWait; after that it reads like
//     stdin, as the stream it is;
//   - a directory, a device or a socket is refused without being opened, with a *KindError.
//
// what words the content expected, for the refusal: "a key file"; "" leaves it out. Files that
// cannot be opened and pipes that stay silent are *Error values.
func Open(name, what string) (*os.File, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, IOError("read", name, err)
	}
	if err := admit(name, st.Mode(), what); err != nil {
		return nil, err
	}
	return openAdmitted(name, st.Mode(), what)
}

// IsPipe reports whether f, opened by Open, is a pipe: read once, in order, with no size.
func IsPipe(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&fs.ModeNamedPipe != 0
}

// admit accepts the kinds of file Open reads: regular files and pipes.
func admit(name string, mode fs.FileMode, what string) error {
	if mode.IsRegular() || mode&fs.ModeNamedPipe != 0 {
		return nil
	}
	return &KindError{Path: name, Kind: kindOf(mode), What: what}
}

func kindOf(mode fs.FileMode) string {
	switch {
	case mode&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case mode.IsDir():
		return "a directory"
	case mode&fs.ModeCharDevice != 0:
		return "a character device"
	case mode&fs.ModeDevice != 0:
		return "a block device"
	case mode&fs.ModeSocket != 0:
		return "a socket"
	}
	return "an irregular file"
}

// RequireRegular refuses, with a *KindError, a path (links followed) that leads to anything but a
// regular file: for a file another program will open by name and read to its end (the gateway
// reading an artifact), where a pipe would hold it waiting and a device would never end. A path
// that cannot be looked at gives the Stat error.
func RequireRegular(path, what string) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if st.Mode().IsRegular() {
		return nil
	}
	return &KindError{Path: path, Kind: kindOf(st.Mode()), What: what}
}

// KindError is an input refused for what it is (a directory, a device, a socket) before it was
// opened.
type KindError struct {
	Path string
	Kind string // "a directory", "a character device"…
	What string // what was expected: "a key file"; "" when anything readable would do
}

func (e *KindError) Error() string {
	if e.What == "" {
		return fmt.Sprintf("cannot read %s: it is %s", e.Path, e.Kind)
	}
	return fmt.Sprintf("cannot read %s: it is %s, not %s", e.Path, e.Kind, e.What)
}

// Hint says what is read instead: a terminal or another device is never read as a file.
func (e *KindError) Hint() string {
	switch e.Kind {
	case "a directory":
		return ""
	case "a named pipe": // only RequireRegular refuses a pipe
		return "only a regular file is read here"
	}
	return "only regular files and pipes are read (give - to read stdin)"
}

// SilentPipeError is a pipe that sent nothing, not even its end, within the wait: no program
// writes to it, or the one that does has not started writing.
type SilentPipeError struct{ Wait time.Duration }

func (e *SilentPipeError) Error() string {
	return fmt.Sprintf("it is a pipe that sent nothing in %s", e.Wait)
}

func (e *SilentPipeError) Hint() string {
	return "a pipe is read when the program writing to it sends its data; start that program first (or give the data in a file)"
}

func silentPipe(name string) error {
	return IOError("read", name, &SilentPipeError{Wait: PipeWait})
}
