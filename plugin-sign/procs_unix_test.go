//go:build unix

package main

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/clitest"
	"github.com/rogpeppe/go-internal/testscript"
	"golang.org/x/sys/unix"
)

// Script commands for the --subprocess process-handling scripts: they wait for pid files a
// signer writes, signal the tool, check that the processes are gone and time the tool.
func init() {
	// waitfile FILE: wait (at most 10s) until FILE exists and is not empty.
	clitest.Register("waitfile", func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 1 {
			ts.Fatalf("usage: waitfile FILE")
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
	// signal INT|TERM|HUP PIDFILE: send the signal to the process whose pid is in PIDFILE.
	clitest.Register("signal", func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 2 {
			ts.Fatalf("usage: signal INT|TERM|HUP PIDFILE")
		}
		sig := unix.SignalNum("SIG" + args[0])
		if sig == 0 {
			ts.Fatalf("unknown signal %s", args[0])
		}
		ts.Check(syscall.Kill(readPid(ts, args[1]), sig))
	})
	// gone PIDFILE...: every process named by a pid file has ended (or is a zombie nobody reaped
	// yet) within 3s.
	clitest.Register("gone", func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) == 0 {
			ts.Fatalf("usage: gone PIDFILE...")
		}
		deadline := time.Now().Add(3 * time.Second)
		for _, file := range args {
			pid := readPid(ts, file)
			for alive(pid) {
				if time.Now().After(deadline) {
					ts.Fatalf("process %d (%s) is still running", pid, file)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
	})
	// stopwatch start | stopwatch max DURATION: time the commands in between.
	clitest.Register("stopwatch", func(ts *testscript.TestScript, neg bool, args []string) {
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

func readPid(ts *testscript.TestScript, file string) int {
	pid, err := strconv.Atoi(strings.TrimSpace(ts.ReadFile(file)))
	ts.Check(err)
	if pid <= 1 {
		ts.Fatalf("%s: pid %d", file, pid)
	}
	return pid
}

// alive reports whether pid is a process that has not ended: a zombie has ended, and in a
// container whose init does not reap, orphans stay zombies.
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return !os.IsNotExist(err) || !isDir("/proc/self")
	}
	// the state follows the command name, which is in parentheses and may contain spaces
	rest := stat[strings.LastIndexByte(string(stat), ')')+1:]
	return !strings.HasPrefix(strings.TrimSpace(string(rest)), "Z")
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}
