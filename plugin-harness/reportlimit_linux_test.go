//go:build linux

package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/clitest"
)

// A plugin that writes a 256 MiB line to the worker's report channel (fd 3) from its constructor,
// after forking and daemonising: the harness refuses it once the line passes 16 MiB, kills the
// worker and what the plugin started, removes its directory, and its peak RSS stays under 64 MiB.
// Where the harness cannot become a child subreaper (subreaperHolds) the plugin only forks: nothing
// would find the daemon.
func TestReportFloodRefused(t *testing.T) {
	defines, started := []string{"FORK_CHILD", "DAEMONIZE", "FLOOD_REPORT=268435456"}, 2
	if !subreaperHolds() {
		defines, started = []string{"FORK_CHILD", "FLOOD_REPORT=268435456"}, 1
		t.Log("no child subreaper here: the fixture does not daemonise")
	}
	zip := buildFixture(t, t.TempDir(), "reportflood", defines...)
	tmp, pids := t.TempDir(), filepath.Join(t.TempDir(), "pids")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd, stderr := harness(ctx, t, tmp, pids, "test", zip, "--timeout", "30s")
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	_ = cmd.Run()
	if code := cmd.ProcessState.ExitCode(); code != 1 {
		t.Errorf("exit code %d, want 1; stderr:\n%s", code, stderr)
	}
	want := "reportflood.zip: the worker's report (fd 3) got a message over 16 MiB during dlopen: " +
		"the plugin wrote to the harness's descriptor or returned that much; the worker was killed\n"
	if !strings.Contains(stderr.String(), want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr)
	}
	judgePeakRSS(t, "a 256 MiB line on fd 3", cmd.ProcessState)
	if err := clitest.PidsGone(started, clitest.GonePatience, pids); err != nil {
		t.Error(err)
	}
	if err := clitest.DirEmpty(tmp); err != nil {
		t.Error(err)
	}
}
