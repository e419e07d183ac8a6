// Package fileio is how every tool and library touches files: atomic output that becomes visible
// only when complete, removal of partial outputs on interrupt, "-" for stdin, and bounded reads of
// small files. Its failures are *Error values; it knows nothing of exit codes (shared/cli maps
// *Error to exit 3).
package fileio

import (
	"errors"
	"io/fs"
	"os"
	"syscall"
)

// Error is a file that could not be read or written. It prints in one line naming the file and the
// operation once: "cannot write out.zip: no space left on device".
type Error struct {
	Op   string // what was being done: "read", "write", "lock"…
	Path string // the file as the user knows it, not a temporary name
	Err  error
}

func (e *Error) Error() string { return "cannot " + e.Op + " " + e.Path + ": " + Reason(e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// IOError reports that path could not be accessed for op.
func IOError(op, path string, err error) error {
	return &Error{Op: op, Path: path, Err: err}
}

// Reason is err without the path the os package already put into it, so messages name the file
// once, and with the common causes in plain words.
func Reason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		err = le.Err
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "no such file or directory"
	case errors.Is(err, fs.ErrPermission):
		return "permission denied"
	case errors.Is(err, syscall.ENOSPC):
		return "no space left on device"
	}
	return err.Error()
}

// Named words an *fs.PathError in err's chain (what the os package returns) as the *Error it is,
// naming its operation and path once; an error that already holds an *Error, or holds no
// *fs.PathError, is returned unchanged.
func Named(err error) error {
	var fe *Error
	var pe *fs.PathError
	if errors.As(err, &pe) && !errors.As(err, &fe) {
		return IOError(pe.Op, pe.Path, pe.Err)
	}
	return err
}
