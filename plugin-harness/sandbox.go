package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/headtail"
	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/wasm"
	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/proc"
)

// A run of `test` leaves nothing behind, however it ends (a verdict, an error, a timeout,
// SIGINT/SIGTERM/SIGHUP, the plugin signalling the tool): the sandbox owns the temporary directory
// holding the unpacked plugin.so, the worker, and every process the plugin starts. The worker gets a
// process group of its own and dies with the tool (parent-death signal); the tool is the subreaper of
// whatever the plugin detaches (setsid, double fork) and kills it (all of it shared/proc); a
// directory left by a tool that was SIGKILLed is swept by the next run.

// tempDirPrefix names a run's directory with its owner's pid, so a later run can tell a stale one.
const tempDirPrefix = "plugin-harness-pid"

// killDeadline bounds how long ending the plugin's processes may take.
const killDeadline = 5 * time.Second

type sandbox struct {
	dir         string
	unregister  func()
	interrupted atomic.Bool
	subreaper   bool // the kernel made this process the reaper of the plugin's escaped processes

	// codeCache is the Wasm code cache a worker of this run may compile into: the staging
	// directories it leaves there are removed with the worker (wasm.SweepCache).
	codeCache string

	mu        sync.Mutex
	worker    *workerProcess
	leftovers int // live processes killed after the worker had ended
}

// openSandbox sweeps stale directories, creates this run's and registers the interrupt cleanup.
func openSandbox() (*sandbox, error) {
	subreaper := proc.BecomeSubreaper()
	sweepStaleDirs(os.TempDir())
	dir, err := os.MkdirTemp("", tempDirPrefix+strconv.Itoa(os.Getpid())+"-")
	if err != nil {
		return nil, fileio.IOError("create a directory in", os.TempDir(), err)
	}
	s := &sandbox{dir: dir, subreaper: subreaper}
	s.unregister = fileio.OnInterrupt(s.interrupt)
	return s, nil
}

// interrupt runs from shared/cli's signal handler, which exits 130 right after.
func (s *sandbox) interrupt() {
	s.interrupted.Store(true)
	s.endProcesses()
	_ = os.RemoveAll(s.dir)
	s.sweepCodeCache()
}

// sweepCodeCache removes what a killed worker's compile left in the code cache.
func (s *sandbox) sweepCodeCache() {
	if s.codeCache != "" {
		wasm.SweepCache(s.codeCache, os.Getpid())
	}
}

// Interrupted reports whether the interrupt cleanup ran; the command should then return at once
// (shared/cli finishes the exit with 130).
func (s *sandbox) Interrupted() bool { return s.interrupted.Load() }

// Close ends every process and removes the directory.
func (s *sandbox) Close() {
	s.endProcesses()
	s.unregister()
	_ = os.RemoveAll(s.dir)
	s.sweepCodeCache()
}

// endProcesses kills the worker's process group if the worker still runs, then every process the
// plugin left that was re-parented to this one; those that outlived a worker that ended by itself
// are the leftovers the report warns about.
func (s *sandbox) endProcesses() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.worker != nil {
		s.leftovers += s.worker.group.Kill()
	}
}

// subreaperMissing is the warning the report carries where escaped processes cannot be found:
// a platform without a child subreaper, or a kernel (or emulator: qemu-user 7.2) that refused it.
func (s *sandbox) subreaperMissing() string {
	const groupOnly = " the harness ends the worker's process group only: a process the plugin moves to its own " +
		"session (setsid, a daemon) is not found and may outlive the test"
	switch {
	case s.subreaper:
		return ""
	case proc.CatchesEscapees:
		return "the harness could not become the child subreaper of the plugin's processes (prctl PR_SET_CHILD_SUBREAPER " +
			"failed, as under qemu-user):" + groupOnly
	}
	return "on " + runtime.GOOS + groupOnly
}

// sweepStaleDirs removes the directories of runs whose tool no longer exists (it was SIGKILLed,
// so no cleanup ran).
func sweepStaleDirs(tmp string) {
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return
	}
	for _, e := range entries {
		rest, ok := strings.CutPrefix(e.Name(), tempDirPrefix)
		if !ok || !e.IsDir() {
			continue
		}
		pidText, _, ok := strings.Cut(rest, "-")
		pid, err := strconv.Atoi(pidText)
		if !ok || err != nil || pid <= 0 || pid == os.Getpid() || proc.Alive(pid) {
			continue
		}
		_ = os.RemoveAll(filepath.Join(tmp, e.Name()))
	}
}

