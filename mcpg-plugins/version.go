package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"sync"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/buildinfo"
	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
)

// versionTimeout bounds how long a tool may take to print its version.
const versionTimeout = 5 * time.Second

func (d *dispatcher) versionHelp() string {
	return fmt.Sprintf(`Usage: %[1]s version [--json]

Print the version of %[1]s, the Go version, platform and commit (with its date, and
"(modified)" for a work tree with uncommitted changes) it was built from, and, by running
'<tool> --version', the version of every tool it dispatches to (with its build line when it
differs); tools that are not installed are shown as such. ('%[1]s --version' prints only the
dispatcher's own two lines.)

Flags:
  --json      print one JSON object: name, path, version, go, platform, commit, commit_time,
              modified, and tools[] with name, installed, path, version, the same build fields
              and error (a tool that is not executable or failed to answer)
  -h, --help  show this help

Example:
  %[1]s version --json | jq -r '.tools[] | select(.installed) | .name + " " + .version'
`, d.self)
}

type toolVersion struct {
	Name      string `json:"name"`
	Installed bool   `json:"installed"`
	Path      string `json:"path,omitempty"`
	Version   string `json:"version,omitempty"`
	toolBuild
	Error string `json:"error,omitempty"`
}

// toolBuild is what a tool's build line says (empty for a tool from before it).
type toolBuild struct {
	Go         string `json:"go,omitempty"`
	Platform   string `json:"platform,omitempty"`
	Commit     string `json:"commit,omitempty"`
	CommitTime string `json:"commit_time,omitempty"`
	Modified   bool   `json:"modified,omitempty"`
}

type versionReport struct {
	Name string `json:"name"`
	Path string `json:"path,omitempty"`
	buildinfo.Info
	Tools []toolVersion `json:"tools"`
}

func (d *dispatcher) version(args []string) error {
	asJSON, err := d.parseJSONFlag("version", d.versionHelp(), args)
	if err != nil {
		return err
	}
	self := buildinfo.Read()
	rep := versionReport{Name: d.self, Path: d.find.self, Info: self, Tools: make([]toolVersion, len(tools))}
	var wg sync.WaitGroup
	for i := range tools {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rep.Tools[i] = d.toolVersion(tools[i].name)
		}()
	}
	wg.Wait()
	if asJSON {
		return cli.WriteJSON(d.env.Stdout, rep)
	}
	w := d.env.Stdout
	fmt.Fprintf(w, "%s %s", rep.Name, rep.Version)
	if rep.Path != "" {
		fmt.Fprintf(w, "  %s", rep.Path)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  %s\n", self.BuildLine())
	for _, t := range rep.Tools {
		switch {
		case !t.Installed:
			fmt.Fprintf(w, "  %-15s not installed\n", t.Name)
		case t.Error != "":
			fmt.Fprintf(w, "  %-15s %s  (%s)\n", t.Name, t.Path, t.Error)
		default:
			fmt.Fprintf(w, "  %-15s %s  %s\n", t.Name, t.Version, t.Path)
			if b := t.buildLine(); b != "" && b != self.BuildLine() {
				fmt.Fprintf(w, "    %s\n", b) // built apart from the dispatcher
			}
		}
	}
	return nil
}

// toolVersion runs `<tool> --version`, which prints "<tool> <version>" and the build line.
func (d *dispatcher) toolVersion(name string) toolVersion {
	r := d.find.resolve(name)
	v := toolVersion{Name: name}
	if r.path == "" {
		if len(r.notExec) > 0 {
			v.Installed, v.Path, v.Error = true, r.notExec[0].path, "not executable"
		}
		return v
	}
	v.Installed, v.Path = true, r.path
	ctx, cancel := context.WithTimeout(context.Background(), versionTimeout)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, r.path, "--version")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	line, rest, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	if err != nil {
		msg := err.Error()
		if ctx.Err() != nil {
			msg = fmt.Sprintf("no answer to --version within %s", versionTimeout)
		} else if e, _, _ := strings.Cut(strings.TrimSpace(stderr.String()), "\n"); e != "" {
			msg += ": " + e
		}
		v.Error = msg
		return v
	}
	if version, ok := strings.CutPrefix(line, name+" "); ok {
		line = version
	}
	var build buildinfo.Info
	if second, _, _ := strings.Cut(rest, "\n"); build.ParseBuildLine(strings.TrimSpace(second)) {
		v.toolBuild = toolBuild{Go: build.Go, Platform: build.Platform, Commit: build.Commit, CommitTime: build.CommitTime, Modified: build.Modified}
	}
	if line == "" {
		v.Error = "printed no version"
	}
	v.Version = line
	return v
}

// buildLine is the tool's build line as it printed it, "" if it printed none.
func (t toolVersion) buildLine() string {
	if t.Go == "" {
		return ""
	}
	b := buildinfo.Info{Go: t.Go, Platform: t.Platform, Commit: t.Commit, CommitTime: t.CommitTime, Modified: t.Modified}
	return b.BuildLine()
}
