package main

import (
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/clitest"
)

// TestHelpListsFlags keeps every command's --help in step with the flags it registers.
func TestHelpListsFlags(t *testing.T) { clitest.CheckToolHelpFlags(t, tool) }
