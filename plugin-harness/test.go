package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/keys"
	"github.com/mcpg-dev/mcpg-plugins/shared/pkgzip"
)

const testHelp = `Usage: plugin-harness test <package.zip> [--key <pubkey>] [--timeout 5s] [--max-memory 1024] [--json]

Load a native plugin package the way the MCPG gateway does, in a child worker process: strict
unpack into a private temporary directory, signature check (with --key), re-hash right before
dlopen, mcpg_plugin_abi_layout (size 240, alignment 8), mcpg_plugin_register, ABI version 2, at
least one entity, the embedded descriptor compared with the package's plugin.yaml, and the
cdylib's capabilities compared with required_capabilities. A crash, a hang past --timeout or
memory beyond --max-memory inside the plugin is reported as a failure, never a crash of the tool.

This version loads and checks the plugin but does not exercise its class's slots yet: after a
successful load it says so and exits 6, so a load is never mistaken for a passing contract test.

Flags:
  --key FILE          Ed25519 public key (raw, hex, PEM or ssh-ed25519); plugin.sig must verify
                      under it (enforce policy). Without --key verification is skipped.
  --timeout DUR       time the worker may take to load and register the plugin (default 5s)
  --max-memory MIB    address space the plugin may add to the worker, in MiB (default 1024; 0 for no limit)
  --json              print the whole report as one JSON document on stdout

Exit codes: 1 the plugin or package failed a check (or crashed, hung, ran out of memory);
2 usage; 3 I/O; 6 loaded but not exercised yet, or not a native package.

Examples:
  plugin-harness test hello-gate.zip --key release.pub
`

// report is the whole run; --json prints it as is.
type report struct {
	Package      string        `json:"package"`
	Artifact     string        `json:"artifact"`
	SHA256       string        `json:"sha256"`
	Signature    string        `json:"signature"` // verified, skipped
	Trust        string        `json:"trust"`
	Phase        string        `json:"phase"` // the last load step the worker reached
	Status       string        `json:"status"`
	Failure      string        `json:"failure,omitempty"`
	Plugin       *loadedPlugin `json:"plugin,omitempty"`
	Registration *registration `json:"registration,omitempty"`
	Mismatches   []string      `json:"mismatches,omitempty"`
	Warnings     []string      `json:"warnings,omitempty"`
	Exercised    bool          `json:"exercised"`
	Note         string        `json:"note,omitempty"`
}

// loadedPlugin holds the fields the reference prints under "Plugin loaded:".
type loadedPlugin struct {
	ID              string   `json:"id"`
	Version         string   `json:"version"`
	Name            string   `json:"name"`
	ProtocolVersion string   `json:"protocol_version"`
	Class           string   `json:"class"`
	Runtime         string   `json:"runtime"`
	Entities        []string `json:"entities"`
	Capabilities    []string `json:"capabilities"`
}

const (
	statusLoaded      = "loaded"
	statusFailed      = "failed"
	statusUnsupported = "unsupported"
)

