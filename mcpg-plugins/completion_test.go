package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// completionScript runs `mcpg-plugins completion <shell>` with the real tools installed.
func completionScript(t *testing.T, shell string) string {
	t.Helper()
	path := strings.Join([]string{binDir, moreToolsDir, systemPath(t)}, string(os.PathListSeparator))
	cmd := exec.Command(filepath.Join(binDir, "mcpg-plugins"+exeSuffix), "completion", shell)
	cmd.Env = append(os.Environ(), "PATH="+path)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("mcpg-plugins completion %s: %v", shell, err)
	}
	return string(out)
}

// TestBashCompletion sources the generated script in a real bash and calls its completion
// function as bash would (COMP_WORDS, COMP_CWORD), checking COMPREPLY: commands, flags and
// subcommands of the installed tools, file names for flag values and arguments.
func TestBashCompletion(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "mcpg-plugins.bash")
	if err := os.WriteFile(script, []byte(completionScript(t, "bash")), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"hello.zip", "hello.zip.sig", "key.pub"} {
		if err := os.WriteFile(filepath.Join(dir, f), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		words []string // the last is the word being completed
		want  string   // COMPREPLY, space-separated, in order
	}{
		{[]string{"mcpg-plugins", "ver"}, "verify version"},
		{[]string{"mcpg-plugins", "verify", "--k"}, "--key"},
		{[]string{"mcpg-plugins", "cache", "g"}, "gc"},
		{[]string{"mcpg-plugins", "cache", "gc", "--o"}, "--older-than"},
		{[]string{"mcpg-plugins", "cache", "--json", "l"}, "ls"},
		{[]string{"mcpg-plugins", "pull", "-"}, "--help -h --ca-file --cert-file --default-registry --docker-config --gateway-ref --insecure-registry --insecure-skip-tls-verify --into-gateway-cache --json --key-file --mirror --no-docker-config --oci-layout --output -o --password -p --password-stdin --platform --resolve-like-gateway --response-timeout --retries --stall-timeout --strict-auth --username -u"},
		{[]string{"mcpg-plugin", "sign", "--output", "hello.zip.s"}, "hello.zip.sig"},        // a flag's value: files
		{[]string{"mcpg-plugins", "verify", "--key", "=", "ke"}, "key.pub"},                  // --key=ke with = breaking words
		{[]string{"mcpg-plugins", "verify", "--key=ke"}, "--key=key.pub"},                    // and without
		{[]string{"mcpg-plugins", "verify", "--json", "hello.z"}, "hello.zip hello.zip.sig"}, // arguments: files
		{[]string{"mcpg-plugins", "hash", "--", "--j"}, ""},                                  // after --, no flags
		{[]string{"mcpg-plugins", "help", "c"}, "cache commands completion"},
		{[]string{"mcpg-plugins", "completion", ""}, "bash fish zsh"},
		{[]string{"mcpg-plugins", "--v"}, "--version"},
		{[]string{"mcpg-plugins", "version", "--"}, "--help --json"},
		{[]string{"mcpg-plugins", "pa"}, ""}, // plugin-pack is not installed here: no pack
	}
	var driver strings.Builder
	driver.WriteString("source " + singleQuote(script) + "\n")
	driver.WriteString(`comp() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _mcpg_plugins; echo "${COMPREPLY[*]}"; }` + "\n")
	for _, c := range cases {
		quoted := make([]string, len(c.words))
		for i, w := range c.words {
			quoted[i] = singleQuote(w)
		}
		driver.WriteString("comp " + strings.Join(quoted, " ") + "\n")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bash, "--norc", "--noprofile", "-c", driver.String())
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	got := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(got) != len(cases) {
		t.Fatalf("bash printed %d lines for %d completions:\n%s", len(got), len(cases), out)
	}
	for i, c := range cases {
		if got[i] != c.want {
			t.Errorf("completing %q: COMPREPLY = %q, want %q", strings.Join(c.words, " "), got[i], c.want)
		}
	}
}

// TestZshFishCompletionParse checks the zsh and fish scripts with the shells' own parsers, when
// they are installed (the bash script is the one run for real).
func TestZshFishCompletionParse(t *testing.T) {
	for _, shell := range []string{"zsh", "fish"} {
		t.Run(shell, func(t *testing.T) {
			sh, err := exec.LookPath(shell)
			if err != nil {
				t.Skipf("%s is not installed", shell)
			}
			script := filepath.Join(t.TempDir(), "completion."+shell)
			if err := os.WriteFile(script, []byte(completionScript(t, shell)), 0o644); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			if out, err := exec.CommandContext(ctx, sh, "-n", script).CombinedOutput(); err != nil {
				t.Errorf("%s -n: %v\n%s", shell, err, out)
			}
		})
	}
}
