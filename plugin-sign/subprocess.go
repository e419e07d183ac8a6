package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/proc"
)

// maxSignerOutput bounds what is read from a subprocess signer: a signature is 64 bytes, and a
// signer printing megabytes (hex of the artifact, a loop) is stopped rather than buffered.
const maxSignerOutput = 64 << 10

// defaultSignerTimeout is --subprocess-timeout's default: a KMS round trip takes seconds, a
// hardware key waits for a touch for about half a minute; two minutes covers both with room.
const defaultSignerTimeout = 2 * time.Minute

// termGrace is how long a signer that is being stopped has between SIGTERM and SIGKILL: enough
// to close a KMS or HSM session, short enough that Ctrl-C still feels immediate.
const termGrace = 2 * time.Second

// stdoutGrace is how long the signer's stdout may stay open after the signer itself exited:
// what the signer wrote is already in the pipe, so only a child it left behind can hold it.
const stdoutGrace = time.Second

// signerOutputHint is the reference CLI's advice for a signer whose output is not 64 raw bytes.
const signerOutputHint = "check that the signer doesn't print trailing newlines / hex / base64"

// signerFailedHint says how the signer command ended, plainly, and how to see why.
func signerFailedHint(ps *os.ProcessState) string {
	how := "was killed by a signal"
	if code := ps.ExitCode(); code >= 0 {
		how = fmt.Sprintf("failed with exit code %d", code)
	}
	return "the signer command " + how + "; its own messages, if any, are above (run it by hand with MCPG_SIGN_ARTIFACT=<artifact> to see why)"
}

// runSigner runs the --subprocess command as the reference CLI does (sh -c, stdin closed, stderr
// passed through, MCPG_SIGN_ARTIFACT=<artifact>) and returns its stdout, which must be exactly
// the 64 signature bytes. Error texts are the reference CLI's, with its advice moved into a hint.
//
// Unlike the reference CLI it never waits forever: the signer has timeout to finish, stdout is
// read while the signer runs so a child holding it open cannot stall us past the signer's exit,
// and the signer runs in a process group of its own (shared/proc) that is stopped on timeout,
// killed on SIGINT/SIGTERM/SIGHUP and killed when the signer exits; this process is the subreaper
// of whatever leaves that group (setsid, Linux), which is killed with it. Nothing the signer
// started outlives us.
func runSigner(env *cli.Env, command, artifact string, timeout time.Duration) ([]byte, error) {
	stdout, stdoutW, err := os.Pipe()
	if err != nil {
		return nil, cli.Failf("subprocess signer '%s' failed to spawn: %v", command, err)
	}
	defer stdout.Close()
	cmd := exec.Command("sh", "-c", command)
	cmd.Env = append(os.Environ(), "MCPG_SIGN_ARTIFACT="+artifact)
	cmd.Stdout = stdoutW
	cmd.Stderr = env.Stderr
	cmd.WaitDelay = stdoutGrace // stderr, when it is not a file and a child holds it open

	g := &proc.Group{}
	stop := func() { g.Stop(termGrace) }
	defer fileio.OnInterrupt(stop)()
	err = g.Start(cmd, proc.Options{CatchEscapees: true})
	stdoutW.Close()
	if err != nil {
		return nil, cli.Failf("subprocess signer '%s' failed to spawn: %v", command, err)
	}
	defer g.Kill() // whatever the signer left once we are done with it

	output := make(chan signerOutput, 1)
	go func() {
		out, err := io.ReadAll(io.LimitReader(stdout, maxSignerOutput+1))
		output <- signerOutput{out, err}
	}()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()

	// Until the signer exits: it may run out of time, or print more than a signature.
	var got *signerOutput
	for running := true; running; {
		select {
		case <-g.Exited():
			running = false
		case <-deadline.C:
			stop()
			return nil, signerTimedOut(env, command, timeout)
		case o := <-output:
			if len(o.out) > maxSignerOutput {
				g.Kill()
				<-g.Exited()
				return nil, tooMuchOutput()
			}
			got, output = &o, nil // stdout is closed; the signer has yet to exit
		}
	}
	if got == nil {
		got = drainAfterExit(g, output, stdout)
	}
	out, readErr := got.out, got.err
	if errors.Is(readErr, os.ErrClosed) {
		readErr = nil
	}
	waitErr := g.Err()
	if readErr != nil && waitErr == nil {
		return nil, cli.Failf("subprocess signer '%s': reading its output: %v", command, readErr)
	}
	var exitErr *exec.ExitError
	if errors.As(waitErr, &exitErr) {
		// The message is the reference CLI's word for word ("exited with status exit status: 17" is
		// Rust's ExitStatus wording); the hint says it plainly and where to look.
		return nil, cli.WithHint(cli.Failf("subprocess signer '%s' exited with status %s", command, exitStatus(exitErr.ProcessState)),
			signerFailedHint(exitErr.ProcessState))
	}
	if waitErr != nil && !errors.Is(waitErr, exec.ErrWaitDelay) {
		return nil, cli.Failf("subprocess signer '%s' failed: %v", command, waitErr)
	}
	if len(out) > maxSignerOutput {
		return nil, tooMuchOutput()
	}
	if len(out) != 64 {
		return nil, cli.WithHint(cli.Failf("subprocess signer must emit exactly 64 bytes of raw Ed25519 signature on stdout, got %d bytes", len(out)), signerOutputHint)
	}
	return bytes.Clone(out), nil
}

type signerOutput struct {
	out []byte
	err error
}

// drainAfterExit returns the signer's stdout once the signer has exited. What it wrote is in the
// pipe already; a child of it holding the pipe open gets stdoutGrace, then the group is killed
// and the pipe closed under the reader.
func drainAfterExit(g *proc.Group, output <-chan signerOutput, stdout *os.File) *signerOutput {
	select {
	case o := <-output:
		return &o
	case <-time.After(stdoutGrace):
		g.Kill()
		stdout.Close()
		o := <-output
		return &o
	}
}

func signerTimedOut(env *cli.Env, command string, timeout time.Duration) error {
	if !proc.GroupsSupported {
		env.Warnf("only the signer's shell was stopped: processes it started may still run (no process groups on %s)", runtime.GOOS)
	}
	return cli.WithHint(cli.Failf("subprocess signer '%s' did not finish within %s (--subprocess-timeout); it was stopped", command, timeout),
		"a signer that waits on a KMS or for a hardware-key touch may need a longer --subprocess-timeout; it cannot read from the terminal")
}

func tooMuchOutput() error {
	return cli.WithHint(cli.Failf("subprocess signer must emit exactly 64 bytes of raw Ed25519 signature on stdout, got more than %d bytes (stopped it)", maxSignerOutput), signerOutputHint)
}
