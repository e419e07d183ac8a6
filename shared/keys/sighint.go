package keys

import (
	"regexp"
	"strings"
)

var (
	hexSignature    = regexp.MustCompile(`^[0-9a-fA-F]{128}$`)
	base64Signature = regexp.MustCompile(`^[A-Za-z0-9+/]{86}==$`)
)

// SignatureHint recognises the usual ways a detached signature gets mangled on its way to a .sig
// file (hex or base64 text, an SSH signature) and says how to undo it, or returns "". sig is the
// start of the file: its first KiB is enough.
func SignatureHint(sig []byte) string {
	t := strings.TrimSpace(string(sig))
	switch {
	case hexSignature.MatchString(t):
		return "it is hex text: a signature file holds the raw 64 bytes (xxd -r -p)"
	case base64Signature.MatchString(t):
		return "it is base64 text: a signature file holds the raw 64 bytes (base64 -d)"
	case strings.HasPrefix(t, "-----BEGIN SSH SIGNATURE"):
		return "it is an SSH signature (ssh-keygen -Y sign): sign with plugin-sign sign instead"
	}
	return ""
}
