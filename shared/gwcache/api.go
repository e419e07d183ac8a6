// Package gwcache is the gateway's on-disk plugin caches (docs/contract.md §6), as mcpg's
// src/app/oci_wiring.rs and src/app/plugin_registry/packaged.rs lay them out:
//
//   - A, the OCI pull cache: <dir>/<sanitize(first candidate)>.zip, each with a
//     <zip>.layer-sha256 sidecar holding "sha256:<hex of the zip bytes>". At boot the gateway uses
//     a zip without any network access when its sidecar parses and matches the zip's hash; on a
//     mismatch it deletes both and pulls again.
//   - B, the unpack cache: <tmp>/mcpg-plugin-cache/<sanitize(alias)>/<first 16 hex of
//     sha256(zip)>/, never pruned by the gateway.
//
// Writers from this project (pull --into-gateway-cache, cache gc) serialise on an advisory lock
// file in the cache directory (see Lock). The gateway itself takes no lock: it reads a zip and
// its sidecar without one and, on a pull, rewrites the zip in place and then the sidecar. That
// is tolerable because gc only removes entries its retention rules give up (old, beyond the
// newest N) and a gateway that loses a file between its checks treats it like any mismatch:
// it pulls again.
package gwcache

import (
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
)

const (
	// SidecarSuffix is appended to a cached zip's name for its layer-digest sidecar.
	SidecarSuffix = ".layer-sha256"
	// ZipSuffix ends every cache file the gateway names.
	ZipSuffix = ".zip"
	// UnpackCacheName is the unpack cache's directory under the OS temp dir.
	UnpackCacheName = "mcpg-plugin-cache"
	// UnpackKeyLen is how many hex digits of sha256(zip) name an unpack dir.
	UnpackKeyLen = 16
)

// DefaultDir is the gateway's OCI cache directory when plugin_registry.cache_dir is not set (an
// explicit directory, when configured, wins and is the caller's business):
// $XDG_CACHE_HOME/mcpg/plugins/oci when XDG_CACHE_HOME is non-empty, else
// $HOME/.cache/mcpg/plugins/oci when HOME is non-empty, else /var/cache/mcpg/plugins/oci. The
// result is spelled as the gateway's PathBuf::join spells it (no cleaning), so messages show the
// same path.
func DefaultDir(getenv func(string) string) string {
	if xdg := getenv("XDG_CACHE_HOME"); xdg != "" {
		return join(xdg, "mcpg/plugins/oci")
	}
	if home := getenv("HOME"); home != "" {
		return join(home, ".cache/mcpg/plugins/oci")
	}
	return "/var/cache/mcpg/plugins/oci"
}

// TempDir is the OS temp dir as the gateway's std::env::temp_dir sees it on Unix: $TMPDIR, else
// /tmp. (An empty-but-set TMPDIR makes the gateway use a relative path; getenv cannot tell, so
// that case falls back to /tmp here.)
func TempDir(getenv func(string) string) string {
	if t := getenv("TMPDIR"); t != "" {
		return t
	}
	return "/tmp"
}

// UnpackCacheDir is the unpack cache's root under the temp dir tmp: <tmp>/mcpg-plugin-cache.
func UnpackCacheDir(tmp string) string { return join(tmp, UnpackCacheName) }

// UnpackKey names the unpack dir of a zip with digest d: its first 16 lowercase hex digits.
func UnpackKey(d digest.Digest) string { return d.Hex()[:UnpackKeyLen] }

// IsUnpackKey reports whether name could be an unpack dir's name (16 lowercase hex digits).
func IsUnpackKey(name string) bool {
	if len(name) != UnpackKeyLen {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// FileName is the cache file name for a reference: the gateway's first normalised candidate
// (native platform, primary registry, e.g. "localhost:5000/audit:2.0-linux-amd64") with every
// character outside [A-Za-z0-9._-] replaced by "_", plus ".zip" →
// "localhost_5000_audit_2.0-linux-amd64.zip". The first candidate names the file even when a
// mirror or the wasm candidate is what was pulled.
func FileName(firstCandidate string) string { return oci.Sanitize(firstCandidate) + ZipSuffix }

// SidecarName is the layer-digest sidecar of a cached zip (a name or a path): zip + ".layer-sha256".
func SidecarName(zip string) string { return zip + SidecarSuffix }

// ZipOfSidecar is the zip a sidecar name belongs to, and whether name is a sidecar's name at all.
func ZipOfSidecar(name string) (string, bool) {
	zip, ok := strings.CutSuffix(name, SidecarSuffix)
	return zip, ok && strings.HasSuffix(zip, ZipSuffix)
}

// join appends a relative path the way Rust's PathBuf::join does: one separator, no cleaning.
func join(base, rel string) string {
	if base == "" || strings.HasSuffix(base, "/") {
		return base + rel
	}
	return base + "/" + rel
}
