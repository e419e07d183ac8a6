// Command plugin-sign: sign, verify (see 'plugin-sign --help').
package main

import "github.com/mcpg-dev/mcpg-plugins/shared/cli"

func main() { cli.Main(tool.Run) }

var tool = cli.Tool{
	Name:    "plugin-sign",
	Summary: "TODO",
}
