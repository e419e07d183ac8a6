package main

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/clitest"
	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
	"github.com/mcpg-dev/mcpg-plugins/shared/testregistry"
)

// TestOCIScripts runs testdata/oci/*.txtar against the real distribution registry the other
// modules' tests use (scripts/install-test-tools puts it in .tools/bin, or $MCPG_TEST_TOOLS), on
// 127.0.0.1 ($REGISTRY), with plugin-oci built from this checkout first on $PATH.
func TestOCIScripts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds plugin-oci and starts a registry")
	}
	if testregistry.Tool("registry") == "" {
		t.Skip("the distribution registry binary is not installed: run scripts/install-test-tools (or set MCPG_TEST_TOOLS)")
	}
	dir := t.TempDir()
	buildTool(t, "plugin-oci", filepath.Join(dir, "bin"))
	host := testregistry.Start(t, testregistry.Options{}).Host
	clitest.RunWith(t, "testdata/oci", clitest.Options{PathFirst: filepath.Join(dir, "bin"),
		Vars: map[string]string{"REGISTRY": host, "PLATFORM": oci.NativePlatform(), "DOCKER_CONFIG": filepath.Join(dir, "docker")}})
}

// buildTool builds the project's tool name (plugin-oci, plugin-harness) from this checkout into
// binDir; -short skips the test instead.
func buildTool(t *testing.T, name, binDir string) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds " + name)
	}
	build := exec.Command("go", "build", "-o", filepath.Join(binDir, name), "../"+name)
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building %s: %v\n%s", name, err, out)
	}
}

// TestInterruptStopsThePull interrupts check while its plugin-oci pull waits on a registry that
// accepts connections and never answers: check must end at once with 130, and take the pull with
// it (a signal to check alone, as a service manager or kill sends it, reaches no child).
func TestInterruptStopsThePull(t *testing.T) {
	t.Parallel()
	if runtime.GOOS != "linux" {
		t.Skip("finds the child through /proc")
	}
	dir, cfg := silentRegistryConfig(t)
	self, err := exec.LookPath("plugin-check") // this test binary, put on $PATH by testscript.Main
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, "check", cfg, "--no-env")
	cmd.Env = append(os.Environ(), "PATH="+filepath.Join(dir, "bin")+string(filepath.ListSeparator)+os.Getenv("PATH"), "TMPDIR="+dir)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	pull := 0
	for deadline := time.Now().Add(30 * time.Second); pull == 0; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("check started no plugin-oci pull within 30s")
		}
		pull = childOf(cmd.Process.Pid, "plugin-oci")
	}
	time.Sleep(200 * time.Millisecond) // the pull is inside its first request
	if err := cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("check did not end within 10s of SIGINT")
	}
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("exit code %d, want 130; stderr:\n%s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "interrupted") || strings.Contains(stderr.String(), "\033[K") {
		t.Errorf("stderr, not a terminal, does not say only that it was interrupted:\n%q", stderr.String())
	}
	if _, err := os.Stat(fmt.Sprintf("/proc/%d", pull)); err == nil {
		t.Errorf("the pull (pid %d) outlived check", pull)
		syscall.Kill(pull, syscall.SIGKILL)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "plugin-check-*")); len(left) > 0 {
		t.Errorf("check left its temporary directory behind: %v", left)
	}
}

// A registry that accepts connections and never answers: the gateway's OCI client has no timeout
// and would wait on it at boot without end; check gives up after --registry-timeout per attempt
// and says so.
func TestSilentRegistry(t *testing.T) {
	t.Parallel()
	dir, cfg := silentRegistryConfig(t)
	self, err := exec.LookPath("plugin-check")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(self, "check", cfg, "--no-env", "--registry-timeout", "0.2")
	cmd.Env = append(os.Environ(), "PATH="+filepath.Join(dir, "bin")+string(filepath.ListSeparator)+os.Getenv("PATH"), "TERM=xterm")
	// stderr a terminal: a status line says what check waits for (the report, on stdout, does not
	// change)
	term, written := clitest.Terminal(t)
	cmd.Stderr = term
	out, _ := cmd.Output()
	if written() == 0 {
		t.Error("no status line on the terminal while the pull waited")
	}
	if code := cmd.ProcessState.ExitCode(); code != cli.ExitNetwork {
		t.Errorf("exit code %d, want %d", code, cli.ExitNetwork)
	}
	for _, want := range []string{"sent no response headers in 200ms", "has no connect or read timeout, so at boot it would wait on this registry without end"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
}

// silentRegistryConfig builds plugin-oci into dir/bin, starts a registry that accepts connections
// and never answers, and writes a config whose one entry pulls from it (a platform tag: one
// candidate, one series of attempts).
func silentRegistryConfig(t *testing.T) (dir, cfg string) {
	dir = t.TempDir()
	buildTool(t, "plugin-oci", filepath.Join(dir, "bin"))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		var held []net.Conn
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	cfg = filepath.Join(dir, "gateway.yaml")
	if err := os.WriteFile(cfg, []byte("plugins:\n  - id: gate\n    ref: com.example.gate\n    kind: native\n    source: {oci: \""+
		ln.Addr().String()+"/mcpg/gate:1.0-"+oci.NativePlatform()+"\"}\ngateway:\n  plugin_registry:\n    cache_dir: "+filepath.Join(dir, "cache")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir, cfg
}

// childOf returns the pid of a running child of parent whose command name is comm, or 0.
func childOf(parent int, comm string) int {
	procs, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, p := range procs {
		raw, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		// pid (comm) state ppid …: comm may hold spaces, so split after its closing parenthesis.
		s := string(raw)
		open, close := strings.IndexByte(s, '('), strings.LastIndexByte(s, ')')
		if open < 0 || close < open {
			continue
		}
		fields := strings.Fields(s[close+1:])
		if s[open+1:close] != comm || len(fields) < 2 || fields[1] != strconv.Itoa(parent) {
			continue
		}
		pid, _ := strconv.Atoi(strings.TrimSpace(s[:open]))
		return pid
	}
	return 0
}
