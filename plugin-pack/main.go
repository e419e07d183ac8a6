// Command plugin-pack: pack, unpack, inspect (see 'plugin-pack --help').
package main

import "github.com/mcpg-dev/mcpg-plugins/shared/cli"

func main() { cli.Main(tool.Run) }

var tool = cli.Tool{
	Name:    "plugin-pack",
	Summary: "TODO",
}
