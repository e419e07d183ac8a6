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
	"github.com/rogpeppe/go-internal/testscript"
)

var tools = []string{"mcpg-plugins", "plugin-hash", "plugin-sign", "plugin-pack", "plugin-oci", "plugin-harness"}

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
	testscript.Run(t, testscript.Params{
		Dir:  "testdata/script",
		Cmds: clitest.Commands(),
		Setup: func(e *testscript.Env) error {
			e.Setenv("PATH", binDir+string(os.PathListSeparator)+os.Getenv("PATH"))
			e.Setenv("HOME", e.WorkDir+"/home")
			e.Setenv("NO_COLOR", "1")
			e.Setenv("MCPG_PLUGIN_DIR", "")
			e.Setenv("EXAMPLES", examples)
			e.Setenv("HOSTOS", runtime.GOOS)
			e.Setenv("HOSTARCH", runtime.GOARCH)
			return os.MkdirAll(e.WorkDir+"/home", 0o755)
		},
		UpdateScripts: os.Getenv("UPDATE_SCRIPTS") == "1",
	})
}
