package main

import (
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
	"github.com/mcpg-dev/mcpg-plugins/shared/ociclient"
)

// The flags of the gateway's resolution (ociclient.Gateway), for `pull --resolve-like-gateway`
// and for naming `--into-gateway-cache` files.

// newGatewayView checks the flags that describe the gateway's configuration.
func newGatewayView(env *cli.Env, platform, defaultRegistry string, mirrors []string) (*ociclient.Gateway, error) {
	if platform == "" {
		platform = oci.NativePlatform()
	}
	if !oci.IsPlatformToken(platform) {
		return nil, cli.Usagef("--platform %q: expected one of %s", platform, strings.Join(oci.PlatformTokens, ", "))
	}
	if defaultRegistry == "" {
		defaultRegistry = oci.DefaultRegistryFrom(env.Getenv)
	}
	defaultRegistry = strings.TrimRight(strings.TrimSpace(defaultRegistry), "/")
	if defaultRegistry == "" || strings.Contains(defaultRegistry, "://") {
		return nil, cli.Usagef("--default-registry %q: expected host[:port][/path], without a scheme", defaultRegistry)
	}
	var ms []string
	for _, m := range mirrors {
		m = strings.TrimSpace(m)
		// The gateway prepends the mirror's url verbatim; a scheme would make a reference no
		// client can parse, so accept the habit of writing one and drop it.
		if rest, ok := strings.CutPrefix(m, "https://"); ok {
			m = rest
		} else if strings.Contains(m, "://") {
			return nil, cli.WithHint(cli.Usagef("--mirror %q: expected host[:port][/path]", m), "plain HTTP is chosen with --insecure-registry, not a scheme")
		}
		if host, _, _ := strings.Cut(m, "/"); strings.Contains(host, "@") {
			return nil, cli.WithHint(cli.Usagef("--mirror %q: expected host[:port][/path], without credentials", host[strings.LastIndexByte(host, '@')+1:]),
				"credentials come from the docker config or -u/-p")
		}
		if m == "" {
			return nil, cli.Usagef("--mirror: empty")
		}
		ms = append(ms, m)
	}
	return &ociclient.Gateway{Platform: platform, DefaultRegistry: defaultRegistry, Mirrors: ms}, nil
}
