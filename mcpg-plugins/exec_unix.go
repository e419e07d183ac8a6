//go:build unix

package main

import (
	"os"
	"syscall"
)

// execBinary replaces the dispatcher with path, so stdin, stdout, stderr, signals and the exit code
// belong to the tool itself. It returns only if the exec failed.
func execBinary(path string, argv, env []string) error {
	err := syscall.Exec(path, argv, env)
	return &os.PathError{Op: "exec", Path: path, Err: err}
}
