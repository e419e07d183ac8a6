package gwcache

import (
	"encoding/hex"
	"strings"
	"unicode/utf8"

	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
)

// maxSidecar bounds how much of a sidecar is read. A valid one is 71 bytes; the gateway would
// also accept one padded with megabytes of whitespace, which no writer produces.
const maxSidecar = 64 << 10

// ReadSidecar reads the layer digest in a sidecar the way the gateway does: the file must be
// UTF-8; surrounding whitespace is trimmed; an exact lowercase "sha256:" prefix is optional; what
// remains must be 64 hex digits of either case. Anything else — missing, unreadable, a directory,
// other text, "SHA256:…" — is no anchor (false), and the gateway then pulls again.
func ReadSidecar(path string) (digest.Digest, bool) {
	raw, err := fileio.ReadSmall(path, maxSidecar, "a sidecar")
	if err != nil {
		return digest.Digest{}, false
	}
	return ParseSidecar(raw)
}

// ParseSidecar is ReadSidecar on a sidecar's content.
func ParseSidecar(raw []byte) (digest.Digest, bool) {
	var d digest.Digest
	if !utf8.Valid(raw) {
		return d, false
	}
	s := strings.TrimSpace(string(raw))
	s = strings.TrimPrefix(s, digest.Prefix)
	if len(s) != hex.EncodedLen(len(d)) {
		return d, false
	}
	if _, err := hex.Decode(d[:], []byte(s)); err != nil {
		return d, false
	}
	return d, true
}

// SidecarContent is what a sidecar holds for a zip with digest d: "sha256:<hex>", no newline.
func SidecarContent(d digest.Digest) []byte { return []byte(d.String()) }
