package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/clitest"
)

// TestHarnessScripts runs testdata/harness/*.txtar (--test) with a plugin-harness built from this
// checkout first on $PATH, and the harness's C fixture in $FIXTURE.
func TestHarnessScripts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds plugin-harness")
	}
	if runtime.GOOS != "linux" {
		t.Skip("the C fixture is built and loaded on Linux only")
	}
	dir := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "plugin-harness"), "../plugin-harness")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building plugin-harness: %v\n%s", err, out)
	}
	fixture, err := filepath.Abs("../plugin-harness/testdata/fixture")
	if err != nil {
		t.Fatal(err)
	}
	clitest.RunWith(t, "testdata/harness", clitest.Options{PathFirst: dir, Vars: map[string]string{"FIXTURE": fixture}})
}