func runTest(env *cli.Env, args []string) error {
	var (
		keyPath, timeoutText string
		maxMemory            uint64
		asJSON               bool
	)
	fs := cli.NewFlagSet("plugin-harness test", testHelp, env.Stdout)
	fs.StringVar(&keyPath, "key", "", "Ed25519 public key")
	fs.StringVar(&timeoutText, "timeout", "5s", "worker time limit")
	fs.Uint64Var(&maxMemory, "max-memory", 1024, "worker address-space limit in MiB")
	fs.BoolVar(&asJSON, "json", false, "JSON report")
	pos, err := fs.Parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return cli.Usagef("plugin-harness test: expected one <package.zip>, got %d arguments", len(pos))
	}
	timeout, err := time.ParseDuration(timeoutText)
	if err != nil || timeout <= 0 {
		return cli.Usagef("plugin-harness test: --timeout %q: expected a positive duration such as 5s", timeoutText)
	}
	if maxMemory > 1<<24 {
		return cli.Usagef("plugin-harness test: --max-memory %d: expected at most %d MiB", maxMemory, 1<<24)
	}
	var pub ed25519.PublicKey
	if keyPath != "" {
		var err error
		if pub, _, err = keys.LoadPublicKey(keyPath); err != nil {
			return err
		}
	}

	pkg, closePkg, err := pkgzip.OpenFile(pos[0], env.Stdin, pkgzip.DefaultLimits)
	if err != nil {
		return pkgzip.ExitError(err)
	}
	defer closePkg()
	r := &report{Package: pkg.Name, Artifact: pkg.ArtifactName}
	if pkg.ArtifactName != pkgzip.EntryNative {
		return cli.Unsupportedf("%s: %s packages are not driven by plugin-harness yet (only %s)",
			pkg.Name, pkg.ArtifactName, pkgzip.EntryNative)
	}
	dir, err := os.MkdirTemp("", "plugin-harness-")
	if err != nil {
		return cli.IOError("create a directory in", os.TempDir(), err)
	}
	defer os.RemoveAll(dir)
	if err := pkg.Extract(dir); err != nil {
		return pkgzip.ExitError(err)
	}
	artifact := filepath.Join(dir, pkgzip.EntryNative)

	if err := verifyArtifact(r, pkg, artifact, pub, keyPath); err != nil {
		return err
	}
	if pub == nil {
		fmt.Fprintln(env.Stderr, r.Trust)
	}
	failure := load(r, pkg, workerRequest{Path: artifact, SHA256: r.SHA256, MaxMemory: maxMemory << 20}, timeout)
	if failure != nil {
		r.Status, r.Failure = statusFailed, failure.Error()
		if cli.CodeOf(failure) == cli.ExitUnsupported {
			r.Status = statusUnsupported
		}
		if asJSON {
			if err := cli.WriteJSON(env.Stdout, r); err != nil {
				return err
			}
		}
		return failure
	}
	r.Status = statusLoaded
	for _, w := range r.Warnings {
		env.Warnf("%s", w)
	}
	r.Note = fmt.Sprintf("the %s slots were not exercised: class exercise is not implemented in this harness yet", r.Plugin.Class)
	if asJSON {
		if err := cli.WriteJSON(env.Stdout, r); err != nil {
			return err
		}
	} else {
		printLoaded(env.Stdout, r)
	}
	return cli.Unsupportedf("%s: loaded like the gateway, but %s — this is not a passing contract test", pkg.Name, r.Note)
}

// verifyArtifact hashes the extracted artifact and, with a key, checks plugin.sig over it under
// the enforce policy: a missing or bad signature refuses the package.
func verifyArtifact(r *report, pkg *pkgzip.Package, artifact string, pub ed25519.PublicKey, keyPath string) error {
	f, err := os.Open(artifact)
	if err != nil {
		return cli.IOError("read", artifact, err)
	}
	defer f.Close()
	if pub != nil && pkg.Signature == nil {
		return cli.Failf("%s: %s: missing; --key enforces a signature over %s", pkg.Name, pkgzip.EntrySignature, pkgzip.EntryNative)
	}
	if pub != nil {
		if _, err := keys.NewVerifier(pub, pkg.Signature); err != nil {
			return cli.Failf("%s: %s: %v", pkg.Name, pkgzip.EntrySignature, err)
		}
	}
	ok, sum, _, err := keys.VerifyAndHash(pub, f, pkg.Signature)
	if err != nil {
		return cli.IOError("read", artifact, err)
	}
	r.SHA256 = sum.Hex()
	if pub == nil {
		r.Signature, r.Trust = "skipped", "signature verification skipped (no --key)"
		return nil
	}
	if !ok {
		return cli.Failf("%s: %s does not verify %s (sha256 %s) against the key %s",
			pkg.Name, pkgzip.EntrySignature, pkgzip.EntryNative, r.SHA256, keyPath)
	}
	r.Signature, r.Trust = "verified", "signature verified against "+keyPath
	return nil
}

// load runs the worker and judges what it read; the result is nil when the plugin loaded.
func load(r *report, pkg *pkgzip.Package, req workerRequest, timeout time.Duration) error {
	msg, err := runWorkerProcess(r, req, timeout)
	if err != nil {
		return err
	}
	if msg.Error != "" {
		if msg.Unsupported {
			return cli.Unsupportedf("%s: %s", r.Package, msg.Error)
		}
		return cli.Failf("%s: %s", r.Package, msg.Error)
	}
	r.Registration = msg.Result
	return judge(r, pkg, msg.Result)
}

