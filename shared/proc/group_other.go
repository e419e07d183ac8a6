//go:build !unix

package proc

import (
	"os"
	"syscall"
)

// Without Unix process groups only the command itself is stopped and killed: what it starts is
// not reached.
const GroupsSupported = false

func groupAttributes(bool) *syscall.SysProcAttr { return nil }

// Process.Kill goes through the handle Start opened, so it cannot hit a reused pid; once the
// command has been reaped it does nothing.
func terminateGroup(leader *os.Process) { _ = leader.Kill() }

func killGroup(leader *os.Process) { _ = leader.Kill() }

// Alive: finding a process opens it, which fails once it has ended.
func Alive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	_ = p.Release()
	return true
}
