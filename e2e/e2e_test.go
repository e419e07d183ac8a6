// Package e2e runs testscript files across all tools at once, as users run them: the real binaries,
// built here from the workspace, reached through the dispatcher and directly, on plugins compiled by
// the C compiler and keys made by ssh-keygen and openssl.
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/clitest"
)

var tools = []string{"mcpg-plugins", "plugin-hash", "plugin-sign", "plugin-pack", "plugin-oci", "plugin-harness", "plugin-new", "plugin-check"}

var binDir string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "mcpg-e2e-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	for _, t := range tools {
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, t), "../"+t)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "building %s: %v\n%s", t, err, out)
			os.RemoveAll(dir)
			os.Exit(1)
		}
	}
	if err := os.Symlink("mcpg-plugins", filepath.Join(dir, "mcpg-plugin")); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

func TestScripts(t *testing.T) {
	examples, err := filepath.Abs("../examples")
	if err != nil {
		t.Fatal(err)
	}
	clitest.RunWith(t, "testdata/script", clitest.Options{
		PathFirst: binDir,
		Vars:      map[string]string{"EXAMPLES": examples, "HOSTOS": runtime.GOOS, "HOSTARCH": runtime.GOARCH},
	})
}
