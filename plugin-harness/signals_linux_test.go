//go:build linux

package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/clitest"
	"github.com/mcpg-dev/mcpg-plugins/shared/pkgzip"
	"github.com/mcpg-dev/mcpg-plugins/shared/proc"
)

// buildFixture compiles the C fixture with the given defines and packs it, like misbehave.txtar.
func buildFixture(t *testing.T, dir, name string, defines ...string) string {
	t.Helper()
	if ok, why := nativeDriven(); !ok {
		t.Skip(why)
	}
	if _, err := exec.LookPath("cc"); err != nil {
		t.Skip("needs a C compiler")
	}
	src, err := filepath.Abs("testdata/fixture")
	if err != nil {
		t.Fatal(err)
	}
	so := filepath.Join(dir, name+".so")
	args := []string{"-shared", "-fPIC", "-O2", "-I", src, "-o", so}
	for _, d := range defines {
		args = append(args, "-D"+d)
	}
	cc := exec.Command("cc", append(args, "fixture.c")...)
	cc.Dir = src // the descriptor is embedded by a relative .incbin
	if out, err := cc.CombinedOutput(); err != nil {
		t.Fatalf("cc: %v\n%s", err, out)
	}
	desc, err := os.ReadFile(filepath.Join(src, "plugin.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	art, err := os.Open(so)
	if err != nil {
		t.Fatal(err)
	}
	defer art.Close()
	zipPath := filepath.Join(dir, name+".zip")
	out, err := os.Create(zipPath)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if _, err := pkgzip.Write(out, pkgzip.PackInput{Descriptor: desc, Artifact: art, ArtifactName: pkgzip.EntryNative}); err != nil {
		t.Fatal(err)
	}
	return zipPath
}

// judgePeakRSS holds the harness's peak RSS (with the worker's: wait4 reports the larger) to the
// 64 MiB target. Under an emulator the figure includes the translator's own memory (qemu-user adds
// 25–40 MiB to a Go binary), so it is logged only.
func judgePeakRSS(t *testing.T, under string, state *os.ProcessState) {
	t.Helper()
	peak := state.SysUsage().(*syscall.Rusage).Maxrss << 10
	t.Logf("peak RSS under %s: %.1f MiB", under, float64(peak)/(1<<20))
	if e := emulator(); e != "" {
		t.Logf("not held to the 64 MiB target: this runs under %s, whose own memory is in the figure", e)
		return
	}
	if peak > 64<<20 {
		t.Errorf("peak RSS %d MiB, over the 64 MiB target", peak>>20)
	}
}

// harness is the plugin-harness command testscript.Main put in PATH (this test binary).
func harness(ctx context.Context, t *testing.T, tmp, pids string, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	bin, err := exec.LookPath("plugin-harness")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp, "FIXTURE_PIDS="+pids)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	return cmd, &stderr
}

// waitForPids waits until the fixture has recorded n processes: the plugin is loaded and hanging.
func waitForPids(t *testing.T, path string, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if pids, _ := clitest.ReadPids(path); len(pids) >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the fixture did not record %d processes in 10s", n)
		}
	}
}

// A signal to the harness while the plugin hangs, having forked, daemonised and exec'd: exit 130,
// and neither a process nor a temporary file survives. Where the harness cannot become a child
// subreaper (subreaperHolds) the plugin does not daemonise: nothing would find the daemon.
func TestSignalsLeaveNothing(t *testing.T) {
	defines, started := []string{"FORK_CHILD", "DAEMONIZE", "EXEC_SLEEP", "HANG_REGISTER"}, 3
	if !subreaperHolds() {
		defines, started = []string{"FORK_CHILD", "EXEC_SLEEP", "HANG_REGISTER"}, 2
		t.Log("no child subreaper here: the fixture does not daemonise")
	}
	zip := buildFixture(t, t.TempDir(), "hang", defines...)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			if sig == syscall.SIGHUP && signal.Ignored(syscall.SIGHUP) {
				t.Skip("SIGHUP is ignored (nohup), and the harness keeps it so")
			}
			tmp, pids := t.TempDir(), filepath.Join(t.TempDir(), "pids")
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			cmd, stderr := harness(ctx, t, tmp, pids, "test", zip, "--timeout", "60s")
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waitForPids(t, pids, started)
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			_ = cmd.Wait()
			if code := cmd.ProcessState.ExitCode(); code != 130 {
				t.Errorf("exit code %d, want 130; stderr:\n%s", code, stderr)
			}
			if !strings.Contains(stderr.String(), "interrupted: partial outputs removed") {
				t.Errorf("stderr:\n%s", stderr)
			}
			if err := clitest.PidsGone(started, clitest.GonePatience, pids); err != nil {
				t.Error(err)
			}
			if err := clitest.DirEmpty(tmp); err != nil {
				t.Error(err)
			}
		})
	}
}

// A SIGKILLed harness cannot clean up: the worker dies with it (parent-death signal) and the next
// run removes the temporary directory it left.
func TestKilledHarnessTakesItsWorker(t *testing.T) {
	dir := t.TempDir()
	hang := buildFixture(t, dir, "hang", "FORK_CHILD", "HANG_REGISTER")
	plain := buildFixture(t, dir, "plain")
	tmp, pids := t.TempDir(), filepath.Join(t.TempDir(), "pids")
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd, _ := harness(ctx, t, tmp, pids, "test", hang, "--timeout", "60s")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	waitForPids(t, pids, 1)
	var workers []int
	for _, c := range proc.Children(cmd.Process.Pid) {
		workers = append(workers, c.Pid)
	}
	if len(workers) != 1 {
		t.Fatalf("the harness has children %v, want one worker", workers)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	for deadline := time.Now().Add(3 * time.Second); proc.Running(workers[0]); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			_ = syscall.Kill(workers[0], syscall.SIGKILL)
			t.Fatalf("the worker %d outlived the SIGKILLed harness", workers[0])
		}
	}
	// The forked child was in the worker's process group, which nothing ends once both are dead:
	// end it here (the fixture's other processes are what the cleanup paths are tested with).
	if pids, err := clitest.ReadPids(pids); err == nil {
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
	}
	if clitest.DirEmpty(tmp) == nil {
		t.Fatal("the SIGKILLed harness left no directory: the sweep is not tested")
	}
	next, stderr := harness(ctx, t, tmp, "", "test", plain)
	if err := next.Run(); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if err := clitest.DirEmpty(tmp); err != nil {
		t.Error(err)
	}
}

// A 256 MiB flood on the plugin's stdout: the harness keeps its head and tail, and its peak RSS (with
// the worker's: wait4 reports the larger) stays under the 64 MiB target.
func TestFloodPeakRSS(t *testing.T) {
	zip := buildFixture(t, t.TempDir(), "flood", "FLOOD_STDOUT=268435456")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd, stderr := harness(ctx, t, t.TempDir(), "", "test", zip, "--timeout", "30s")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	judgePeakRSS(t, "a 256 MiB stdout flood", cmd.ProcessState)
	if want := "… 268304384 bytes omitted …"; !strings.Contains(stdout.String(), want) {
		t.Errorf("stdout lacks %q", want)
	}
}
