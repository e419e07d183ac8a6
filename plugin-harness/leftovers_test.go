package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/clitest"
	"github.com/rogpeppe/go-internal/testscript"
)

// The fixture's misbehaving constructors (FORK_CHILD, DAEMONIZE, EXEC_SLEEP) append the pid of
// every process they start to $FIXTURE_PIDS; these helpers check that none of them survives.

func init() {
	// pids-gone FILE N: FILE lists at least N pids and, within a few seconds, none of them is alive.
	clitest.Register("pids-gone", func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 2 {
			ts.Fatalf("usage: pids-gone FILE N")
		}
		n, err := strconv.Atoi(args[1])
		ts.Check(err)
		ts.Check(pidsGone(ts.MkAbs(args[0]), n, 3*time.Second))
	})
	// dir-empty DIR: DIR exists and holds nothing (the harness's temporary directory is gone).
	clitest.Register("dir-empty", func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 1 {
			ts.Fatalf("usage: dir-empty DIR")
		}
		ts.Check(dirEmpty(ts.MkAbs(args[0])))
	})
}

// readPids reads the pid file the fixture writes.
func readPids(path string) ([]int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, f := range strings.Fields(string(data)) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %q is not a pid", path, f)
		}
		pids = append(pids, pid)
	}
	return pids, nil
}

// pidsGone waits up to patience for every pid in path to end (a zombie counts as ended: it only
// waits for init to reap it), and fails if path lists fewer than min pids.
func pidsGone(path string, min int, patience time.Duration) error {
	pids, err := readPids(path)
	if err != nil {
		return err
	}
	if len(pids) < min {
		return fmt.Errorf("%s lists %d pids, want at least %d: the fixture did not start its processes", path, len(pids), min)
	}
	deadline := time.Now().Add(patience)
	for {
		var alive []int
		for _, pid := range pids {
			if running(pid) {
				alive = append(alive, pid)
			}
		}
		if len(alive) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			for _, pid := range alive {
				if p, err := os.FindProcess(pid); err == nil {
					_ = p.Kill() // the test fails; it still leaves nothing behind
				}
			}
			return fmt.Errorf("processes the plugin started outlived the harness: %v", alive)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// running: the process exists and is not a zombie.
func running(pid int) bool {
	if !pidAlive(pid) {
		return false
	}
	stat, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "stat"))
	if err != nil {
		return !os.IsNotExist(err) || pidAlive(pid)
	}
	i := bytes.LastIndexByte(stat, ')')
	return i < 0 || i+2 >= len(stat) || stat[i+2] != 'Z'
}

func dirEmpty(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		return fmt.Errorf("%s is not empty: %v", dir, names)
	}
	return nil
}
