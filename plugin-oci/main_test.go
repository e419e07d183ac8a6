package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/mcpg-dev/mcpg-plugins/shared/clitest"
)

func TestMain(m *testing.M) {
	// Keep the in-process Go tests' digest cache out of the real home. Not when this binary runs
	// as plugin-oci for a script (TestMain runs there too): scripts set their own HOME.
	if filepath.Base(os.Args[0]) != "plugin-oci" {
		if dir, err := os.MkdirTemp("", "plugin-oci-test-cache-"); err == nil {
			os.Setenv("XDG_CACHE_HOME", dir)
			testscript.Main(removeAfterRun{m, dir}, map[string]func(){"plugin-oci": main})
		}
	}
	testscript.Main(m, map[string]func(){"plugin-oci": main})
}

// removeAfterRun removes dir once the tests have run: testscript.Main exits, so a defer would not.
type removeAfterRun struct {
	m   *testing.M
	dir string
}

func (r removeAfterRun) Run() int {
	defer os.RemoveAll(r.dir)
	return r.m.Run()
}

// TestScripts runs testdata/script/*.txtar against the real plugin-oci binary.
func TestScripts(t *testing.T) { clitest.Run(t, "testdata/script") }
