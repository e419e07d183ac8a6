package main

import (
	"path/filepath"
	"runtime"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/clitest"
)

// TestHarnessScripts runs testdata/harness/*.txtar (--test) with a plugin-harness built from this
// checkout first on $PATH, and the harness's C fixture in $FIXTURE.
func TestHarnessScripts(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the C fixture is built and loaded on Linux only")
	}
	dir := t.TempDir()
	buildTool(t, "plugin-harness", dir)
	fixture, err := filepath.Abs("../plugin-harness/testdata/fixture")
	if err != nil {
		t.Fatal(err)
	}
	clitest.RunWith(t, "testdata/harness", clitest.Options{PathFirst: dir, Vars: map[string]string{"FIXTURE": fixture}})
}
