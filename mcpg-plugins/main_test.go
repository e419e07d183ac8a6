package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/clitest"
	"github.com/rogpeppe/go-internal/testscript"
)

// binDir holds the real binaries the scripts run: the dispatcher, its mcpg-plugin link and
// plugin-hash, built once for the whole test run. moreToolsDir holds plugin-sign and plugin-oci,
// which describe flags and subcommands for completion ($MORETOOLS; not on PATH unless a script
// puts it there).
var binDir, moreToolsDir string

func TestMain(m *testing.M) {
	os.Exit(buildAndRun(m))
}

func buildAndRun(m *testing.M) int {
	dir, err := os.MkdirTemp("", "mcpg-plugins-bin-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binDir, moreToolsDir = filepath.Join(dir, "bin"), filepath.Join(dir, "more")
	for name, pkg := range map[string]string{"bin/mcpg-plugins": ".", "bin/plugin-hash": "../plugin-hash",
		"more/plugin-sign": "../plugin-sign", "more/plugin-oci": "../plugin-oci"} {
		cmd := exec.Command("go", "build", "-o", filepath.Join(dir, name+exeSuffix), pkg)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "building %s: %v\n%s", name, err, out)
			return 1
		}
	}
	if err := os.Symlink("mcpg-plugins"+exeSuffix, filepath.Join(binDir, "mcpg-plugin"+exeSuffix)); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return m.Run()
}

// systemPath is a PATH with only the directories of the few system tools the scripts use, so a
// plugin-* installed on the developer's machine cannot change what the scripts see.
func systemPath(t *testing.T) string {
	var dirs []string
	for _, prog := range []string{"sh", "cat", "chmod"} {
		p, err := exec.LookPath(prog)
		if err != nil {
			t.Fatalf("the dispatcher scripts need %s: %v", prog, err)
		}
		if d := filepath.Dir(p); !contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	return strings.Join(dirs, string(os.PathListSeparator))
}

// TestScripts runs testdata/script/*.txtar. $BIN holds mcpg-plugins, mcpg-plugin and plugin-hash;
// PATH is $BIN then the system directories; $SYSPATH is the system part alone.
func TestScripts(t *testing.T) {
	sys := systemPath(t)
	testscript.Run(t, testscript.Params{
		Dir:  "testdata/script",
		Cmds: clitest.Commands(),
		Setup: func(e *testscript.Env) error {
			e.Setenv("BIN", binDir)
			e.Setenv("MORETOOLS", moreToolsDir)
			e.Setenv("SYSPATH", sys)
			e.Setenv("PATH", binDir+string(os.PathListSeparator)+sys)
			e.Setenv("HOME", e.WorkDir+"/home")
			e.Setenv("NO_COLOR", "1")
			e.Setenv("MCPG_PLUGIN_DIR", "")
			e.Setenv("MCPG_PLUGINS", "")
			return os.MkdirAll(e.WorkDir+"/home", 0o755)
		},
		UpdateScripts: os.Getenv("UPDATE_SCRIPTS") == "1",
	})
}
