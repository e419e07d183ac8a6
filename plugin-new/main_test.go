package main

import (
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/clitest"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	// PLUGIN_NEW_TEST_STALL=<file>: once the crate is staged, write the process id to <file> and
	// wait to be interrupted, so a script can signal new at its most delicate moment.
	if stall := os.Getenv("PLUGIN_NEW_TEST_STALL"); stall != "" {
		stagedHook = func(string) {
			os.WriteFile(stall+".tmp", []byte(strconv.Itoa(os.Getpid())), 0o644)
			os.Rename(stall+".tmp", stall)
			time.Sleep(time.Minute)
		}
	}
	testscript.Main(m, map[string]func(){"plugin-new": main})
}

// TestScripts runs testdata/script/*.txtar against the real plugin-new binary.
func TestScripts(t *testing.T) { clitest.Run(t, "testdata/script") }

// TestHelpListsFlags keeps new --help in step with the flags it registers.
func TestHelpListsFlags(t *testing.T) { clitest.CheckToolHelpFlags(t, tool) }
