package main

import "github.com/mcpg-dev/mcpg-plugins/shared/cli"

// runCache implements `plugin-oci cache gc` (owner: the cache engineer).
func runCache(env *cli.Env, args []string) error { return cli.Unsupportedf("cache: not implemented yet") }
