//go:build linux

package proc

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// startGroup starts script under sh in dir, catching escapees, and waits until it wrote the
// pid files named.
func startGroup(t *testing.T, dir, script string, pidFiles ...string) (*Group, []int) {
	t.Helper()
	cmd := exec.Command("sh", "-c", script)
	cmd.Dir = dir
	g := &Group{}
	if err := g.Start(cmd, Options{DieWithParent: true, CatchEscapees: true}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Kill() })
	var pids []int
	for _, name := range pidFiles {
		for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(5 * time.Millisecond) {
			data, _ := os.ReadFile(filepath.Join(dir, name))
			if pid, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil && strings.HasSuffix(string(data), "\n") {
				pids = append(pids, pid)
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s was not written", name)
			}
		}
	}
	return g, pids
}

func checkEnded(t *testing.T, pids ...int) {
	t.Helper()
	for _, pid := range pids {
		if Running(pid) {
			_ = exec.Command("kill", "-9", strconv.Itoa(pid)).Run()
			t.Errorf("process %d still runs", pid)
		}
	}
}

const escape = `setsid sh -c 'echo $$ > esc; exec sleep 30' >/dev/null 2>&1 & `

// Stop on a leader that ignores SIGTERM: the grace, then its group and the escapee are killed.
func TestStopKillsGroupAndEscapee(t *testing.T) {
	g, pids := startGroup(t, t.TempDir(), escape+`trap "" TERM; sleep 30 & echo $! > child; echo $$ > leader; wait`, "esc", "child", "leader")
	start := time.Now()
	g.Stop(200 * time.Millisecond)
	if took := time.Since(start); took < 200*time.Millisecond || took > 3*time.Second {
		t.Errorf("Stop took %v", took)
	}
	<-g.Exited()
	if g.Err() == nil {
		t.Error("the killed leader reports success")
	}
	checkEnded(t, pids...)
}

// A leader that ended by itself: what it left, in its group or not, is killed and counted.
func TestKillCountsWhatOutlivedTheLeader(t *testing.T) {
	g, pids := startGroup(t, t.TempDir(), escape+`sleep 30 & echo $! > child; while [ ! -s esc ]; do sleep 0.01; done`, "esc", "child")
	<-g.Exited()
	if n := g.Kill(); n != 2 {
		t.Errorf("Kill counted %d processes that outlived the leader, want 2", n)
	}
	checkEnded(t, pids...)
	if children := Children(os.Getpid()); len(children) != 0 {
		t.Errorf("children left unreaped: %v", children)
	}
}

func TestZeroGroup(t *testing.T) {
	var g Group
	g.Stop(time.Second)
	if g.Kill() != 0 || g.Pid() != 0 || g.Err() != nil {
		t.Error("a group never started does something")
	}
}
