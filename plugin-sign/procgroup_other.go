//go:build !unix

package main

import (
	"os"
	"os/exec"
)

// Without Unix process groups only the signer's shell itself can be stopped; runSigner says so
// when it stops a signer.
const groupsSupported = false

func inNewGroup(cmd *exec.Cmd) {}

// Process.Kill goes through the handle Start opened, so it cannot hit a reused pid; once the
// signer has been reaped it does nothing.
func terminateGroup(leader *os.Process) { leader.Kill() }

func killGroup(leader *os.Process) { leader.Kill() }
