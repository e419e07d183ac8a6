//go:build unix

package main

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// execBinary replaces the dispatcher with path, so stdin, stdout, stderr, signals and the exit code
// belong to the tool itself. It returns only if the exec failed.
//
// ETXTBSY is retried for a while: a tool just installed or copied can still be open for writing
// in a process that forked while the copy was in progress (the fork holds the descriptor until it
// execs), which is a moment, not a reason to fail.
func execBinary(path string, argv, env []string) error {
	var err error
	for delay := time.Millisecond; ; delay *= 2 {
		err = syscall.Exec(path, argv, env)
		if !errors.Is(err, syscall.ETXTBSY) || delay > 512*time.Millisecond {
			break
		}
		time.Sleep(delay)
	}
	return &os.PathError{Op: "exec", Path: path, Err: err}
}
