//go:build unix

package proc

import (
	"os"
	"syscall"
)

// GroupsSupported reports whether a command's descendants that stay in its process group are
// reached by Stop and Kill (on Unix), or only the command itself.
const GroupsSupported = true

// groupAttributes make the command the leader of a new process group, whose id is its pid. The
// group is not the terminal's foreground group: Ctrl-C reaches the caller alone, which then ends
// the group itself.
func groupAttributes(dieWithParent bool) *syscall.SysProcAttr {
	a := &syscall.SysProcAttr{Setpgid: true}
	if dieWithParent {
		withParentDeathSignal(a)
	}
	return a
}

// terminateGroup sends SIGTERM to the group, and SIGCONT so that a member stopped (by reading the
// terminal from the background) can act on it.
//
// After the leader has been reaped its pid could in principle name another group; the kernel does
// not reuse a pid while a group of that id has members, so this only matters once the group is
// empty, when a new process would have to take the very same pid and make itself a group leader
// in between.
func terminateGroup(leader *os.Process) {
	_ = syscall.Kill(-leader.Pid, syscall.SIGTERM)
	_ = syscall.Kill(-leader.Pid, syscall.SIGCONT)
}

// killGroup SIGKILLs every process of the group led by leader; an empty group leaves the leader
// itself, which Process.Kill reaches through its handle.
func killGroup(leader *os.Process) {
	if err := syscall.Kill(-leader.Pid, syscall.SIGKILL); err != nil {
		_ = leader.Kill()
	}
}

// Alive reports whether a process with this id exists, a zombie included (EPERM: it does, under
// another user).
func Alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || err == syscall.EPERM
}
