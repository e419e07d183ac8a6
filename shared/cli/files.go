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
// refused (a *fileio.SameFileError, exit 2); missing parent directories are created (and removed
// again by Abort). "-" writes to stdout directly. Resolve path with fileio.OutputPath first.
func CreateOutput(inputs *fileio.Inputs, what, path string, perm os.FileMode, stdout io.Writer) (Output, error) {
	if path == "-" {
		return &stdoutOutput{w: stdout}, nil
	}
	out, err := inputs.CreateAtomicDirs(what, path, perm)
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

// RefuseTerminal refuses to write binary output (a zip, a signature) to stdout when stdout is a
// terminal, as age does: it would garble the terminal and is never what was meant. path is the
// resolved -o value; command prefixes the message.
func RefuseTerminal(command, path string, stdout io.Writer) error {
	if path != "-" || !IsTerminal(stdout) {
		return nil
	}
	return WithHint(Usagef("%s: refusing to write binary output to a terminal", command),
		"redirect stdout to a file or pipe (> out, | cmd), or write a file with -o FILE")
}
