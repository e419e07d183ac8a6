//go:build linux

package main

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
	"time"
)

const prSetChildSubreaper = 36 // PR_SET_CHILD_SUBREAPER, <linux/prctl.h>

// becomeSubreaper makes this process the reaper of its orphaned descendants: a process the plugin
// moved out of the worker's group (setsid, a double fork) is re-parented here instead of to init,
// where endAdopted finds it. It reports whether the kernel agreed.
func becomeSubreaper() bool {
	_, _, errno := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0)
	return errno == 0
}

// subreaperMissing is empty where escapees can be found.
func subreaperMissing() string { return "" }

// withParentDeathSignal has the kernel SIGKILL the worker when this process dies, even by a SIGKILL
// no handler sees. (Go checks, before exec, that the parent did not die before this took effect.)
func withParentDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }

// endAdopted kills every child of this process but worker (its reaper is os/exec's Wait), reaps
// them, and repeats until no child is left and worker is gone: each death re-parents the dead
// process's own children here. It returns how many live processes it killed. The deadline bounds
// it against a process the kernel will not let die (stuck in uninterruptible sleep).
func endAdopted(worker int, deadline time.Time) (killed int) {
	self := os.Getpid()
	for {
		others, workerAlive := 0, false
		for _, c := range children(self) {
			if c.pid == worker {
				workerAlive = c.state != 'Z'
				continue
			}
			others++
			if c.state != 'Z' {
				_ = syscall.Kill(c.pid, syscall.SIGKILL)
				killed++
			}
			reapChild(c.pid, deadline)
		}
		if (others == 0 && !workerAlive) || time.Now().After(deadline) {
			return killed
		}
		if others == 0 {
			time.Sleep(2 * time.Millisecond) // the worker is dying; its children come here when it is dead
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

type childProcess struct {
	pid   int
	state byte // R, S, D, Z, … from /proc/<pid>/stat
}

// children lists the processes whose parent is pid, from /proc/<n>/stat ("pid (comm) state ppid …";
// comm may hold spaces and parentheses, so the fields are counted from its last ')').
func children(pid int) []childProcess {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var out []childProcess
	for _, e := range entries {
		n, err := strconv.Atoi(e.Name())
		if err != nil || n == pid {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // it ended meanwhile
		}
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		fields := bytes.Fields(stat[i+1:])
		if len(fields) < 2 || len(fields[0]) != 1 {
			continue
		}
		if ppid, err := strconv.Atoi(string(fields[1])); err == nil && ppid == pid {
			out = append(out, childProcess{pid: n, state: fields[0][0]})
		}
	}
	return out
}
