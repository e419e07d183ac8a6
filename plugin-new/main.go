// Command plugin-new: new (see 'plugin-new new --help').
package main

import "github.com/mcpg-dev/mcpg-plugins/shared/cli"

func main() { cli.Main(tool.Run) }

var tool = cli.Tool{
	Name:    "plugin-new",
	Summary: "scaffold MCPG plugin crates that build against the real SDK",
	Commands: []cli.Command{
		{Name: "new", Summary: "scaffold a new plugin crate of any of the 21 kinds", Run: runNew},
	},
}
