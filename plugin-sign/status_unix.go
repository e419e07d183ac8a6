//go:build unix

package main

import (
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// exitStatus words a process's end as Rust's ExitStatus does on Unix, which the reference CLI
// prints: "exit status: 17", "signal: 9 (SIGKILL)".
func exitStatus(ps *os.ProcessState) string {
	ws, ok := ps.Sys().(syscall.WaitStatus)
	if !ok {
		return ps.String()
	}
	if ws.Signaled() {
		s := fmt.Sprintf("signal: %d (%s)", int(ws.Signal()), unix.SignalName(ws.Signal()))
		if ws.CoreDump() {
			s += " (core dumped)"
		}
		return s
	}
	return fmt.Sprintf("exit status: %d", ws.ExitStatus())
}
