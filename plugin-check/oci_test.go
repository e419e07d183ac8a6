package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/clitest"
	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
)

// TestOCIScripts runs testdata/oci/*.txtar against the real distribution registry the other
// modules' tests use (scripts/install-test-tools puts it in .tools/bin, or $MCPG_TEST_TOOLS), on
// 127.0.0.1 ($REGISTRY), with plugin-oci built from this checkout first on $PATH.
func TestOCIScripts(t *testing.T) {
	if testing.Short() {
		t.Skip("builds plugin-oci and starts a registry")
	}
	bin := testTool("registry")
	if bin == "" {
		t.Skip("the distribution registry binary is not installed: run scripts/install-test-tools (or set MCPG_TEST_TOOLS)")
	}
	dir := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(dir, "bin", "plugin-oci"), "../plugin-oci")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building plugin-oci: %v\n%s", err, out)
	}
	host := startRegistry(t, bin, dir)
	clitest.RunWith(t, "testdata/oci", clitest.Options{PathFirst: filepath.Join(dir, "bin"),
		Vars: map[string]string{"REGISTRY": host, "PLATFORM": oci.NativePlatform(), "DOCKER_CONFIG": filepath.Join(dir, "docker")}})
}

// testTool finds a test tool as plugin-oci's tests do: $MCPG_TEST_TOOLS, else .tools/bin in a
// parent of the working directory.
func testTool(name string) string {
	dir := os.Getenv("MCPG_TEST_TOOLS")
	if dir == "" {
		wd, _ := os.Getwd()
		for d := wd; ; d = filepath.Dir(d) {
			if st, err := os.Stat(filepath.Join(d, ".tools", "bin")); err == nil && st.IsDir() {
				dir = filepath.Join(d, ".tools", "bin")
				break
			}
			if filepath.Dir(d) == d {
				return ""
			}
		}
	}
	p := filepath.Join(dir, name)
	if st, err := os.Stat(p); err != nil || st.IsDir() {
		return ""
	}
	return p
}

// startRegistry serves a plain-HTTP registry on a free 127.0.0.1 port for the test's lifetime.
func startRegistry(t *testing.T, bin, dir string) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	host := l.Addr().String()
	l.Close()
	conf := filepath.Join(dir, "registry.yaml")
	storage := filepath.Join(dir, "storage")
	cfg := fmt.Sprintf("version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: %q\nhttp:\n  addr: %q\n  secret: plugin-check-test\n", storage, host)
	if err := os.WriteFile(conf, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "serve", conf)
	cmd.Env = append(os.Environ(), "OTEL_TRACES_EXPORTER=none", "OTEL_SDK_DISABLED=true")
	logs, err := os.Create(filepath.Join(dir, "registry.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait(); logs.Close() })
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if resp, err := http.Get("http://" + host + "/v2/"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return host
			}
		}
	}
	out, _ := os.ReadFile(filepath.Join(dir, "registry.log"))
	t.Fatalf("the registry did not answer on %s: %s", host, out)
	return ""
}
