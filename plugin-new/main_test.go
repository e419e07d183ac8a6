package main

import (
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/clitest"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"plugin-new": main})
}

// TestScripts runs testdata/script/*.txtar against the real plugin-new binary.
func TestScripts(t *testing.T) { clitest.Run(t, "testdata/script") }

// TestHelpListsFlags keeps new --help in step with the flags it registers.
func TestHelpListsFlags(t *testing.T) { clitest.CheckToolHelpFlags(t, tool) }
