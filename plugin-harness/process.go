package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/native"
	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
)

// workerWrapperEnv names a command line to run the worker under, e.g. "valgrind --leak-check=full".
const workerWrapperEnv = "MCPG_HARNESS_WORKER_WRAPPER"

// runWorkerProcess starts the worker, follows its report, judges the registration before letting
// it drive the plugin, and judges every call. Each step gets timeout; a step that overruns kills
// the worker. The result is nil when the contract was respected.
func runWorkerProcess(r *report, desc *descriptor.Descriptor, req workerRequest, timeout time.Duration) error {
	self, err := os.Executable()
	if err != nil {
		return cli.Failf("cannot find the plugin-harness executable to start a worker: %v", err)
	}
	reportR, reportW, err := os.Pipe()
	if err != nil {
		return cli.Failf("cannot create the worker's report pipe: %v", err)
	}
	defer reportR.Close()
	cmd := exec.Command(self, workerCommand)
	cmd.Args[0] = os.Args[0] // a multi-call binary (the test binary) dispatches on argv[0]
	if wrapper := strings.Fields(os.Getenv(workerWrapperEnv)); len(wrapper) > 0 {
		// A memory checker around the worker only (valgrind, the leak tests): the parent stays fast.
		cmd = exec.Command(wrapper[0], append(wrapper[1:], self, workerCommand)...)
	}
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return cli.Failf("cannot start a worker: %v", err)
	}
	stdout, stderr := &capped{max: 64 << 10}, &capped{max: 64 << 10}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.ExtraFiles = []*os.File{reportW}
	cmd.WaitDelay = time.Second
	if err := cmd.Start(); err != nil {
		reportW.Close()
		return cli.Failf("cannot start a worker: %v", err)
	}
	reportW.Close()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	in, _ := json.Marshal(req)
	_, _ = stdin.Write(append(in, '\n'))

	messages := make(chan workerMessage)
	go func() {
		defer close(messages)
		dec := json.NewDecoder(bufio.NewReader(reportR))
		for {
			var m workerMessage
			if dec.Decode(&m) != nil {
				return
			}
			messages <- m
		}
	}()

	defer func() {
		r.PluginStdout, r.PluginStderr = strings.TrimSpace(stdout.String()), pluginStderr(stderr.String())
	}()
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	var verdict error
	finished, done := false, false
	for !finished {
		select {
		case m, ok := <-messages:
			if !ok {
				finished = true
				break
			}
			timer.Reset(timeout)
			switch {
			case m.Phase != "":
				r.Phase = m.Phase
			case m.Call != nil:
				r.Calls = append(r.Calls, m.Call)
				if len(m.Call.Violations) == 0 && m.Call.Purpose == "" {
					r.Exercised = true
				}
			case m.Registration != nil:
				r.Registration, r.LoadNanos = m.Registration, m.LoadNanos
				verdict = judge(r, desc, m.Registration, m.DerivedManifest)
				if verdict == nil && !native.Driven(desc.Class) {
					r.Note = fmt.Sprintf("%s entities are not driven by this harness yet: the plugin loaded and passed "+
						"the gateway's load checks, but no %s slot was called", desc.Class, desc.Class)
					verdict = cli.Unsupportedf("%s: %s", r.Package, r.Note)
				}
				decision, _ := json.Marshal(driveDecision{Drive: verdict == nil})
				_, _ = stdin.Write(append(decision, '\n'))
			case m.Error != "":
				if m.Unsupported {
					return cli.Unsupportedf("%s: %s", r.Package, m.Error)
				}
				return cli.Failf("%s: %s", r.Package, m.Error)
			case m.Done:
				finished, done = true, true
			}
		case <-timer.C:
			_ = cmd.Process.Kill()
			<-exited
			return cli.Failf("%s: the plugin did not return from %s within %s; the worker was killed", r.Package, step(r), timeout)
		}
	}
	stdin.Close()
	var runErr error
	select {
	case runErr = <-exited:
	case <-time.After(timeout):
		_ = cmd.Process.Kill()
		runErr = <-exited
	}
	if verdict != nil {
		return verdict
	}
	if runErr != nil || !done {
		return crashed(r, req, runErr, stderr.String())
	}
	return contractVerdict(r)
}

func step(r *report) string {
	if r.Phase == "" {
		return "worker start-up"
	}
	return r.Phase
}

// crashed describes a worker that died: where, and how.
func crashed(r *report, req workerRequest, runErr error, stderr string) error {
	if runErr == nil {
		return cli.Failf("%s: the worker ended during %s without a report", r.Package, step(r))
	}
	why := crashReason(runErr, stderr)
	err := cli.Failf("%s: the plugin crashed the worker during %s: %s", r.Package, step(r), why)
	if req.MaxMemory > 0 && (strings.Contains(why, "SIGABRT") || strings.Contains(why, "out of memory") || strings.Contains(why, "SIGKILL")) {
		err = cli.WithHint(err, fmt.Sprintf("if the plugin ran out of memory: it may add at most %d MiB of address space to the worker (--max-memory)", req.MaxMemory>>20))
	}
	return err
}

// contractVerdict is the run's result once every call came back: the first violation or panic.
func contractVerdict(r *report) error {
	for _, c := range r.Calls {
		if len(c.Violations) > 0 {
			return cli.Failf("%s: %s", r.Package, c.Violations[0])
		}
		if c.Panicked {
			return cli.Failf("%s: the plugin panicked during %s (the SDK's panic sentinel came back)", r.Package, c.Slot)
		}
	}
	return nil
}

// pluginStderr keeps what the plugin wrote, without the Go runtime's crash dump of the worker.
func pluginStderr(s string) string {
	if i := strings.Index(s, "\ngoroutine "); i >= 0 {
		s = s[:i]
	}
	if i := strings.Index(s, "SIGSEGV: segmentation violation"); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}
