package cli

import (
	"fmt"
	"slices"

	"github.com/mcpg-dev/mcpg-plugins/shared/buildinfo"
)

// VersionReport is a binary's `version --json`: its name and build.
type VersionReport struct {
	Name string `json:"name"`
	buildinfo.Info
}

// printVersion answers `<tool> --version` and `<tool> version [--json]`: the "<tool> <version>"
// line, then the build line (Go version, platform, commit and its date).
func (t Tool) printVersion(env *Env, args []string) error {
	info := buildinfo.Read()
	if slices.Contains(args, "--json") {
		return WriteJSON(env.Stdout, VersionReport{Name: t.Name, Info: info})
	}
	fmt.Fprint(env.Stdout, info.VersionText(t.Name)) // other arguments were always ignored here
	return nil
}
