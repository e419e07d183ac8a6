package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/plugin-harness/native"
	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
)

// guardScale multiplies the waits of the step guard (--timeout, the compile budget), never the
// ffi_limits budgets the worker judges for the gateway. It is 1 in the tool; the tests raise it when
// they run under an emulator, where the harness's own work (starting the worker, dlopen) is many
// times slower (main_test.go, scripts/test-arm64). Messages name the budget as given.
var guardScale time.Duration = 1

// runWorkerProcess starts the worker, follows its report, judges the registration before letting
// it drive the plugin, and judges every call. Each step gets timeout; a step that overruns kills
// the worker. The result is nil when the contract was respected. Whatever way it returns, the
// worker and every process the plugin started are gone.
// progress, when not nil (a terminal), is told when compiling a plugin.wasm takes a while.
func runWorkerProcess(r *report, sb *sandbox, desc *descriptor.Descriptor, req workerRequest, timeout time.Duration, progress io.Writer) error {
	w, err := sb.startWorker()
	if err != nil {
		return err
	}
	quit := make(chan struct{})
	grace := time.Second // for a worker that reported an error and is ending by itself
	caching := false     // the worker goes on compiling for the cache: r.caching waits for it
	defer func() {
		close(quit)
		if caching {
			return
		}
		sb.finish(w, grace)
		// A Wasm guest's output comes in the report (recordWasm); the worker's own streams are
		// added only when something wrote there.
		stdout, stderr := strings.TrimSpace(w.stdout.String()), pluginStderr(w.stderr.String())
		if r.Wasm == nil || stdout != "" {
			r.PluginStdout = joinOutput(r.PluginStdout, stdout)
		}
		if r.Wasm == nil || stderr != "" {
			r.PluginStderr = joinOutput(r.PluginStderr, stderr)
		}
		if warning := sb.leftoverWarning(); warning != "" {
			r.Warnings = append(r.Warnings, warning)
		}
	}()
	in, _ := json.Marshal(req)
	_, _ = w.stdin.Write(append(in, '\n'))
	messages := readReport(w.report, quit)

	budget := timeout // the current step's
	timer := time.NewTimer(budget * guardScale)
	defer timer.Stop()
	var compileNote *time.Timer
	defer func() {
		if compileNote != nil {
			compileNote.Stop()
		}
	}()
	exited := w.group.Exited()
	var verdict error
	finished, done := false, false
	for !finished {
		select {
		case event, ok := <-messages:
			if !ok {
				finished = true
				break
			}
			if event.err != nil {
				grace = 0
				return cli.Failf("%s: the worker's report (fd 3) got %v during %s: the plugin wrote to the harness's descriptor or returned that much; the worker was killed", r.Package, event.err, step(r))
			}
			m := event.msg
			budget = timeout
			if compileNote != nil {
				compileNote.Stop()
				compileNote = nil
			}
			if m.Phase == "compile" && req.Wasm != nil {
				budget = wasmCompileBudget(timeout, req.Path)
				if progress != nil {
					compileNote = time.AfterFunc(time.Second, func() {
						fmt.Fprintf(progress, "compiling plugin.wasm (%s) with wazero; the code is cached for later runs …\n", artifactSize(req.Path))
					})
				}
			}
			timer.Reset(budget * guardScale)
			switch {
			case m.Phase != "":
				r.Phase = m.Phase
			case m.Wasm != nil || m.Refusal != nil:
				verdict = recordWasm(r, desc, m)
			case m.Call != nil:
				r.Calls = append(r.Calls, m.Call)
				if len(m.Call.Violations) == 0 && m.Call.Purpose == "" {
					r.Exercised = true
				}
			case m.Registration != nil:
				if warning := sb.subreaperMissing(); warning != "" {
					r.Warnings = append(r.Warnings, warning)
				}
				r.Registration, r.LoadNanos = m.Registration, m.LoadNanos
				verdict = judge(r, desc, m.Registration, m.DerivedManifest)
				if verdict == nil && !native.Driven(desc.Class) {
					r.Note = fmt.Sprintf("%s entities are not driven by this harness yet: the plugin loaded and passed "+
						"the gateway's load checks, but no %s slot was called", desc.Class, desc.Class)
					verdict = cli.Unsupportedf("%s: %s", r.Package, r.Note)
				}
				decision, _ := json.Marshal(driveDecision{Drive: verdict == nil})
				_, _ = w.stdin.Write(append(decision, '\n'))
			case m.Error != "":
				if m.Unsupported {
					return cli.Unsupportedf("%s: %s", r.Package, m.Error)
				}
				return cli.Failf("%s: %s", r.Package, m.Error)
			case m.Done:
				finished, done, caching = true, true, m.Caching
			case m.Abandoned != "":
				// A call overran its ffi_limits budget and is still inside the plugin: the worker
				// cannot end by itself, so it is ended now (the deferred finish, no grace).
				r.Warnings = append(r.Warnings, m.Abandoned)
				grace = 0
				return contractVerdict(r)
			}
		case <-exited:
			// The worker is gone, but what it reported may still be in the pipe, held open by a
			// process the plugin started: end those, then read the report to its end.
			exited = nil
			sb.endProcesses()
		case <-timer.C:
			grace = 0
			err := cli.Failf("%s: the plugin did not return from %s within %s; the worker was killed", r.Package, step(r), budget)
			if hint := native.GuardHintFor(req.Plan.Class, r.Phase, req.Plan.FFILimits, timeout); hint != "" {
				err = cli.WithHint(err, hint)
			}
			return err
		}
	}
	w.stdin.Close()
	if caching {
		r.caching = &cachingWorker{sb: sb, w: w, budget: wasmCompileBudget(timeout, req.Path)}
	} else {
		sb.finish(w, timeout*guardScale)
	}
	if verdict != nil {
		return verdict
	}
	if waitErr := w.group.Err(); !caching && (waitErr != nil || !done) {
		return crashed(r, req, waitErr, w.stderr.String())
	}
	return contractVerdict(r)
}