func runWorkerProcess(r *report, req workerRequest, timeout time.Duration) (*workerMessage, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, cli.Failf("cannot find the plugin-harness executable to start a worker: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, self, workerCommand)
	cmd.Args[0] = os.Args[0] // a multi-call binary (the test binary) dispatches on argv[0]
	in, _ := json.Marshal(req)
	cmd.Stdin = bytes.NewReader(in)
	var stdout bytes.Buffer
	stderr := &capped{max: 64 << 10}
	cmd.Stdout, cmd.Stderr = &stdout, stderr
	cmd.WaitDelay = time.Second
	runErr := cmd.Run()

	var final *workerMessage
	dec := json.NewDecoder(&stdout)
	for {
		var m workerMessage
		if dec.Decode(&m) != nil {
			break
		}
		if m.Phase != "" {
			r.Phase = m.Phase
		} else {
			final = &m
		}
	}
	step := r.Phase
	if step == "" {
		step = "worker start-up"
	}
	hint := ""
	if req.MaxMemory > 0 {
		hint = fmt.Sprintf("if the plugin ran out of memory: it may add at most %d MiB of address space to the worker (--max-memory)", req.MaxMemory>>20)
	}
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		return nil, cli.Failf("%s: the plugin did not return from %s within %s; the worker was killed", r.Package, step, timeout)
	case final != nil:
		return final, nil
	case runErr == nil:
		return nil, cli.Failf("%s: the worker ended during %s without a report", r.Package, step)
	}
	why := crashReason(runErr, stderr.String())
	err = cli.Failf("%s: the plugin crashed the worker during %s: %s", r.Package, step, why)
	if hint != "" && (strings.Contains(why, "SIGABRT") || strings.Contains(why, "out of memory") || strings.Contains(why, "SIGKILL")) {
		err = cli.WithHint(err, hint)
	}
	return nil, err
}

// crashReason names how the worker died: the signal, or the Go runtime's own fault line when the
// runtime caught the signal (SIGSEGV in plugin code surfaces as "fatal error" plus a signal line).
func crashReason(runErr error, stderr string) string {
	var ee *exec.ExitError
	if errors.As(runErr, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			return fmt.Sprintf("killed by %s", signalName(ws.Signal()))
		}
	}
	for _, line := range strings.Split(stderr, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(line, "SIG"):
			return line
		case strings.HasPrefix(line, "[signal "):
			return strings.Trim(line, "[]")
		case strings.HasPrefix(line, "fatal error: runtime: out of memory"):
			return "out of memory"
		}
	}
	for _, line := range strings.Split(stderr, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			return line
		}
	}
	return runErr.Error()
}

func signalName(s syscall.Signal) string {
	switch s {
	case syscall.SIGSEGV:
		return "SIGSEGV (segmentation fault)"
	case syscall.SIGABRT:
		return "SIGABRT (abort)"
	case syscall.SIGKILL:
		return "SIGKILL"
	case syscall.SIGBUS:
		return "SIGBUS (bus error)"
	}
	return s.String()
}

// capped keeps the first max bytes written to it.
type capped struct {
	bytes.Buffer
	max int
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - c.Len(); room > 0 {
		c.Buffer.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

func printLoaded(w io.Writer, r *report) {
	p := r.Plugin
	fmt.Fprintln(w, "Plugin loaded:")
	fmt.Fprintf(w, "  id:            %s\n", p.ID)
	fmt.Fprintf(w, "  version:       %s\n", p.Version)
	fmt.Fprintf(w, "  name:          %s\n", p.Name)
	fmt.Fprintf(w, "  protocol:      %s\n", p.ProtocolVersion)
	fmt.Fprintf(w, "  class:         %s\n", p.Class)
	fmt.Fprintf(w, "  runtime:       %s\n", p.Runtime)
	fmt.Fprintf(w, "  trust:         %s\n", r.Trust)
	fmt.Fprintf(w, "  sha256:        %s\n", r.SHA256)
	fmt.Fprintf(w, "  abi:           %d (layout %d bytes, %s)\n", r.Registration.ABIVersion, r.Registration.Layout.Size,
		orNone(r.Registration.Layout.PackageAndVersion))
	fmt.Fprintf(w, "  entities:      %s\n", strings.Join(p.Entities, ", "))
	fmt.Fprintf(w, "  capabilities:  %s\n", orNone(strings.Join(p.Capabilities, ", ")))
	fmt.Fprintln(w)
	fmt.Fprintf(w, "! %s.\n", r.Note)
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}