// workerProcess is a started worker: its stdin, its report (fd 3), and its stdout and stderr read
// into bounded captures.
type workerProcess struct {
	group          proc.Group // the worker, its process group and what escapes it
	stdin          io.WriteCloser
	report         *os.File
	stdout, stderr *headtail.Buffer

	outputs   sync.WaitGroup // the stdout and stderr readers
	pipes     []*os.File     // the read ends, closed by finish
	finishing sync.Once
}

// workerWrapperEnv names a command line to run the worker under, e.g. "valgrind --leak-check=full".
const workerWrapperEnv = "MCPG_HARNESS_WORKER_WRAPPER"

// startWorker re-executes this binary as the worker. The plugin owns the worker's stdout and stderr;
// they are read here by goroutines into captures (not by os/exec, whose Wait would wait for every
// process holding the pipes).
func (s *sandbox) startWorker() (*workerProcess, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, cli.Failf("cannot find the plugin-harness executable to start a worker: %v", err)
	}
	cmd := exec.Command(self, workerCommand)
	cmd.Args[0] = os.Args[0] // a multi-call binary (the test binary) dispatches on argv[0]
	if wrapper := strings.Fields(os.Getenv(workerWrapperEnv)); len(wrapper) > 0 {
		// A memory checker around the worker only (valgrind, the leak tests): the parent stays fast.
		cmd = exec.Command(wrapper[0], append(wrapper[1:], self, workerCommand)...)
	}
	w := &workerProcess{stdout: headtail.New(headtail.DefaultLimit), stderr: headtail.New(headtail.DefaultLimit)}
	if w.stdin, err = cmd.StdinPipe(); err != nil {
		return nil, cli.Failf("cannot start a worker: %v", err)
	}
	var childEnds []*os.File
	defer func() {
		for _, f := range childEnds {
			f.Close()
		}
	}()
	pipe := func() *os.File {
		r, wr, perr := os.Pipe()
		if perr != nil {
			err = perr
			return nil
		}
		w.pipes, childEnds = append(w.pipes, r), append(childEnds, wr)
		return wr
	}
	reportW, outW, errW := pipe(), pipe(), pipe()
	if err != nil {
		w.closePipes()
		return nil, cli.Failf("cannot create the worker's pipes: %v", err)
	}
	w.report = w.pipes[0]
	cmd.Stdout, cmd.Stderr, cmd.ExtraFiles = outW, errW, []*os.File{reportW}

	// Under the lock, so that an interrupt either comes first (and nothing starts) or finds the worker.
	// The worker leads a process group of its own (a Ctrl-C at the terminal reaches only the tool,
	// which then ends the group) and dies with the tool.
	s.mu.Lock()
	if s.Interrupted() {
		err = errors.New("interrupted")
	} else if err = w.group.Start(cmd, proc.Options{DieWithParent: true, CatchEscapees: true}); err == nil {
		s.worker = w
	}
	s.mu.Unlock()
	if err != nil {
		w.closePipes()
		return nil, cli.Failf("cannot start a worker: %v", err)
	}
	for i, capture := range []*headtail.Buffer{w.stdout, w.stderr} {
		w.outputs.Add(1)
		go func(r io.Reader) {
			defer w.outputs.Done()
			_, _ = io.Copy(capture, r)
		}(w.pipes[i+1])
	}
	return w, nil
}

// finish ends the worker (after grace, for a worker that is ending by itself) and everything the
// plugin started, and waits for the captures to be complete. After it the captures hold everything
// the plugin wrote and no process of the plugin is left.
func (s *sandbox) finish(w *workerProcess, grace time.Duration) {
	w.finishing.Do(func() {
		select {
		case <-w.group.Exited():
		case <-time.After(grace):
		}
		s.endProcesses()
		select {
		case <-w.group.Exited():
			s.endProcesses() // the worker's death re-parented its children here
		case <-time.After(killDeadline):
		}
		drained := make(chan struct{})
		go func() { w.outputs.Wait(); close(drained) }()
		select {
		case <-drained:
		case <-time.After(time.Second): // a holder of the pipes this platform cannot find
		}
		w.closePipes()
		<-drained
	})
}

func (w *workerProcess) closePipes() {
	for _, f := range w.pipes {
		f.Close()
	}
}

// leftoverWarning describes the processes the plugin left running, if any.
func (s *sandbox) leftoverWarning() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.leftovers == 0 {
		return ""
	}
	return fmt.Sprintf("the plugin started %d process(es) still running after the worker ended (forked, "+
		"daemonised or executed from the plugin); they were killed", s.leftovers)
}
