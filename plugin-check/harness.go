package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/mcpgconfig"
)

// harnessRun is what --test found for an entry.
type harnessRun struct {
	Harness  string   `json:"harness,omitempty"` // the plugin-harness binary that ran
	ExitCode int      `json:"exit_code"`         // its exit code; -1 when it did not run
	Status   string   `json:"status,omitempty"`  // its report's status
	Phase    string   `json:"phase,omitempty"`   // the last step its worker reached
	Failure  string   `json:"failure,omitempty"`
	Warnings []string `json:"warnings,omitempty"`
	Summary  string   `json:"summary"`
}

// harnessReport is the part of 'plugin-harness test --json' that --test reads.
type harnessReport struct {
	Status   string   `json:"status"`
	Phase    string   `json:"phase"`
	Failure  string   `json:"failure"`
	Warnings []string `json:"warnings"`
	Note     string   `json:"note"`
}

// runHarness loads and exercises the entry's package with 'plugin-harness test' (--test), with
// the entry's config:, limits and ffi_limits, so a factory that fails on the operator's config is
// found before boot. plugin-harness is a command, not a library: it runs its plugin in a worker
// process of its own, which is what keeps a crashing plugin from taking this tool down with it.
func runHarness(env *cli.Env, status *statusLine, r *entryResult, p *mcpgconfig.Plugin) {
	if r.artifact.pkg == "" {
		r.Test = &harnessRun{ExitCode: -1, Summary: "not run: plugin-harness tests packages, and this entry is a loose artifact"}
		r.add(sevNote, "", "pack it ('mcpg-plugins pack') to test it", "--test: not run on a loose artifact")
		return
	}
	harness, err := findTool("plugin-harness", env.Getenv)
	if err != nil {
		r.Test = &harnessRun{ExitCode: -1, Summary: "not run: " + err.Error()}
		r.add(sevWarning, "", "install plugin-harness, or run without --test", "--test: %v", err)
		return
	}
	cfgFile, cleanup, err := writeConfig(p.ConfigJSON)
	if err != nil {
		r.Test = &harnessRun{ExitCode: -1, Summary: "not run: " + err.Error()}
		r.add(sevWarning, "", "", "--test: %v", err)
		return
	}
	defer cleanup()
	args := []string{"test", r.artifact.pkg, "--json", "--config", cfgFile}
	if p.Limits != nil {
		b, _ := json.Marshal(p.Limits)
		args = append(args, "--limits", string(b))
	}
	if p.FFILimits != nil {
		b, _ := json.Marshal(p.FFILimits)
		args = append(args, "--ffi-limits", string(b))
	}
	run := &harnessRun{Harness: harness}
	r.Test = run
	stdout, stderr, err := runTool(exec.Command(harness, args...), status, fmt.Sprintf("plugins[%d]: testing %s with plugin-harness", p.Index, r.artifact.pkg))
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		run.ExitCode = ee.ExitCode()
	default:
		run.ExitCode = -1
		run.Summary = "not run: " + err.Error()
		r.add(sevWarning, "", "", "--test: %s: %v", harness, err)
		return
	}
	var rep harnessReport
	if jerr := json.Unmarshal(stdout, &rep); jerr != nil {
		rep.Failure = firstLine(string(stderr))
	}
	run.Status, run.Phase, run.Failure, run.Warnings = rep.Status, rep.Phase, rep.Failure, rep.Warnings
	for _, w := range rep.Warnings {
		r.add(sevWarning, "", "", "--test: %s", w)
	}
	switch run.ExitCode {
	case cli.ExitOK:
		run.Summary = "loaded and exercised: the contract was respected"
	case cli.ExitUnsupported:
		run.Summary = "loaded and checked; the harness does not drive this class or runtime"
		if rep.Note != "" {
			run.Summary += " (" + rep.Note + ")"
		}
	case cli.ExitFailed:
		why := rep.Failure
		if why == "" {
			why = "the plugin broke the contract (see plugin-harness test " + r.artifact.pkg + ")"
		}
		run.Summary = "failed: " + why
		r.add(sevError, p.FieldPos("config").String(), fmt.Sprintf("run 'mcpg-plugins test %s --config <the entry's config as JSON>' to see every call", r.artifact.pkg),
			"--test: the plugin fails with this entry's config: %s", why)
	default:
		why := rep.Failure
		if why == "" {
			why = firstLine(string(stderr))
		}
		run.Summary = fmt.Sprintf("plugin-harness could not run (exit %d): %s", run.ExitCode, why)
		r.add(sevWarning, "", "", "--test: %s", run.Summary)
	}
}

// writeConfig puts the entry's config: in a private temporary file for --config: it may hold
// secrets, which a command line would show to every user of the machine.
func writeConfig(raw json.RawMessage) (string, func(), error) {
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		raw = json.RawMessage("{}")
	}
	f, err := os.CreateTemp("", "plugin-check-config-*.json")
	if err != nil {
		return "", nil, err
	}
	name := f.Name()
	unregister := fileio.OnInterrupt(func() { os.Remove(name) })
	cleanup := func() { unregister(); os.Remove(name) }
	if _, err := f.Write(raw); err != nil {
		f.Close()
		cleanup()
		return "", nil, err
	}
	if err := f.Close(); err != nil {
		cleanup()
		return "", nil, err
	}
	return name, cleanup, nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimPrefix(s, "error: ")
}
