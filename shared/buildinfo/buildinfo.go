// Package buildinfo holds what the build stamps into every mcpg-plugins binary.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// Version is the release of every mcpg-plugins binary, stamped at build time with
// -ldflags "-X github.com/mcpg-dev/mcpg-plugins/shared/buildinfo.Version=…".
var Version = "0.1.0-dev"

// Commit, CommitTime and Modified ("true") are stamped the same way by the Makefile, for builds
// where `go build` records no vcs.* settings: a git worktree (Go looks for a .git directory),
// -buildvcs=false. The vcs.* settings win when present.
var Commit, CommitTime, Modified string

// Info is what a binary knows of its own build. Commit, CommitTime and Modified come from the
// vcs.* settings `go build` records in a git checkout (they survive -trimpath); a binary built
// outside one, or with -buildvcs=false, has none and says "unknown".
type Info struct {
	Version    string `json:"version"`
	Go         string `json:"go"`
	Platform   string `json:"platform"` // GOOS/GOARCH
	Commit     string `json:"commit,omitempty"`
	CommitTime string `json:"commit_time,omitempty"` // RFC 3339, UTC
	Modified   bool   `json:"modified,omitempty"`    // built from a work tree with uncommitted changes
}

// Read returns this binary's build information.
func Read() Info {
	info := Info{Version: Version, Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH,
		Commit: Commit, CommitTime: CommitTime, Modified: Modified == "true"}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return info
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			info.Commit, info.CommitTime, info.Modified = s.Value, "", false
		case "vcs.time":
			info.CommitTime = s.Value
		case "vcs.modified":
			info.Modified = s.Value == "true"
		}
	}
	return info
}

// buildPrefix starts the second line of every tool's --version.
const buildPrefix = "build: "

// BuildLine is the second line of --version: "build: go1.26.8 linux/amd64, commit <sha> <time>"
// with " (modified)" for a dirty work tree, or "commit unknown". ParseBuildLine reads it back.
func (i Info) BuildLine() string {
	commit := "commit unknown"
	if i.Commit != "" {
		commit = "commit " + i.Commit
		if i.CommitTime != "" {
			commit += " " + i.CommitTime
		}
		if i.Modified {
			commit += " (modified)"
		}
	}
	return fmt.Sprintf("%s%s %s, %s", buildPrefix, i.Go, i.Platform, commit)
}

// VersionText is what `<tool> --version` prints: "<name> <version>" (the line scripts and older
// dispatchers read), then the build line.
func (i Info) VersionText(name string) string {
	return fmt.Sprintf("%s %s\n%s\n", name, i.Version, i.BuildLine())
}

// ParseBuildLine fills the build fields of i from a BuildLine; ok is false for any other line
// (a tool from before the build line, or a third-party binary).
func (i *Info) ParseBuildLine(line string) (ok bool) {
	rest, ok := strings.CutPrefix(line, buildPrefix)
	if !ok {
		return false
	}
	toolchain, commit, ok := strings.Cut(rest, ", commit ")
	if !ok {
		return false
	}
	goVersion, platform, ok := strings.Cut(toolchain, " ")
	if !ok {
		return false
	}
	i.Go, i.Platform = goVersion, platform
	commit, i.Modified = strings.CutSuffix(commit, " (modified)")
	if commit == "unknown" {
		return true
	}
	i.Commit, i.CommitTime, _ = strings.Cut(commit, " ")
	return true
}
