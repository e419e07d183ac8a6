// Command plugin-pack: pack, unpack, inspect (see 'plugin-pack --help').
package main

import "github.com/mcpg-dev/mcpg-plugins/shared/cli"

func main() { cli.Main(tool.Run) }

var tool = cli.Tool{
	Name:    "plugin-pack",
	Summary: "build, check and open plugin package zips",
	Commands: []cli.Command{
		{Name: "pack", Summary: "bundle plugin.yaml, the artifact, its signature and LICENSE into a package zip", Run: runPack},
		{Name: "unpack", Summary: "check a package zip and extract it into a directory", Run: runUnpack},
		{Name: "inspect", Summary: "show a package's descriptor, digests and signature state without extracting", Run: runInspect},
	},
}
