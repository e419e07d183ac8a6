package oci

import (
	"runtime"
	"slices"
	"strings"
)

// The gateway's reference resolution (docs/contract.md §5.4, mcpg src/app/oci_wiring.rs). These work on
// the raw text exactly as the gateway does — no parsing — so they give the gateway's answer even for
// references ParseReference would reject.

// ProtocolMajor is the plugin-protocol major the floating tag tracks (PROTOCOL_VERSION "1.0").
const ProtocolMajor = "1"

// WasmPlatform is the platform token of a WASI component.
const WasmPlatform = "wasi-wasm"

// EnvDefaultRegistry overrides DefaultRegistry for the gateway and for our resolution.
const EnvDefaultRegistry = "MCPG_DEFAULT_PLUGIN_REGISTRY"

// PlatformTokens are the tag suffixes the publish side appends and the gateway recognises, in the
// gateway's order.
var PlatformTokens = []string{
	"linux-amd64", "linux-arm64", "linux-musl-amd64", "linux-musl-arm64",
	"darwin-amd64", "darwin-arm64", "windows-amd64", "windows-arm64",
	WasmPlatform,
}

// TagHasPlatform reports whether tag is a platform token or ends with "-<token>" (then the gateway
// pulls the reference verbatim).
func TagHasPlatform(tag string) bool {
	return slices.ContainsFunc(PlatformTokens, func(t string) bool {
		return tag == t || strings.HasSuffix(tag, "-"+t)
	})
}

// NativePlatform is the gateway-style platform token for this build's GOOS/GOARCH, mapped like the
// gateway maps its own compile-time target: darwin and windows by name, every other OS as linux, and
// any non-arm64 arch as amd64. Go binaries cannot tell glibc from musl, so this never returns a
// linux-musl-* token; callers offer an explicit platform override for musl gateways.
func NativePlatform() string { return nativePlatform(runtime.GOOS, runtime.GOARCH) }

func nativePlatform(goos, goarch string) string {
	arch := "amd64"
	if goarch == "arm64" {
		arch = "arm64"
	}
	switch goos {
	case "darwin", "windows":
		return goos + "-" + arch
	}
	return "linux-" + arch
}

// PlatformCandidates expands a configured reference into the gateway's platform candidates, native
// first (docs/contract.md §5.4.1):
//
//	contains "@"                         → [ref]
//	no tag in the last "/"-segment       → [ref:protocol-1-<native>, ref:protocol-1-wasi-wasm]
//	tag already ends with a platform     → [ref]
//	otherwise                            → [ref-<native>, ref-wasi-wasm]
func PlatformCandidates(ref, native string) []string {
	if strings.Contains(ref, "@") {
		return []string{ref}
	}
	last := ref[strings.LastIndexByte(ref, '/')+1:]
	colon := strings.IndexByte(last, ':')
	switch {
	case colon < 0:
		floating := ref + ":protocol-" + ProtocolMajor + "-"
		return []string{floating + native, floating + WasmPlatform}
	case TagHasPlatform(last[colon+1:]):
		return []string{ref}
	}
	return []string{ref + "-" + native, ref + "-" + WasmPlatform}
}

// NormaliseReference prepends defaultRegistry unless ref is qualified: it contains "/" and the part
// before the first "/" contains "." or ":" or is "localhost" (docs/contract.md §5.4.2).
func NormaliseReference(ref, defaultRegistry string) string {
	if first, _, ok := strings.Cut(ref, "/"); ok && isRegistryLike(first) {
		return ref
	}
	return strings.TrimRight(defaultRegistry, "/") + "/" + strings.TrimLeft(ref, "/")
}

// DefaultRegistryFrom is the gateway's default registry when its YAML does not set one: the
// MCPG_DEFAULT_PLUGIN_REGISTRY value, trimmed of whitespace and trailing "/", unless blank; else
// DefaultRegistry. getenv is os.Getenv in production.
func DefaultRegistryFrom(getenv func(string) string) string {
	if v := strings.TrimRight(strings.TrimSpace(getenv(EnvDefaultRegistry)), "/"); v != "" {
		return v
	}
	return DefaultRegistry
}

