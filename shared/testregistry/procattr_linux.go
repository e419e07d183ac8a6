package testregistry

import (
	"os/exec"
	"syscall"
)

// dieWithParent makes the kernel kill the registry if the test binary dies without running its
// cleanups (a panic, a -timeout), so no registry outlives its test.
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
