package cli

import (
	"io"
	"os"

	"github.com/mcpg-dev/mcpg-plugins/shared/buildinfo"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
)

// What moved to shared/fileio and shared/buildinfo, kept only until plugin-oci and
// plugin-pack/pack.go call the new homes; remove this file then. The forwarders return *Error
// values, as before the move, so code still matching on *Error behaves as it did.

// Version is buildinfo.Version (the build stamps that one).
//
// Deprecated: use buildinfo.Version.
var Version = buildinfo.Version

// AtomicFile is fileio.AtomicFile.
//
// Deprecated: use fileio.AtomicFile.
type AtomicFile = fileio.AtomicFile

// CreateAtomic is fileio.CreateAtomic.
//
// Deprecated: use fileio.CreateAtomic.
func CreateAtomic(path string, perm os.FileMode) (*AtomicFile, error) {
	a, err := fileio.CreateAtomic(path, perm)
	return a, legacy(err)
}

// WriteFileAtomic is fileio.WriteFileAtomic.
//
// Deprecated: use fileio.WriteFileAtomic.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	return legacy(fileio.WriteFileAtomic(path, data, perm))
}

// OnInterrupt is fileio.OnInterrupt.
//
// Deprecated: use fileio.OnInterrupt.
func OnInterrupt(f func()) (unregister func()) { return fileio.OnInterrupt(f) }

// OpenInput is fileio.OpenInput.
//
// Deprecated: use fileio.OpenInput.
func OpenInput(name string, stdin io.Reader) (io.ReadCloser, error) {
	r, err := fileio.OpenInput(name, stdin)
	return r, legacy(err)
}

// OpenFile is fileio.OpenFile.
//
// Deprecated: use fileio.OpenFile.
func OpenFile(name string, stdin io.Reader) (*os.File, func(), error) {
	f, closeFn, err := fileio.OpenFile(name, stdin)
	return f, closeFn, legacy(err)
}

// DisplayName is fileio.DisplayName.
//
// Deprecated: use fileio.DisplayName.
func DisplayName(name string) string { return fileio.DisplayName(name) }

// IOError is fileio.IOError as an *Error with ExitIO.
//
// Deprecated: use fileio.IOError; CodeOf maps it to ExitIO.
func IOError(op, path string, err error) error { return legacy(fileio.IOError(op, path, err)) }

// legacy turns an error from fileio into the *Error the moved functions used to return.
func legacy(err error) error {
	if err == nil {
		return nil
	}
	return &Error{Code: CodeOf(err), Msg: Message(err), Err: err}
}
