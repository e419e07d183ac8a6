package keys

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
)

func TestLoadPublicKey(t *testing.T) {
	pub := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{42}, 32)).Public().(ed25519.PublicKey)
	dir := t.TempDir()
	pemFile := filepath.Join(dir, "pub.pem")
	os.WriteFile(pemFile, []byte(PublicKeyPEM(pub)), 0o644)
	big := filepath.Join(dir, "big")
	os.WriteFile(big, make([]byte, MaxKeyFile+1), 0o644)

	for _, arg := range []string{pemFile, hex.EncodeToString(pub), "0x" + hex.EncodeToString(pub)} {
		t.Run(arg, func(t *testing.T) {
			got, _, err := LoadPublicKey(arg)
			if err != nil || !got.Equal(pub) {
				t.Errorf("LoadPublicKey(%q) = %x, %v", arg, got, err)
			}
		})
	}
	for arg, code := range map[string]int{
		filepath.Join(dir, "missing"): cli.ExitIO,
		dir:                           cli.ExitFailed,
		big:                           cli.ExitFailed,
		"/proc/self/mem":              cli.ExitIO,
	} {
		t.Run(arg, func(t *testing.T) {
			if _, _, err := LoadPublicKey(arg); cli.CodeOf(err) != code {
				t.Errorf("LoadPublicKey(%q): %v (exit %d), want exit %d", arg, err, cli.CodeOf(err), code)
			}
		})
	}
}
