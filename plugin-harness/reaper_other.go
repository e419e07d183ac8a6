//go:build !linux

package main

import (
	"runtime"
	"syscall"
	"time"
)

// Without a child subreaper (Linux's PR_SET_CHILD_SUBREAPER) a process the plugin moves out of the
// worker's process group is re-parented to init and cannot be told from any other process.

func becomeSubreaper() bool { return false }

// subreaperMissing is the warning the report carries on this platform.
func subreaperMissing() string {
	return "on " + runtime.GOOS + " the harness ends the worker's process group only: a process the plugin " +
		"moves to its own session (setsid, a daemon) is not found and may outlive the test"
}

func withParentDeathSignal(*syscall.SysProcAttr) {}

func endAdopted(int, time.Time) int { return 0 }
