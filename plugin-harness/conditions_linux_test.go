//go:build linux

package main

import (
	"os"
	"os/exec"
	"sync"

	"github.com/mcpg-dev/mcpg-plugins/shared/proc"
)

// probeSubreaper is this binary run with subreaperProbeEnv set: whether the kernel, or the emulator
// in front of it, lets a process become a child subreaper.
func probeSubreaper() int {
	if proc.BecomeSubreaper() {
		return 0
	}
	return 1
}

var subreaper = sync.OnceValue(func() bool {
	self, err := os.Executable()
	if err != nil {
		return false
	}
	// In a process of its own: a subreaper test binary would adopt every orphan of the tests.
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), subreaperProbeEnv+"=1")
	return cmd.Run() == nil
})

// subreaperHolds reports whether prctl(PR_SET_CHILD_SUBREAPER) works here, which the harness needs
// to find what a plugin moved out of the worker's process group (setsid, a double fork) and to count
// the processes a plugin left. qemu-user 7.2 (Debian 12's) refuses it with EINVAL: its prctl
// emulation lists PR_SET_CHILD_SUBREAPER as not done; later releases pass it to the kernel.
func subreaperHolds() bool { return subreaper() }
