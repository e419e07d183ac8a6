//go:build linux

package proc

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
	"time"
)

// CatchesEscapees reports whether this platform has a child subreaper, so that descendants that
// left their process group can be found (Linux's PR_SET_CHILD_SUBREAPER).
const CatchesEscapees = true

const prSetChildSubreaper = 36 // PR_SET_CHILD_SUBREAPER, <linux/prctl.h>

// BecomeSubreaper makes this process the reaper of its orphaned descendants: one that moved out of
// its group (setsid, a double fork) is re-parented here instead of to init, where KillAdopted finds
// it. It reports whether the kernel agreed.
func BecomeSubreaper() bool {
	_, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0)
	return errno == 0
}

// withParentDeathSignal has the kernel SIGKILL the child when this process dies. (Go checks, before
// exec, that the parent did not die before this took effect.)
func withParentDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }

// KillAdopted kills every child of this process but keep (whose reaper is os/exec's Wait; 0 for
// none), reaps them, and repeats until no other child is left and keep is gone: each death
// re-parents the dead process's own children here. It returns how many live processes it killed.
// The deadline bounds it against a process the kernel will not let die (uninterruptible sleep).
func KillAdopted(keep int, deadline time.Time) (killed int) {
	self := os.Getpid()
	for {
		others, keepAlive := 0, false
		for _, c := range Children(self) {
			if c.Pid == keep {
				keepAlive = c.State != 'Z'
				continue
			}
			others++
			if c.State != 'Z' {
				_ = syscall.Kill(c.Pid, syscall.SIGKILL)
				killed++
			}
			reapChild(c.Pid, deadline)
		}
		if (others == 0 && !keepAlive) || time.Now().After(deadline) {
			return killed
		}
		if others == 0 {
			time.Sleep(2 * time.Millisecond) // keep is dying; its children come here when it is dead
		}
	}
}

// reapChild waits for a SIGKILLed child to end, polling so that the deadline holds.
func reapChild(pid int, deadline time.Time) {
	for {
		var ws syscall.WaitStatus
		got, err := syscall.Wait4(pid, &ws, syscall.WNOHANG, nil)
		if got == pid || (err != nil && err != syscall.EINTR) || time.Now().After(deadline) {
			return
		}
		time.Sleep(time.Millisecond)
	}
}

// Child is a process and its state letter (R, S, D, Z, … from /proc/<pid>/stat).
type Child struct {
	Pid   int
	State byte
}

// Children lists the processes whose parent is pid, from /proc/<n>/stat ("pid (comm) state ppid …";
// comm may hold spaces and parentheses, so the fields are counted from its last ')').
func Children(pid int) []Child {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []Child
	for _, e := range entries {
		n, err := strconv.Atoi(e.Name())
		if err != nil || n == pid {
			continue
		}
		state, ppid, ok := readStat(n)
		if ok && ppid == pid {
			out = append(out, Child{Pid: n, State: state})
		}
	}
	return out
}

// Running reports whether pid is a process that has not ended: a zombie has ended (in a container
// whose init does not reap, orphans stay zombies).
func Running(pid int) bool {
	if !Alive(pid) {
		return false
	}
	state, _, ok := readStat(pid)
	if !ok {
		return Alive(pid) // it ended between the two looks, or /proc is not mounted
	}
	return state != 'Z'
}

func readStat(pid int) (state byte, ppid int, ok bool) {
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, false
	}
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, 0, false
	}
	fields := bytes.Fields(stat[i+1:])
	if len(fields) < 2 || len(fields[0]) != 1 {
		return 0, 0, false
	}
	ppid, err = strconv.Atoi(string(fields[1]))
	return fields[0][0], ppid, err == nil
}
