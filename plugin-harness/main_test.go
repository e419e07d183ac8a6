package main

import (
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
	clitest.RunWith(t, "testdata/script", clitest.Options{
		Vars: map[string]string{"FIXTURE": fixture},
		Condition: func(cond string) (bool, error) {
			if cond == "native" {
				return runtime.GOOS == "linux" && runtime.GOARCH == "amd64", nil
			}
			return false, nil
		},
	})
}
