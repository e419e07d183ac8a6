// Command plugin-check: check (see 'plugin-check --help').
package main

import "github.com/mcpg-dev/mcpg-plugins/shared/cli"

func main() { cli.Main(tool.Run) }

var tool = cli.Tool{
	Name:    "plugin-check",
	Summary: "will the gateway boot with these plugins? A config's plugins checked as at boot",
	Commands: []cli.Command{
		{Name: "check", Summary: "resolve and verify every plugin of an mcpg config as the gateway does at boot", Run: runCheck},
	},
}
