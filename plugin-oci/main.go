// Command plugin-oci: push, pull and cache gc of MCPG plugin packages as OCI 1.1 artifacts
// (see 'plugin-oci --help').
package main

import "github.com/mcpg-dev/mcpg-plugins/shared/cli"

func main() { cli.Main(tool.Run) }

var tool = cli.Tool{
	Name:    "plugin-oci",
	Summary: "push, pull and cache gc of MCPG plugin packages as OCI 1.1 artifacts",
	Commands: []cli.Command{
		{Name: "push", Summary: "push a package zip to a registry or an OCI layout directory", Run: runPush},
		{Name: "pull", Summary: "pull a package zip from a registry or an OCI layout directory", Run: runPull},
		{Name: "cache", Summary: "list and clean the gateway's plugin caches (cache ls, cache gc)", Run: runCache, Subcommands: cacheCommands},
	},
}
