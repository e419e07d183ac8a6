package main

import (
	"fmt"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
)

const cacheUsage = `Usage: plugin-oci cache <command> [flags]

Inspect and clean the gateway's local plugin caches (the OCI pull cache of <ref>.zip files with
their .layer-sha256 sidecars, and the unpack cache under $TMPDIR/mcpg-plugin-cache).

Commands:
  gc    remove old cache entries (keep the newest per plugin; nothing without --older-than)
  ls    list the cached zips and whether the gateway will use each without a pull

Run 'plugin-oci cache <command> --help' for a command's flags.

Examples:
  plugin-oci cache ls
  plugin-oci cache gc --older-than 30d --dry-run
`

var cacheCommands = []cli.Command{
	{Name: "gc", Run: runCacheGC},
	{Name: "ls", Run: runCacheLs},
}

// runCache dispatches `plugin-oci cache <command>`.
func runCache(env *cli.Env, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, cacheUsage)
		return cli.WithHint(cli.Usagef("plugin-oci cache: missing command (gc or ls)"), cli.SeeHelp("plugin-oci cache"))
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprint(env.Stdout, cacheUsage)
		return nil
	}
	var names []string
	for _, c := range cacheCommands {
		if c.Name == args[0] {
			return c.Run(env, args[1:])
		}
		names = append(names, c.Name)
	}
	err := cli.Usagef("plugin-oci cache: unknown command %q", args[0])
	if s := cli.Suggest(args[0], names); s != "" {
		return cli.WithHint(err, fmt.Sprintf("did you mean 'plugin-oci cache %s'?", s))
	}
	return cli.WithHint(err, "run 'plugin-oci cache --help' for the list of commands")
}
