//go:build !unix

package main

import (
	"errors"
	"os"
	"os/exec"
)

// execBinary runs path as a child where the OS cannot replace the process, passing stdio through
// and exiting with its exit code.
func execBinary(path string, argv, env []string) error {
	cmd := &exec.Cmd{Path: path, Args: argv, Env: env, Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}
	err := cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		os.Exit(ee.ExitCode())
	}
	if err != nil {
		return err
	}
	os.Exit(0)
	return nil
}
