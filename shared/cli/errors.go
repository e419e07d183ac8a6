package cli

import (
	"errors"
	"fmt"
	"io/fs"
	"syscall"
)

// Error is an error that carries its exit code and an optional hint saying what to do next.
type Error struct {
	Code int
	Msg  string
	Hint string
	Err  error
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.Err }

// WithHint returns a copy of err carrying hint; plain errors become ExitFailed errors.
func WithHint(err error, hint string) error {
	var e *Error
	if errors.As(err, &e) {
		c := *e
		c.Hint = hint
		return &c
	}
	return &Error{Code: ExitFailed, Msg: err.Error(), Hint: hint, Err: err}
}

// Usagef reports a wrong command line (exit 2).
func Usagef(format string, a ...any) error {
	return &Error{Code: ExitUsage, Msg: fmt.Sprintf(format, a...)}
}

// Failf reports a failed check or a rejected input (exit 1).
func Failf(format string, a ...any) error {
	return &Error{Code: ExitFailed, Msg: fmt.Sprintf(format, a...)}
}

// Unsupportedf reports valid input this tool does not handle (exit 6).
func Unsupportedf(format string, a ...any) error {
	return &Error{Code: ExitUnsupported, Msg: fmt.Sprintf(format, a...)}
}

// IOError reports that path could not be read or written (exit 3), in one line that names the
// file and the operation: "cannot write out.zip: no space left on device".
func IOError(op, path string, err error) error {
	return &Error{Code: ExitIO, Msg: fmt.Sprintf("cannot %s %s: %s", op, path, ioReason(err)), Err: err}
}

// ioReason strips the path the os package already put into err, so messages name the file once.
func ioReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	var le *LinkError
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

// LinkError mirrors os.LinkError so ioReason can unwrap rename failures without importing os here.
type LinkError = linkError

// CodeOf returns the exit code err should produce.
func CodeOf(err error) int {
	if err == nil {
		return ExitOK
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ExitFailed
}
