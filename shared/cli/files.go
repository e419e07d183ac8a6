package cli

import (
	"io"
	"os"

	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
)

// Output is a destination that becomes visible only when complete: Commit publishes it,
// Abort (safe after Commit, and safe to defer) discards it.
type Output interface {
	io.Writer
	Name() string // what to call it in messages: the target path, or "stdout"
	Commit() error
	Abort()
}

// CreateOutput opens path for writing as a *fileio.AtomicFile, so readers never see a partial
// file and an interrupted or failed command leaves the previous state untouched; what names the
// output in messages ("-o", "the signature"). A path that is one of the command's inputs is
// refused (a *fileio.SameFileError, exit 2). "-" writes to stdout directly.
func CreateOutput(inputs *fileio.Inputs, what, path string, perm os.FileMode, stdout io.Writer) (Output, error) {
	if path == "-" {
		return &stdoutOutput{w: stdout}, nil
	}
	out, err := inputs.CreateAtomic(what, path, perm)
	if err != nil {
		return nil, err
	}
	return out, nil
}

type stdoutOutput struct{ w io.Writer }

func (s *stdoutOutput) Write(p []byte) (int, error) { return s.w.Write(p) }
func (s *stdoutOutput) Name() string                { return "stdout" }
func (s *stdoutOutput) Commit() error               { return nil }
func (s *stdoutOutput) Abort()                      {}
