//go:build unix

package e2e

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/testregistry"
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
	{regexp.MustCompile(`^mcpg-plugins check gateway.yaml$`), regexp.MustCompile(`(?m)^  ✓ com.example.hello-gate loads .*signature verified.*\n(?s:.*)^boot: ✓ `)},
	{regexp.MustCompile(`^mcpg-plugins check gateway.yaml --json`), regexp.MustCompile(`"exit_code": 0`)},
	{regexp.MustCompile(`^mcpg-plugins check - <`), regexp.MustCompile(`(?m)^config: <stdin>$(?s:.*)^boot: ✓ `)},
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
	registry := testregistry.Start(t, testregistry.Options{}).Host
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

// heredocStart finds a here-document on a command line (<<WORD, <<-WORD, <<'WORD', <<"WORD"; not
// a <<< here-string): its body follows the line, up to the line that is WORD alone.
var heredocStart = regexp.MustCompile(`(?:^|[^<])<<(-?)[ \t]*(['"]?)([A-Za-z_][A-Za-z0-9_]*)(['"]?)(?:[^<]|$)`)

// tourCommands returns the command lines of the README's tour block (comments and blank lines
// dropped, backslash continuations joined, a here-document kept verbatim with the line that starts
// it, as one command) and the lines marked with skipMarker.
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
	var pending, heredoc string
	stripTabs := false
	sc := bufio.NewScanner(strings.NewReader(block))
	for sc.Scan() {
		if heredoc != "" {
			raw := sc.Text()
			pending += "\n" + raw
			if raw == heredoc || stripTabs && strings.TrimLeft(raw, "\t") == heredoc {
				lines, pending, heredoc = append(lines, pending), "", ""
			}
			continue
		}
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
			if m := heredocStart.FindStringSubmatch(line); m != nil && m[2] == m[4] {
				pending, heredoc, stripTabs = line, m[3], m[1] == "-"
				continue
			}
			lines = append(lines, line)
		}
	}
	if heredoc != "" {
		return nil, nil, fmt.Errorf("the tour's here-document %q does not end:\n%s", heredoc, pending)
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

// The parser itself: a here-document stays one command with its body as written (indentation and
// # lines included), the lines around it are still one command each.
func TestTourCommandsHeredoc(t *testing.T) {
	readme := "x\n" + tourHeading + "\n\n```sh\n" +
		"echo one   \n" +
		"cat > c.yaml <<EOF\n" +
		"plugins:\n" +
		"  # kept\n" +
		"  - id: a\n" +
		"EOF\n" +
		"cat <<< here-string\n" +
		"cat <<-'END' | wc -l\n" +
		"\tx\n" +
		"\tEND\n" +
		"echo two\n" +
		"```\n"
	lines, _, err := tourCommands(readme)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"echo one",
		"cat > c.yaml <<EOF\nplugins:\n  # kept\n  - id: a\nEOF",
		"cat <<< here-string",
		"cat <<-'END' | wc -l\n\tx\n\tEND",
		"echo two",
	}
	if strings.Join(lines, "\x00") != strings.Join(want, "\x00") {
		t.Errorf("got %q\nwant %q", lines, want)
	}
	if _, _, err := tourCommands(strings.Replace(readme, "EOF\ncat <<<", "cat <<<", 1)); err == nil || !strings.Contains(err.Error(), "does not end") {
		t.Errorf("an unterminated here-document: got %v", err)
	}
}