// MirrorRewrite replaces everything up to the first "/" of a normalised reference with mirrorURL
// (trailing "/" trimmed) (docs/contract.md §5.4.3).
func MirrorRewrite(normalised, mirrorURL string) string {
	_, rest, _ := strings.Cut(normalised, "/")
	return strings.TrimRight(mirrorURL, "/") + "/" + strings.TrimLeft(rest, "/")
}

// PinnedDigest returns "sha256:<hex>" (hex lowercased) when the text after the LAST "@sha256:" of ref
// is exactly 64 hex digits of either case — the gateway's rule for re-asserting a pin (docs/contract.md §5.4.5). The
// gateway compares the pin case-insensitively; lowercasing keeps that and matches registry digests.
func PinnedDigest(ref string) (string, bool) {
	i := strings.LastIndex(ref, "@sha256:")
	if i < 0 {
		return "", false
	}
	hex := ref[i+len("@sha256:"):]
	if len(hex) != 64 || strings.IndexFunc(hex, func(r rune) bool { return !isHexDigit(r) }) >= 0 {
		return "", false
	}
	return "sha256:" + strings.ToLower(hex), true
}

func isHexDigit(r rune) bool {
	return '0' <= r && r <= '9' || 'a' <= r && r <= 'f' || 'A' <= r && r <= 'F'
}

// GatewayTags are the tags that make a package findable by the gateway's resolution
// (docs/contract.md §5.4.6): "<version>-<platform>" and the floating "protocol-1-<platform>", where platform is
// PlatformToken(goos, arch). An empty version yields only the floating tag.
func GatewayTags(version, goos, arch string) []string {
	p := PlatformToken(goos, arch)
	tags := []string{"protocol-" + ProtocolMajor + "-" + p}
	if version != "" {
		tags = slices.Insert(tags, 0, version+"-"+p)
	}
	return tags
}

// PlatformToken joins a canonical-filename OS and arch (docs/contract.md §1.4: "linux"/"amd64",
// "linux"/"musl-arm64", "wasi"/"wasm") into the gateway's token; any wasi OS or wasm arch is
// "wasi-wasm". Check the result with IsPlatformToken: the gateway never resolves other tokens.
func PlatformToken(goos, arch string) string {
	if goos == "wasi" || arch == "wasm" {
		return WasmPlatform
	}
	return goos + "-" + arch
}

// IsPlatformToken reports whether p is one of PlatformTokens.
func IsPlatformToken(p string) bool { return slices.Contains(PlatformTokens, p) }

// RegistryHost is the host the gateway and the reference CLI look credentials up for: the text before
// the first "/" after an optional "https://" or "http://" prefix, port kept (registry_host_from_reference).
func RegistryHost(ref string) string {
	s, ok := strings.CutPrefix(ref, "https://")
	if !ok {
		s = strings.TrimPrefix(ref, "http://")
	}
	host, _, _ := strings.Cut(s, "/")
	return host
}

// DefaultPullOutput is the reference CLI's default `pull` output file, reproduced exactly
// (default_pull_output_path): split ref at its LAST ":" (no ":" → tag "latest"), take the text after
// the last "/" of the left part, and return "<that>_<right part>.zip". Sound for "host/org/plugin:1.0"
// (→ "plugin_1.0.zip"); its odd cases are kept on purpose for parity:
//
//	"localhost:5000/audit"          → "localhost_5000/audit.zip" (a path into a directory "localhost_5000")
//	"ghcr.io/org/audit@sha256:<h>"  → "audit@sha256_<h>.zip"
//	"ghcr.io/org/audit:1@sha256:<h>"→ "audit:1@sha256_<h>.zip"
//	"ghcr.io/org/audit"             → "audit_latest.zip"
//	"audit:"                        → "audit_.zip"
func DefaultPullOutput(ref string) string {
	repo, tag := ref, "latest"
	if i := strings.LastIndexByte(ref, ':'); i >= 0 {
		repo, tag = ref[:i], ref[i+1:]
	}
	return repo[strings.LastIndexByte(repo, '/')+1:] + "_" + tag + ".zip"
}

// Sanitize maps every character outside [A-Za-z0-9._-] to "_" (one "_" per character, not per byte),
// the gateway's sanitize_for_path used for OCI cache file names (docs/contract.md §6.1).
func Sanitize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if r < 0x80 && (isAlnum(byte(r)) || 'A' <= r && r <= 'Z' || r == '.' || r == '-' || r == '_') {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}
