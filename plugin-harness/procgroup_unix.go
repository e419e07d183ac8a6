//go:build unix

package main

import (
	"os"
	"syscall"
)

// workerAttributes puts the worker in a process group of its own, so that one kill reaches every
// process the plugin forks without leaving the group, and a Ctrl-C at the terminal reaches only the
// tool, which then ends the group itself.
func workerAttributes() *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true}
	withParentDeathSignal(a)
	return a
}

// killGroup SIGKILLs the worker's process group (its id is the worker's pid).
func killGroup(p *os.Process) {
	if err := syscall.Kill(-p.Pid, syscall.SIGKILL); err != nil {
		_ = p.Kill()
	}
}

// pidAlive reports whether a process with this id exists (EPERM: it does, under another user).
func pidAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}
