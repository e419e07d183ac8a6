package main

import (
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/clitest"
	"github.com/rogpeppe/go-internal/testscript"
)

func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){"plugin-oci": main})
}

// TestScripts runs testdata/script/*.txtar against the real plugin-oci binary.
func TestScripts(t *testing.T) { clitest.Run(t, "testdata/script") }
