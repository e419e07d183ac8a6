package main

import (
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
)

// The gateway's resolution of a plugins[].source.oci reference (contract.md §5.4, mcpg
// src/app/oci_wiring.rs resolve_oci_source), for `pull --resolve-like-gateway` and for naming
// `--into-gateway-cache` files: platform candidates (native first, then wasi-wasm), each
// normalised onto the default registry, and for each candidate every mirror in order, then the
// primary. The first attempt that pulls wins; any failure moves on to the next, as in the gateway.

// gatewayView is the gateway configuration the resolution depends on.
type gatewayView struct {
	platform        string   // the gateway's native platform token
	defaultRegistry string   // plugin_registry.default_registry (or its env/default fallback)
	mirrors         []string // plugin_registry.mirrors[].url, in order
}

func newGatewayView(env *cli.Env, platform, defaultRegistry string, mirrors []string) (*gatewayView, error) {
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
			return nil, cli.Usagef("--mirror %q: expected host[:port][/path] (plain HTTP is chosen with --insecure-registry, not a scheme)", m)
		}
		if host, _, _ := strings.Cut(m, "/"); strings.Contains(host, "@") {
			return nil, cli.Usagef("--mirror %q: expected host[:port][/path], without credentials (they come from the docker config or -u/-p)",
				host[strings.LastIndexByte(host, '@')+1:])
		}
		if m == "" {
			return nil, cli.Usagef("--mirror: empty")
		}
		ms = append(ms, m)
	}
	return &gatewayView{platform: platform, defaultRegistry: defaultRegistry, mirrors: ms}, nil
}

// candidates are the normalised platform candidates of ref; the first names the cache file.
func (g *gatewayView) candidates(ref string) []string {
	var out []string
	for _, c := range oci.PlatformCandidates(ref, g.platform) {
		out = append(out, oci.NormaliseReference(c, g.defaultRegistry))
	}
	return out
}

// attempts are the references the gateway tries, in its order.
func (g *gatewayView) attempts(ref string) []string {
	var out []string
	for _, c := range g.candidates(ref) {
		for _, m := range g.mirrors {
			out = append(out, oci.MirrorRewrite(c, m))
		}
		out = append(out, c)
	}
	return out
}

// platformOSArch is the OCI image-index platform of a gateway token: an index cannot say musl.
func platformOSArch(token string) (goos, arch string) {
	if token == oci.WasmPlatform {
		return "wasi", "wasm"
	}
	parts := strings.Split(token, "-")
	return parts[0], parts[len(parts)-1]
}
