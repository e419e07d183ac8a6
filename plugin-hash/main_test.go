package main

import (
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/clitest"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"plugin-hash": main})
}

// TestScripts runs testdata/script/*.txtar against the real plugin-hash binary.
func TestScripts(t *testing.T) { clitest.Run(t, "testdata/script") }
