package clitest

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/proc"
	"github.com/rogpeppe/go-internal/testscript"
)

// Script commands for the scripts that check no process and no temporary file outlives a tool:
// programs under test write the pids they start to files; these wait for the files, signal the
// tool, check the processes have ended and time the tool.

// GonePatience is how long pids-gone waits for the listed processes to end.
const GonePatience = 3 * time.Second

func init() {
	// wait-file FILE: wait (at most 10s) until FILE exists and is not empty.
	Register("wait-file", func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 1 {
			ts.Fatalf("usage: wait-file FILE")
		}
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			if st, err := os.Stat(ts.MkAbs(args[0])); err == nil && st.Size() > 0 {
				return
			}
			if time.Now().After(deadline) {
				ts.Fatalf("%s did not appear within 10s", args[0])
			}
		}
	})
	// pids-gone [-min N] FILE...: the files list at least N pids (default: each file at least one)
	// and, within GonePatience, none of those processes runs (a zombie has ended). Survivors are
	// killed: the script fails, and still leaves nothing behind.
	Register("pids-gone", func(ts *testscript.TestScript, neg bool, args []string) {
		min := -1
		if len(args) >= 2 && args[0] == "-min" {
			n, err := strconv.Atoi(args[1])
			ts.Check(err)
			min, args = n, args[2:]
		}
		if neg || len(args) == 0 {
			ts.Fatalf("usage: pids-gone [-min N] FILE...")
		}
		files := make([]string, len(args))
		for i, f := range args {
			files[i] = ts.MkAbs(f)
		}
		ts.Check(PidsGone(min, GonePatience, files...))
	})
	// dir-empty DIR: DIR exists and holds nothing (a tool's temporary directory is gone).
	Register("dir-empty", func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 1 {
			ts.Fatalf("usage: dir-empty DIR")
		}
		ts.Check(DirEmpty(ts.MkAbs(args[0])))
	})
	// stopwatch start | stopwatch max DURATION: time the commands in between.
	Register("stopwatch", func(ts *testscript.TestScript, neg bool, args []string) {
		switch {
		case !neg && len(args) == 1 && args[0] == "start":
			ts.Setenv("STOPWATCH", strconv.FormatInt(time.Now().UnixNano(), 10))
		case !neg && len(args) == 2 && args[0] == "max":
			max, err := time.ParseDuration(args[1])
			ts.Check(err)
			start, err := strconv.ParseInt(ts.Getenv("STOPWATCH"), 10, 64)
			ts.Check(err)
			took := time.Since(time.Unix(0, start))
			ts.Logf("took %v", took.Round(time.Millisecond))
			if took > max {
				ts.Fatalf("took %v, more than %v", took.Round(time.Millisecond), max)
			}
		default:
			ts.Fatalf("usage: stopwatch start | stopwatch max DURATION")
		}
	})
}

// ReadPids reads a file of pids separated by white space.
func ReadPids(path string) ([]int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, f := range strings.Fields(string(data)) {
		pid, err := strconv.Atoi(f)
		if err != nil || pid <= 1 {
			return nil, fmt.Errorf("%s: %q is not a pid", path, f)
		}
		pids = append(pids, pid)
	}
	return pids, nil
}

// PidsGone waits up to patience for every process listed in files to end, and fails if the files
// list fewer than min pids (min < 0: if any file lists none). Processes still running at the end
// are killed, so that a failing test leaves nothing behind either.
func PidsGone(min int, patience time.Duration, files ...string) error {
	var pids []int
	for _, file := range files {
		p, err := ReadPids(file)
		if err != nil {
			return err
		}
		if min < 0 && len(p) == 0 {
			return fmt.Errorf("%s lists no pid: the processes were not started", file)
		}
		pids = append(pids, p...)
	}
	if len(pids) < min {
		return fmt.Errorf("%s list %d pids, want at least %d: the processes were not started", strings.Join(files, ", "), len(pids), min)
	}
	deadline := time.Now().Add(patience)
	for {
		var alive []int
		for _, pid := range pids {
			if proc.Running(pid) {
				alive = append(alive, pid)
			}
		}
		if len(alive) == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			for _, pid := range alive {
				if p, err := os.FindProcess(pid); err == nil {
					_ = p.Kill()
				}
			}
			return fmt.Errorf("processes outlived the tool: %v", alive)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// DirEmpty fails unless dir exists and holds nothing.
func DirEmpty(dir string) error {
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
