package main

import "github.com/mcpg-dev/mcpg-plugins/shared/cli"

// runPush implements `plugin-oci push` (owner: the push/pull engineer).
func runPush(env *cli.Env, args []string) error { return cli.Unsupportedf("push: not implemented yet") }
