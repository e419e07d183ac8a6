package cli

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/hint"
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

// WithHint returns a copy of err carrying advice as its hint; other errors keep the exit code and
// message CodeOf and Message give them.
func WithHint(err error, advice string) error {
	var e *Error
	if errors.As(err, &e) {
		c := *e
		c.Hint = advice
		return &c
	}
	return &Error{Code: CodeOf(err), Msg: Message(err), Hint: advice, Err: err}
}

// HintOf is the advice Report prints under the error: the hint of the first *Error in err's chain
// that has one (the tool knows best), otherwise the advice a library attached with hint.Wrap.
func HintOf(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Hint != "" {
		return e.Hint
	}
	return hint.Of(err)
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

// CodeOf returns the exit code err should produce. Libraries return plain errors, so the mapping
// lives here: the outermost *Error, *fileio.Error or *fileio.SameFileError in the chain decides (a
// file that could not be read or written is ExitIO; an output that would replace an input is
// ExitUsage), a bare *fs.PathError is ExitIO too, anything else is ExitFailed.
func CodeOf(err error) int {
	if err == nil {
		return ExitOK
	}
	err = withoutHints(err)
	switch e := outermost(err).(type) {
	case *Error:
		return e.Code
	case *fileio.Error:
		return ExitIO
	case *fileio.SameFileError:
		return ExitUsage
	}
	if _, ok := err.(*fs.PathError); ok {
		return ExitIO
	}
	return ExitFailed
}

// Message is err as the "error:" line words it: a bare *fs.PathError (what the os package and
// pkgzip return) names the file once, like a *fileio.Error: "cannot open x: permission denied".
func Message(err error) string {
	if pe, ok := withoutHints(err).(*fs.PathError); ok {
		return fileio.IOError(pe.Op, pe.Path, pe.Err).Error()
	}
	return err.Error()
}

// withoutHints strips the hint.Wrap layers around err, which change neither its message nor its
// exit code: a hint-wrapped *fs.PathError is still the bare file error Message and CodeOf know.
func withoutHints(err error) error {
	for {
		h, ok := err.(interface {
			Hint() string
			Unwrap() error
		})
		if !ok {
			return err
		}
		err = h.Unwrap()
	}
}

// HasCode reports whether err already carries its exit code: an *Error, a *fileio.Error or a
// *fileio.SameFileError is in its chain. Callers rewording other errors leave such an error as it is.
func HasCode(err error) bool { return outermost(err) != nil }

// outermost finds the first *Error, *fileio.Error or *fileio.SameFileError in err's chain, in the order errors.As
// searches it, or nil.
func outermost(err error) error {
	switch e := err.(type) {
	case nil:
		return nil
	case *Error, *fileio.Error, *fileio.SameFileError:
		return e
	case interface{ Unwrap() error }:
		return outermost(e.Unwrap())
	case interface{ Unwrap() []error }:
		for _, inner := range e.Unwrap() {
			if found := outermost(inner); found != nil {
				return found
			}
		}
	}
	return nil
}
