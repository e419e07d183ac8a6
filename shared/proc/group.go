// Package proc runs a child command so that nothing it starts can outlive the caller: the command
// leads a process group of its own, is stopped with SIGTERM then SIGKILL after a grace, and once it
// has ended its group is killed. On Linux the caller can also become a child subreaper, so that a
// descendant that left the group (setsid, a double fork) is re-parented to the caller instead of to
// init, where Group.Kill finds, kills and reaps it. Elsewhere the parts that cannot work are no-ops,
// and GroupsSupported and CatchesEscapees say so, for the tools to warn at run time.
package proc

import (
	"errors"
	"os"
	"os/exec"
	"sync"
	"time"
)

// killWait bounds how long Kill spends on escaped descendants: a process the kernel will not let
// die (uninterruptible sleep) must not hang the caller.
const killWait = 5 * time.Second

// Options choose what Start sets up besides the process group.
type Options struct {
	// DieWithParent has the kernel SIGKILL the command when the caller dies, even by a SIGKILL no
	// handler sees (Linux; elsewhere ignored). The signal is tied to the OS thread that started the
	// command: do not start it from a goroutine that locked its thread and then exits.
	DieWithParent bool
	// CatchEscapees makes the caller a child subreaper (Linux) before the command starts, and
	// Kill then ends every descendant that left the group. The caller's other children would be
	// treated as escapees too: use it in a process whose only children are started here.
	CatchEscapees bool
}

// Group is a command started in a process group of its own and everything it starts. The zero
// value is ready for Start; Stop and Kill are safe before Start, concurrently and more than once,
// so they can be registered as interrupt cleanups before the command starts.
type Group struct {
	mu      sync.Mutex // held across Start, so that a Stop during Start waits to see the process
	leader  *os.Process
	catch   bool
	exited  chan struct{} // closed once the leader has exited and been reaped
	waitErr error
}

// Start starts cmd as the leader of a new process group and reaps it in the background; Exited is
// closed and Err set once it has ended. cmd.SysProcAttr is replaced.
func (g *Group) Start(cmd *exec.Cmd, o Options) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.leader != nil {
		return errors.New("proc: the group was already started")
	}
	if o.CatchEscapees {
		BecomeSubreaper()
	}
	cmd.SysProcAttr = groupAttributes(o.DieWithParent)
	if err := cmd.Start(); err != nil {
		return err
	}
	g.leader, g.catch = cmd.Process, o.CatchEscapees
	exited := g.exitedLocked()
	go func() {
		g.waitErr = cmd.Wait()
		close(exited)
	}()
	return nil
}

// Exited is closed once the leader has exited and been reaped (never, if Start was not called
// or failed).
func (g *Group) Exited() <-chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.exitedLocked()
}

func (g *Group) exitedLocked() chan struct{} {
	if g.exited == nil {
		g.exited = make(chan struct{})
	}
	return g.exited
}

// Err is cmd.Wait's result once Exited is closed, nil before.
func (g *Group) Err() error {
	select {
	case <-g.Exited():
		return g.waitErr
	default:
		return nil
	}
}

// Pid is the leader's process id (and the group's), 0 before Start.
func (g *Group) Pid() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.leader == nil {
		return 0
	}
	return g.leader.Pid
}

// Stop asks the group to end (SIGTERM, and SIGCONT so that a stopped member can act on it), gives
// the leader grace to exit, then kills what is left like Kill.
func (g *Group) Stop(grace time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.leader == nil {
		return
	}
	terminateGroup(g.leader)
	select {
	case <-g.exited:
	case <-time.After(grace):
	}
	g.killLocked()
}

// Kill SIGKILLs the group and, with CatchEscapees, every descendant that left it, and reaps those.
// It returns how many descendants it found still running after the leader had ended by itself
// (0 when the leader was still running: killing it is what ended them).
func (g *Group) Kill() (outlived int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.leader == nil {
		return 0
	}
	return g.killLocked()
}

func (g *Group) killLocked() (outlived int) {
	select {
	case <-g.exited:
		// Everything the leader left is re-parented to us (subreaper): count it before killing it.
		if g.catch {
			outlived = KillAdopted(0, time.Now().Add(killWait))
		}
		killGroup(g.leader) // without a subreaper, the group is all that can be reached
	default:
		killGroup(g.leader)
		if g.catch {
			KillAdopted(g.leader.Pid, time.Now().Add(killWait))
		}
	}
	return outlived
}
