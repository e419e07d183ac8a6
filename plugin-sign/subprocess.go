package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
)

// maxSignerOutput bounds what is read from a subprocess signer: a signature is 64 bytes, and a
// signer printing megabytes (hex of the artifact, a loop) is stopped rather than buffered.
const maxSignerOutput = 64 << 10

// signerOutputHint is the reference CLI's advice for a signer whose output is not 64 raw bytes.
const signerOutputHint = "check that the signer doesn't print trailing newlines / hex / base64"

// runSigner runs the --subprocess command as the reference CLI does (sh -c, stdin closed, stderr
// passed through, MCPG_SIGN_ARTIFACT=<artifact>) and returns its stdout, which must be exactly
// the 64 signature bytes. Error texts are the reference CLI's, with its advice moved into a hint.
func runSigner(env *cli.Env, command, artifact string) ([]byte, error) {
	cmd := exec.Command("sh", "-c", command)
	cmd.Env = append(os.Environ(), "MCPG_SIGN_ARTIFACT="+artifact)
	cmd.Stderr = env.Stderr
	cmd.WaitDelay = 5 * time.Second // a grandchild holding stdout open must not hang us
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, cli.Failf("subprocess signer '%s' failed to spawn: %v", command, err)
	}
	if err := cmd.Start(); err != nil {
		return nil, cli.Failf("subprocess signer '%s' failed to spawn: %v", command, err)
	}
	out, readErr := io.ReadAll(io.LimitReader(stdout, maxSignerOutput+1))
	tooMuch := len(out) > maxSignerOutput
	if tooMuch {
		cmd.Process.Kill()
	}
	waitErr := cmd.Wait()
	switch {
	case tooMuch:
		return nil, cli.WithHint(cli.Failf("subprocess signer must emit exactly 64 bytes of raw Ed25519 signature on stdout, got more than %d bytes (stopped it)", maxSignerOutput), signerOutputHint)
	case readErr != nil && waitErr == nil:
		return nil, cli.Failf("subprocess signer '%s': reading its output: %v", command, readErr)
	}
	var exitErr *exec.ExitError
	if errors.As(waitErr, &exitErr) {
		return nil, cli.Failf("subprocess signer '%s' exited with status %s", command, exitStatus(exitErr.ProcessState))
	}
	if waitErr != nil && !errors.Is(waitErr, exec.ErrWaitDelay) {
		return nil, cli.Failf("subprocess signer '%s' failed: %v", command, waitErr)
	}
	if len(out) != 64 {
		return nil, cli.WithHint(cli.Failf("subprocess signer must emit exactly 64 bytes of raw Ed25519 signature on stdout, got %d bytes", len(out)), signerOutputHint)
	}
	return bytes.Clone(out), nil
}
