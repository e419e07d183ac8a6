// Package oci holds the network-free parts of MCPG's OCI distribution (docs/contract.md §5): reference
// parsing, the gateway's reference resolution (platform candidates, default registry), and the exact
// config and manifest bytes the reference implementation produces.
package oci

// Media types and artifact type (docs/contract.md §0, §5.1).
const (
	ManifestMediaType = "application/vnd.oci.image.manifest.v1+json"
	ConfigMediaType   = "application/vnd.mcpg.plugin.config.v1+json"
	LayerMediaType    = "application/vnd.mcpg.plugin.package.v1+zip"
	ArtifactType      = "application/vnd.mcpg.plugin.v1"
	DefaultRegistry   = "ghcr.io/mcpg-dev/source-code/plugins"
)
