package main

import (
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/clitest"
)

// pull -o - refuses a terminal before it contacts a registry (testscript has no terminal to give).
func TestPullRefusesTerminal(t *testing.T) {
	clitest.RunOnTerminal(t, tool, "pull", "-o", "-", "registry.invalid/acme/gate:1.0.0")
}
