package main

import (
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/clitest"
)

// pack -o - refuses a terminal before it reads anything (testscript has no terminal to give).
func TestPackRefusesTerminal(t *testing.T) {
	clitest.RunOnTerminal(t, tool, "pack", "-d", "plugin.yaml", "-a", "libgate.so", "-v", "1.0.0", "-o", "-")
}
