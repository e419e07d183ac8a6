//go:build unix

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The README's tour is run as written, so it cannot drift from the tools. The only changes, also
// stated above the tour in the README: the registry hosts become a real registry on 127.0.0.1, the
// platform in file names becomes this machine's, and lines marked with skipMarker are not run.
const (
	tourHeading = "## A short tour"
	skipMarker  = "# (not run by the tour test"
	// maxSkipped keeps the set of lines the test cannot run small: a KMS signer, nothing more.
	maxSkipped = 1
)

// tourOutputs are lines some commands must print, beyond exiting 0: a key line each, loose enough
// to survive rewording elsewhere.
var tourOutputs = []struct{ command, stdout *regexp.Regexp }{
	{regexp.MustCompile(`^mcpg-plugins verify `), regexp.MustCompile(`(?m)^Verification: PASSED$`)},
	{regexp.MustCompile(`^mcpg-plugins push .*--gateway-tags`), regexp.MustCompile(`(?m)protocol-1-` + runtime.GOOS + `-` + runtime.GOARCH + `$`)},
	{regexp.MustCompile(`^mcpg-plugins cache ls`), regexp.MustCompile(`hello-gate`)},
	{regexp.MustCompile(`^mcpg-plugins test .*--tool debug_dump`), regexp.MustCompile(`"deny"`)},
}

func TestReadmeTour(t *testing.T) {
	for _, tool := range []string{"cc", "ssh-keygen", "sha256sum", "bash"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("the tour needs %s", tool)
		}
	}
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	lines, skipped, err := tourCommands(string(readme))
	if err != nil {
		t.Fatal(err)
	}
	if len(skipped) > maxSkipped {
		t.Fatalf("%d tour lines are marked %q (at most %d): %q", len(skipped), skipMarker, maxSkipped, skipped)
	}
	if len(lines) < 20 {
		t.Fatalf("found only %d commands in the README's tour", len(lines))
	}

	work := t.TempDir()
	home := filepath.Join(work, "home")
	if err := os.Mkdir(home, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.CopyFS(filepath.Join(work, "examples"), os.DirFS("../examples")); err != nil {
		t.Fatal(err)
	}
	registry := startRegistry(t, work)
	platform := runtime.GOOS + "_" + runtime.GOARCH
	replacer := strings.NewReplacer("ghcr.io", registry, "localhost:5000", registry, "linux_amd64", platform)
	env := tourEnv(home)

	for _, line := range lines {
		command := replacer.Replace(line)
		stdout, stderr, err := runTourLine(work, env, command)
		if err != nil {
			t.Fatalf("tour line failed (%v):\n  %s\nstdout:\n%s\nstderr:\n%s", err, line, stdout, stderr)
		}
		for _, o := range tourOutputs {
			if o.command.MatchString(command) && !o.stdout.MatchString(stdout) {
				t.Errorf("tour line %q: no %q in its stdout:\n%s", line, o.stdout, stdout)
			}
		}
	}

	// What was pushed to the registry comes back byte for byte.
	pushed, err := os.ReadFile(filepath.Join(work, "mcpg-plugin-hello-gate_0.1.0_"+platform+".zip"))
	if err != nil {
		t.Fatal(err)
	}
	pulled, err := os.ReadFile(filepath.Join(work, "pulled.zip"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pushed, pulled) {
		t.Error("pulled.zip differs from the package the tour pushed")
	}
}

// tourCommands returns the command lines of the README's tour block (comments and blank lines
// dropped, backslash continuations joined) and the lines marked with skipMarker.
func tourCommands(readme string) (lines, skipped []string, err error) {
	_, after, ok := strings.Cut(readme, "\n"+tourHeading+"\n")
	if !ok {
		return nil, nil, fmt.Errorf("README.md has no %q section", tourHeading)
	}
	_, block, ok := strings.Cut(after, "\n```sh\n")
	if !ok {
		return nil, nil, fmt.Errorf("the tour has no ```sh block")
	}
	block, _, ok = strings.Cut(block, "\n```\n")
	if !ok {
		return nil, nil, fmt.Errorf("the tour's ```sh block does not end")
	}
	var pending string
	sc := bufio.NewScanner(strings.NewReader(block))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if continued, ok := strings.CutSuffix(line, `\`); ok {
			pending += continued + " "
			continue
		}
		line, pending = pending+line, ""
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
		case strings.Contains(line, skipMarker):
			skipped = append(skipped, line)
		default:
			lines = append(lines, line)
		}
	}
	return lines, skipped, nil
}

// tourEnv is a user's environment with the built tools first on PATH and a fresh home, so the tour
// sees no real keys, caches or docker credentials.
func tourEnv(home string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch {
		case name == "PATH", name == "HOME", name == "DOCKER_CONFIG", strings.HasPrefix(name, "XDG_"),
			strings.HasPrefix(name, "MCPG_") && name != "MCPG_TEST_TOOLS" && name != "MCPG_RUST_FIXTURES":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "PATH="+binDir+string(os.PathListSeparator)+os.Getenv("PATH"), "HOME="+home, "GHCR_TOKEN=tour-token")
}

// runTourLine runs one line with bash in its own process group, killed whole after a minute.
func runTourLine(dir string, env []string, line string) (stdout, stderr string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-e", "-o", "pipefail", "-c", line)
	cmd.Dir, cmd.Env = dir, env
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	return out.String(), errOut.String(), err
}

// startRegistry runs the CNCF distribution registry of scripts/install-test-tools on a free port of
// 127.0.0.1 until the test ends, and returns its host:port.
func startRegistry(t *testing.T, work string) string {
	t.Helper()
	tools := os.Getenv("MCPG_TEST_TOOLS")
	if tools == "" {
		tools = "../.tools/bin"
	}
	bin := filepath.Join(tools, "registry")
	if _, err := os.Stat(bin); err != nil {
		t.Fatal("the distribution registry is not installed: run scripts/install-test-tools (or set MCPG_TEST_TOOLS)")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	host := l.Addr().String()
	l.Close()
	config := filepath.Join(work, "registry.yml")
	yml := fmt.Sprintf("version: 0.1\nlog: {level: error}\nstorage: {filesystem: {rootdirectory: %s}}\nhttp: {addr: %s}\n",
		filepath.Join(work, "registry-data"), host)
	if err := os.WriteFile(config, []byte(yml), 0o644); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(work, "registry.log")
	logs, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logs.Close()
	cmd := exec.Command(bin, "serve", config)
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	client := &http.Client{Timeout: time.Second}
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if resp, err := client.Get("http://" + host + "/v2/"); err == nil {
			resp.Body.Close()
			return host
		}
		if time.Now().After(deadline) {
			text, _ := os.ReadFile(logPath)
			t.Fatalf("the registry did not answer on %s within 15 s:\n%s", host, text)
		}
	}
}
