package ociclient

import (
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
)

// The gateway's resolution of a plugins[].source.oci reference (docs/contract.md §5.4, mcpg
// src/app/oci_wiring.rs resolve_oci_source): platform candidates (native first, then wasi-wasm),
// each normalised onto the default registry, and for each candidate every mirror in order, then
// the primary. The first attempt that pulls wins; any failure moves on to the next, as in the
// gateway.

// Gateway is the gateway configuration the resolution depends on, already validated.
type Gateway struct {
	Platform        string   // the gateway's native platform token
	DefaultRegistry string   // plugin_registry.default_registry (or its env/default fallback)
	Mirrors         []string // plugin_registry.mirrors[].url, in order, host[:port][/path]
}

// Candidates are the normalised platform candidates of ref; the first names the cache file.
func (g *Gateway) Candidates(ref string) []string {
	var out []string
	for _, c := range oci.PlatformCandidates(ref, g.Platform) {
		out = append(out, oci.NormaliseReference(c, g.DefaultRegistry))
	}
	return out
}

// Attempts are the references the gateway tries, in its order.
func (g *Gateway) Attempts(ref string) []string {
	var out []string
	for _, c := range g.Candidates(ref) {
		for _, m := range g.Mirrors {
			out = append(out, oci.MirrorRewrite(c, m))
		}
		out = append(out, c)
	}
	return out
}

// Candidate is one reference of a plan: the registry reference to fetch, or why it cannot be.
type Candidate struct {
	Ref    oci.Reference
	Target Target
	Err    error // the reference did not parse: this attempt fails with it
}

// Plan is every attempt the gateway makes for ref, in its order, each re-asserting exactly the
// pin the gateway's digest_from_reference finds.
func (g *Gateway) Plan(ref string) []Candidate {
	var out []Candidate
	for _, s := range g.Attempts(ref) {
		c := Candidate{Target: Target{Display: oci.RedactUserinfo(s), Platform: g.Platform, StrictIndexPin: true}}
		c.Ref, c.Err = oci.ParseReference(s)
		if c.Err == nil {
			c.Target.Ident = c.Ref.Identifier()
			c.Target.Pin, _ = oci.PinnedDigest(s)
		}
		out = append(out, c)
	}
	return out
}

// PlatformOSArch is the OCI image-index platform of a gateway token: an index cannot say musl.
func PlatformOSArch(token string) (goos, arch string) {
	if token == oci.WasmPlatform {
		return "wasi", "wasm"
	}
	parts := strings.Split(token, "-")
	return parts[0], parts[len(parts)-1]
}