// readReport decodes the worker's messages until the report ends, breaks its bounds (the last
// event then carries the error) or quit is closed.
func readReport(report io.Reader, quit <-chan struct{}) <-chan reportEvent {
	events := make(chan reportEvent)
	go func() {
		defer close(events)
		lines := newReportLines(report, maxReportLine, maxReport)
		for {
			line, err := lines.next()
			var event reportEvent
			switch {
			case errors.Is(err, errReportBounds):
				event.err = err
			case err != nil:
				return
			case json.Unmarshal(line, &event.msg) != nil:
				return
			}
			select {
			case events <- event:
			case <-quit:
				return
			}
			if event.err != nil {
				return
			}
		}
	}()
	return events
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

// contractVerdict is the run's result once every call came back (or one overran its FFI budget):
// the first violation, panic or timeout.
func contractVerdict(r *report) error {
	for _, c := range r.Calls {
		if len(c.Violations) > 0 {
			return cli.Failf("%s: %s", r.Package, c.Violations[0])
		}
		if c.Panicked {
			return cli.Failf("%s: the plugin panicked during %s (the SDK's panic sentinel came back)", r.Package, c.Slot)
		}
		if c.TimedOut {
			if c.Output == nil {
				return cli.Failf("%s: %s overran ffi_limits.%s; the gateway drops the call's record", r.Package, c.Slot, budgetOf(c))
			}
			return cli.Failf("%s: %s overran ffi_limits.%s; the gateway decides %s in its place", r.Package, c.Slot, budgetOf(c), c.Output)
		}
	}
	return nil
}

// budgetOf names the ffi_limits field a timed-out call overran.
func budgetOf(c *native.Call) string {
	if c.Budget != "" {
		return c.Budget
	}
	return "data_timeout_ms"
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

// wasmCompileBudget is how long compiling a plugin.wasm may take: --timeout, and 5 s more per MiB
// of the artifact (2 minutes more at most). Compiling is the harness's own work, not the plugin's, and wazero's optimizing
// compiler takes seconds on the 12–18 MB components componentize-js and componentize-py make
// (once: the code is cached); a step bounded by the artifact's size still ends.
func wasmCompileBudget(timeout time.Duration, artifact string) time.Duration {
	info, err := os.Stat(artifact)
	if err != nil {
		return timeout
	}
	mib := (info.Size() + 1<<20 - 1) >> 20
	return timeout + min(time.Duration(mib)*wasmCompilePerMiB, wasmCompileMaxExtra)
}

const (
	wasmCompilePerMiB   = 5 * time.Second
	wasmCompileMaxExtra = 2 * time.Minute
)

func joinOutput(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + "\n" + b
}

// artifactSize is a file's size for a progress line ("12.1 MiB").
func artifactSize(path string) string {
	info, err := os.Stat(path)
	if err != nil {
		return "size unknown"
	}
	return fmt.Sprintf("%.1f MiB", float64(info.Size())/(1<<20))
}

// wasmCompileMemory is the address space compiling a plugin.wasm may take in the worker on top of
// --max-memory: 128 MiB per started MiB of the artifact, at most 8 GiB.
func wasmCompileMemory(artifact string) uint64 {
	info, err := os.Stat(artifact)
	if err != nil {
		return 0
	}
	mib := uint64(info.Size()+1<<20-1) >> 20
	return min(mib*wasmCompileMemoryPerMiB, 8<<30)
}

const wasmCompileMemoryPerMiB = 128 << 20

// cachingWorker is a worker that delivered its report and goes on compiling the plugin's code
// into the cache (a cold plugin.wasm run, interpreted): the tool prints the report first, then
// waits for it — nothing the tool starts outlives it.
type cachingWorker struct {
	sb     *sandbox
	w      *workerProcess
	budget time.Duration
}

// wait lets the compile finish within the compile budget, showing its progress on a terminal
// (progress not nil), then ends the worker. A compile that fails or overruns is a warning: the
// run's verdict stands, and the next run is interpreted again.
func (c *cachingWorker) wait(progress io.Writer, warn func(string, ...any)) {
	start := time.Now()
	timer := time.NewTimer(c.budget * guardScale)
	defer timer.Stop()
	var tick <-chan time.Time
	if progress != nil {
		t := time.NewTicker(250 * time.Millisecond)
		defer t.Stop()
		tick = t.C
	}
	shown := false
	overran := false
wait:
	for {
		select {
		case <-c.w.group.Exited():
			break wait
		case <-timer.C:
			overran = true
			break wait
		case <-tick:
			shown = true
			fmt.Fprintf(progress, "\rcompiling plugin.wasm for the next run (cached; Ctrl-C skips): %.1f s ", time.Since(start).Seconds())
		}
	}
	if shown {
		fmt.Fprint(progress, "\r\033[K")
	}
	c.sb.finish(c.w, 0)
	switch {
	case overran:
		warn("the compiled code was not cached: compiling took longer than %s; the next run is interpreted again", c.budget)
	case c.w.group.Err() != nil:
		reason := strings.TrimSpace(c.w.stderr.String())
		if reason == "" {
			reason = c.w.group.Err().Error()
		}
		warn("the compiled code was not cached: %s", reason)
	}
}
