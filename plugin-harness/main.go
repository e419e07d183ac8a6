// Command plugin-harness loads a plugin package the way the MCPG gateway does and checks the
// contract (see 'plugin-harness --help').
package main

import (
	"os"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
)

// workerCommand is the hidden command the harness re-executes itself with, so that a plugin
// runs in a child process; it is not listed in the help.
const workerCommand = "__worker"

func main() {
	if len(os.Args) > 1 && os.Args[1] == workerCommand {
		os.Exit(runWorker(os.Stdin))
	}
	cli.Main(tool.Run)
}

var tool = cli.Tool{
	Name:    "plugin-harness",
	Summary: "load a plugin package like the gateway and check its contract",
	Commands: []cli.Command{
		{Name: "test", Summary: "verify, load and check a native plugin package in an isolated worker", Run: runTest},
	},
}
