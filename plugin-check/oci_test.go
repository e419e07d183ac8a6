package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/clitest"
	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
	"github.com/mcpg-dev/mcpg-plugins/shared/testregistry"
)

// TestOCIScripts runs testdata/oci/*.txtar against the real distribution registry the other
// modules' tests use (scripts/install-test-tools puts it in .tools/bin, or $MCPG_TEST_TOOLS), on
// 127.0.0.1 ($REGISTRY), with plugin-oci built from this checkout first on $PATH.
func TestOCIScripts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds plugin-oci and starts a registry")
	}
	if testregistry.Tool("registry") == "" {
		t.Skip("the distribution registry binary is not installed: run scripts/install-test-tools (or set MCPG_TEST_TOOLS)")
	}
	dir := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "bin", "plugin-oci"), "../plugin-oci")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building plugin-oci: %v\n%s", err, out)
	}
	host := testregistry.Start(t, testregistry.Options{}).Host
	clitest.RunWith(t, "testdata/oci", clitest.Options{PathFirst: filepath.Join(dir, "bin"),
		Vars: map[string]string{"REGISTRY": host, "PLATFORM": oci.NativePlatform(), "DOCKER_CONFIG": filepath.Join(dir, "docker")}})
}
