//go:build linux

package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/clitest"
	"github.com/mcpg-dev/mcpg-plugins/shared/proc"
)

// coldRun starts a test of the 12 MB componentize-js gate with nothing cached, and returns once
// its --json report is complete on stdout, the worker still compiling for the cache (about 6 s).
func coldRun(t *testing.T, ctx context.Context, tmp, cache string) (cmd interface {
	Signal(os.Signal) error
	Kill() error
}, wait func() int, worker int, stderr func() string) {
	t.Helper()
	fixtures := os.Getenv("MCPG_WASM_FIXTURES")
	if fixtures == "" {
		t.Skip("needs MCPG_WASM_FIXTURES (scripts/build-wasm-fixtures)")
	}
	c, errBuf := harness(ctx, t, tmp, "", "test", filepath.Join(fixtures, "js-gate", "package.zip"), "--tool", "deny.all", "--json")
	c.Env = append(c.Env, "XDG_CACHE_HOME="+cache)
	stdout, err := c.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	var report struct {
		Wasm struct {
			Engine string `json:"engine"`
		} `json:"wasm"`
	}
	if err := json.NewDecoder(stdout).Decode(&report); err != nil {
		_ = c.Process.Kill()
		_ = c.Wait()
		t.Fatalf("reading the report: %v\n%s", err, errBuf)
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	if report.Wasm.Engine != "interpreter" {
		t.Errorf("a cold run's engine is %q, want interpreter", report.Wasm.Engine)
	}
	children := proc.Children(c.Process.Pid)
	if len(children) != 1 {
		_ = c.Process.Kill()
		_ = c.Wait()
		t.Fatalf("after its report the harness has children %v, want the worker still compiling", children)
	}
	return c.Process, func() int { _ = c.Wait(); return c.ProcessState.ExitCode() }, children[0].Pid, errBuf.String
}

// stagingDirs lists the compile staging directories in a cache.
func stagingDirs(t *testing.T, cache string) []string {
	t.Helper()
	found, err := filepath.Glob(filepath.Join(cache, "mcpg-plugins", "wasm", "*", "staging-*"))
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// waitForStaging waits for the worker to start compiling for the cache.
func waitForStaging(t *testing.T, cache string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); len(stagingDirs(t, cache)) == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("5 s after its report the worker has no staging directory: it is not compiling for the cache")
		}
	}
}

func compiledMarks(t *testing.T, cache string) []string {
	t.Helper()
	found, err := filepath.Glob(filepath.Join(cache, "mcpg-plugins", "wasm", "*", "prepared", "*.compiled"))
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// An interrupt while a cold run compiles for the cache, its report already out: exit 130 at once,
// the worker gone, no staging directory, no temporary directory, nothing marked compiled.
func TestInterruptWhileCaching(t *testing.T) {
	tmp, cache := t.TempDir(), t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	p, wait, worker, stderr := coldRun(t, ctx, tmp, cache)
	waitForStaging(t, cache)
	start := time.Now()
	if err := p.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if code := wait(); code != 130 {
		t.Errorf("exit code %d, want 130; stderr:\n%s", code, stderr())
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("the interrupted run took %s to end", took)
	}
	workerGone(t, worker)
	if dirs := stagingDirs(t, cache); len(dirs) > 0 {
		t.Errorf("the interrupted compile left %v", dirs)
	}
	if marks := compiledMarks(t, cache); len(marks) > 0 {
		t.Errorf("an interrupted compile marked %v compiled", marks)
	}
	if err := clitest.DirEmpty(tmp); err != nil {
		t.Error(err)
	}
}

// A SIGKILLed harness cannot clean up while its worker compiles for the cache: the worker dies
// with it, and the next run removes the staging directory it left.
func TestKilledWhileCachingIsSwept(t *testing.T) {
	tmp, cache := t.TempDir(), t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	p, wait, worker, _ := coldRun(t, ctx, tmp, cache)
	waitForStaging(t, cache)
	_ = p.Kill()
	wait()
	workerGone(t, worker)
	if len(stagingDirs(t, cache)) == 0 {
		t.Fatal("the SIGKILLed run left no staging directory: the sweep is not tested")
	}
	next, stderr := harness(ctx, t, tmp, "", "test", filepath.Join(os.Getenv("MCPG_WASM_FIXTURES"), "gate", "package.zip"))
	next.Env = append(next.Env, "XDG_CACHE_HOME="+cache)
	if err := next.Run(); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if dirs := stagingDirs(t, cache); len(dirs) > 0 {
		t.Errorf("the next run left %v", dirs)
	}
}

// workerGone fails the test unless process pid ends within clitest.GonePatience.
func workerGone(t *testing.T, pid int) {
	t.Helper()
	for deadline := time.Now().Add(clitest.GonePatience); proc.Running(pid); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("the worker %d outlived the harness", pid)
		}
	}
}
