package clitest

import (
	"errors"
	"os/exec"
	"strconv"

	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/rogpeppe/go-internal/testscript"
)

func init() {
	// exitcode CODE PROG [ARGS...]: run PROG like exec (stdin from the stdin command) and assert its
	// exit code is exactly CODE; its stdout and stderr are then checked as usual.
	Register("exitcode", func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) < 2 {
			ts.Fatalf("usage: exitcode CODE PROG [ARGS...]")
		}
		want, err := strconv.Atoi(args[0])
		ts.Check(err)
		got := 0
		if err := ts.Exec(args[1], args[2:]...); err != nil {
			var ee *exec.ExitError
			if !errors.As(err, &ee) {
				ts.Fatalf("%s: %v", args[1], err)
			}
			got = ee.ExitCode()
		}
		if got != want {
			ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
		}
	})
	// setsha256 VAR FILE: set VAR to the bare hex SHA-256 of FILE, so a script can match a digest
	// of bytes it made at run time (e.g. a zip written by python3) without hard-coding it.
	Register("setsha256", func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 2 {
			ts.Fatalf("usage: setsha256 VAR FILE")
		}
		d, _, err := digest.File(ts.MkAbs(args[1]))
		ts.Check(err)
		ts.Setenv(args[0], d.Hex())
	})
}
