package keys

import (
	"encoding/base64"
	"encoding/hex"
	"strings"
	"testing"
)

func TestSignatureHint(t *testing.T) {
	raw := make([]byte, SignatureSize)
	for i := range raw {
		raw[i] = byte(i * 7)
	}
	for name, c := range map[string]struct {
		sig  string
		want string
	}{
		"hex":       {hex.EncodeToString(raw) + "\n", "it is hex text"},
		"base64":    {base64.StdEncoding.EncodeToString(raw) + "\n", "it is base64 text"},
		"ssh":       {"-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n", "it is an SSH signature"},
		"raw":       {string(raw), ""},
		"too short": {"0102", ""},
	} {
		if got := SignatureHint([]byte(c.sig)); c.want == "" && got != "" || !strings.HasPrefix(got, c.want) {
			t.Errorf("%s: %q, want %q", name, got, c.want)
		}
	}
}
