package main

import (
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/clitest"
)

// TestHelpListsFlags keeps the --help of the dispatcher's own commands in step with their flags
// ("help" takes none; the tools' commands are checked in their own modules).
func TestHelpListsFlags(t *testing.T) {
	runAsDispatcher := func(env *cli.Env, args []string) error {
		return run(env, append([]string{"mcpg-plugins"}, args...))
	}
	clitest.CheckHelpFlags(t, runAsDispatcher, "version", "commands", "completion")
}
