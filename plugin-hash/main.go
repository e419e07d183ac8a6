// Command plugin-hash: hash, list (see 'plugin-hash --help').
package main

import "github.com/mcpg-dev/mcpg-plugins/shared/cli"

func main() { cli.Main(tool.Run) }

var tool = cli.Tool{
	Name:    "plugin-hash",
	Summary: "TODO",
}
