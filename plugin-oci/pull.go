package main

import "github.com/mcpg-dev/mcpg-plugins/shared/cli"

// runPull implements `plugin-oci pull` (owner: the push/pull engineer).
func runPull(env *cli.Env, args []string) error { return cli.Unsupportedf("pull: not implemented yet") }
