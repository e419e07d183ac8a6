// Command plugin-sign: sign, verify (see 'plugin-sign --help').
package main

import "github.com/mcpg-dev/mcpg-plugins/shared/cli"

func main() { cli.Main(tool.Run) }

var tool = cli.Tool{
	Name:    "plugin-sign",
	Summary: "sign plugin artifacts with Ed25519 and verify signatures, hashes and revocation",
	Commands: []cli.Command{
		{Name: "sign", Summary: "write the detached Ed25519 signature (.sig) the gateway checks", Run: runSign},
		{Name: "verify", Summary: "check an artifact's or a package's SHA-256, signature and revocation", Run: runVerify},
	},
}
