// Command mcpg-plugins dispatches "mcpg-plugins <cmd>" to the tool binaries, git-style.
package main

import "github.com/mcpg-dev/mcpg-plugins/shared/cli"

func main() { cli.Main(func(env *cli.Env, args []string) error { return nil }) }
