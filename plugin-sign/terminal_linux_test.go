package main

import (
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/clitest"
)

// sign -o - refuses a terminal before it reads the key (testscript has no terminal to give).
func TestSignRefusesTerminal(t *testing.T) {
	clitest.RunOnTerminal(t, tool, "sign", "--key", "key.pem", "-o", "-", "libgate.so")
}
