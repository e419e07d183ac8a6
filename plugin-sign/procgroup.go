package main

import (
	"os"
	"os/exec"
	"sync"
	"time"
)

// termGrace is how long a signer that is being stopped has between SIGTERM and SIGKILL: enough
// to close a KMS or HSM session, short enough that Ctrl-C still feels immediate.
const termGrace = 2 * time.Second

// signerGroup is the subprocess signer and everything it starts: it runs in a process group of
// its own (on Unix), so all of it can be signalled at once.
type signerGroup struct {
	mu      sync.Mutex // held across start, so an interrupt during start waits to see the process
	proc    *os.Process
	done    chan struct{} // closed once the signer itself has exited and been reaped
	waitErr error         // cmd.Wait's result, once done is closed
}

// start starts cmd in a new process group and reaps it in the background.
func (g *signerGroup) start(cmd *exec.Cmd) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	inNewGroup(cmd)
	if err := cmd.Start(); err != nil {
		return err
	}
	g.proc = cmd.Process
	g.done = make(chan struct{})
	go func() {
		g.waitErr = cmd.Wait()
		close(g.done)
	}()
	return nil
}

// stop asks the group to end (SIGTERM), gives the signer termGrace to do so, then kills what is
// left. It is the interrupt cleanup too, so it is safe before start and more than once.
func (g *signerGroup) stop() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.proc == nil {
		return
	}
	terminateGroup(g.proc)
	select {
	case <-g.done:
	case <-time.After(termGrace):
	}
	killGroup(g.proc)
}

// kill kills whatever is left of the group at once.
func (g *signerGroup) kill() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.proc != nil {
		killGroup(g.proc)
	}
}
