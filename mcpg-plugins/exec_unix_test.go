//go:build unix

package main

import (
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestExecRetriesTextFileBusy: a tool still open for writing somewhere (here, in this process,
// for 150 ms) is run once it is closed, not refused with "text file busy".
func TestExecRetriesTextFileBusy(t *testing.T) {
	dir := t.TempDir()
	cp(t, filepath.Join(binDir, "mcpg-plugins"), filepath.Join(dir, "mcpg-plugins"))
	src, err := os.Open(filepath.Join(binDir, "plugin-hash"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	tool, err := os.OpenFile(filepath.Join(dir, "plugin-hash"), os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(tool, src); err != nil {
		t.Fatal(err)
	}
	go func() {
		time.Sleep(150 * time.Millisecond)
		tool.Close()
	}()
	cmd := exec.Command(filepath.Join(dir, "mcpg-plugins"), "hash", "-")
	cmd.Stdin = strings.NewReader("hello\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	if !strings.HasPrefix(string(out), "sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03") {
		t.Errorf("output %q", out)
	}
}

func cp(t *testing.T, from, to string) {
	t.Helper()
	data, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, data, 0o755); err != nil {
		t.Fatal(err)
	}
}
