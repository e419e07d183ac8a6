//go:build unix

package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// scripts/test names every missing prerequisite at once, before it builds or runs anything.
func TestScriptsTestNamesMissingTools(t *testing.T) {
	// A PATH holding only what the script needs to get as far as its check, and go.
	path := t.TempDir()
	for _, tool := range []string{"bash", "dirname", "go"} {
		found, err := exec.LookPath(tool)
		if err != nil {
			t.Skipf("needs %s", tool)
		}
		if err := os.Symlink(found, filepath.Join(path, tool)); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(filepath.Join(path, "bash"), "../scripts/test")
	cmd.Env = []string{"PATH=" + path, "HOME=" + t.TempDir()}
	out, err := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); err == nil || code != 1 {
		t.Fatalf("scripts/test without its tools: exit %d (%v), want 1:\n%s", code, err, out)
	}
	for _, tool := range []string{"cc", "cargo", "rustc", "nm", "python3", "ssh-keygen", "openssl", "zip", "unzip", "zipinfo", "mkfifo", "truncate"} {
		if !regexp.MustCompile(`(?m)^  ` + regexp.QuoteMeta(tool) + `: `).Match(out) {
			t.Errorf("scripts/test does not name the missing %s:\n%s", tool, out)
		}
	}
	if strings.Contains(string(out), "==") {
		t.Errorf("scripts/test went on past its check:\n%s", out)
	}
}

// scripts/demo echoes each command so that it pastes back as it ran (quotes kept), and without
// terminal escapes when its output is not a terminal.
func TestDemoEchoesPasteableCommands(t *testing.T) {
	demo, err := os.ReadFile("../scripts/demo")
	if err != nil {
		t.Fatal(err)
	}
	// The demo's helpers, from shell_quote to step, run on their own.
	text := string(demo)
	start := strings.Index(text, "\nshell_quote() {")
	end := strings.Index(text, "\nstep() {")
	if start < 0 || end < start {
		t.Fatal("scripts/demo has no shell_quote() … step() helpers")
	}
	stepEnd := strings.Index(text[end+1:], "\n")
	helpers := text[start:end+1+stepEnd] + "\n"
	script := "out=/demo/out root=/repo\n" + helpers +
		`step printf '<%s>\n' --arguments '{"path":"/etc"}' "it's" 'a b' '' /demo/out/plain.zip` + "\n"
	out, err := exec.Command("bash", "-c", script).Output()
	if err != nil {
		t.Fatal(err)
	}
	want := "\n$ printf '<%s>\\n' --arguments '{\"path\":\"/etc\"}' 'it'\\''s' 'a b' '' plain.zip\n" +
		"<--arguments>\n<{\"path\":\"/etc\"}>\n<it's>\n<a b>\n<>\n</demo/out/plain.zip>\n"
	if string(out) != want {
		t.Errorf("step echoed\n%q\nwant\n%q", out, want)
	}
	// The echoed line, run by a shell, gives the same arguments.
	echoed := strings.TrimPrefix(strings.Split(string(out), "\n")[1], "$ ")
	again, err := exec.Command("bash", "-c", strings.Replace(echoed, "plain.zip", "/demo/out/plain.zip", 1)).Output()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(out), string(again)) {
		t.Errorf("the echoed command does not paste back: %q gives %q", echoed, again)
	}
}
