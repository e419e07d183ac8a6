//go:build unix

package clitest

import (
	"strconv"
	"strings"
	"syscall"

	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/sys/unix"
)

func init() {
	// signal INT|TERM|HUP|… PIDFILE: send the signal to the process whose pid is in PIDFILE.
	Register("signal", func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 2 {
			ts.Fatalf("usage: signal INT|TERM|HUP PIDFILE")
		}
		sig := unix.SignalNum("SIG" + args[0])
		if sig == 0 {
			ts.Fatalf("unknown signal %s", args[0])
		}
		pid, err := strconv.Atoi(strings.TrimSpace(ts.ReadFile(args[1])))
		ts.Check(err)
		if pid <= 1 {
			ts.Fatalf("%s: pid %d", args[1], pid)
		}
		ts.Check(syscall.Kill(pid, sig))
	})
}
