//go:build !unix

package main

import (
	"os"
	"syscall"
)

// No process groups here: the worker alone is killed.

func workerAttributes() *syscall.SysProcAttr { return nil }

func killGroup(p *os.Process) { _ = p.Kill() }

// pidAlive: finding a process opens it, which fails once it has ended.
func pidAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	_ = p.Release()
	return true
}
