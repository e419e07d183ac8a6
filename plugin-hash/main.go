// Command plugin-hash: hash, list (see 'plugin-hash --help').
package main

import "github.com/mcpg-dev/mcpg-plugins/shared/cli"

func main() { cli.Main(tool.Run) }

var tool = cli.Tool{
	Name:    "plugin-hash",
	Summary: "SHA-256 digests of plugin artifacts and packages, as the gateway pins them",
	Commands: []cli.Command{
		{Name: "hash", Summary: "print the SHA-256 of artifacts and packages, with the config pin", Run: runHash},
		{Name: "list", Summary: "list plugin artifacts and packages in a directory", Run: runList},
	},
}
