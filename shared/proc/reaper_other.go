//go:build !linux

package proc

import (
	"syscall"
	"time"
)

// Without a child subreaper (Linux's PR_SET_CHILD_SUBREAPER) a descendant that leaves its process
// group is re-parented to init and cannot be told from any other process: these are no-ops.
const CatchesEscapees = false

// BecomeSubreaper reports false: there is no subreaper here.
func BecomeSubreaper() bool { return false }

func withParentDeathSignal(*syscall.SysProcAttr) {}

// KillAdopted finds nothing to kill here.
func KillAdopted(int, time.Time) int { return 0 }

// Child is a process and its state letter; Children finds none here.
type Child struct {
	Pid   int
	State byte
}

// Children lists nothing where there is no /proc to read.
func Children(int) []Child { return nil }

// Running is Alive here: a zombie cannot be told from a live process.
func Running(pid int) bool { return Alive(pid) }
