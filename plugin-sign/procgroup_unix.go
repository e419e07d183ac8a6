//go:build unix

package main

import (
	"os"
	"os/exec"
	"syscall"
)

const groupsSupported = true

// inNewGroup makes cmd the leader of a new process group, whose id is its pid. The group is not
// the terminal's foreground group: Ctrl-C reaches plugin-sign alone, which then stops the group.
func inNewGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// terminateGroup sends SIGTERM to the group, and SIGCONT so that a member stopped (by reading
// the terminal from the background) can act on it.
//
// After the leader has been reaped its pid could in principle name another group; the kernel
// does not reuse a pid while a group of that id has members, so this only matters once the
// group is empty, when a new process would have to take the very same pid and make itself a
// group leader in between.
func terminateGroup(leader *os.Process) {
	pgid := leader.Pid
	syscall.Kill(-pgid, syscall.SIGTERM)
	syscall.Kill(-pgid, syscall.SIGCONT)
}

// killGroup sends SIGKILL to every process of the group led by leader; an empty group is not an error.
func killGroup(leader *os.Process) {
	pgid := leader.Pid
	syscall.Kill(-pgid, syscall.SIGKILL)
}
