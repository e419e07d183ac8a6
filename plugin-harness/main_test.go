package main

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/clitest"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"plugin-harness": main})
}

// TestScripts runs testdata/script/*.txtar against the real plugin-harness binary. The scripts
// build the C fixture in $FIXTURE with cc; the [native] condition holds where the harness drives
// native plugins (linux/amd64).
func TestScripts(t *testing.T) {
	fixture, err := filepath.Abs("testdata/fixture")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:  "testdata/script",
		Cmds: clitest.Commands(),
		Setup: func(e *testscript.Env) error {
			e.Setenv("HOME", e.WorkDir+"/home")
			e.Setenv("NO_COLOR", "1")
			e.Setenv("MCPG_PLUGIN_DIR", "")
			e.Setenv("FIXTURE", fixture)
			return os.MkdirAll(e.WorkDir+"/home", 0o755)
		},
		Condition: func(cond string) (bool, error) {
			if cond == "native" {
				return runtime.GOOS == "linux" && runtime.GOARCH == "amd64", nil
			}
			return false, nil
		},
		UpdateScripts: os.Getenv("UPDATE_SCRIPTS") == "1",
	})
}
