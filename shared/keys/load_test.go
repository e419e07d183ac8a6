package keys

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
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
	// A file that cannot be read is a *fileio.Error (exit 3 in every tool), anything else wrong a
	// plain error (exit 1).
	for _, c := range []struct {
		name, arg string
		ioErr     bool
	}{
		{"missing", filepath.Join(dir, "missing"), true},
		{"directory", dir, false},
		{"too large", big, false},
		{"unreadable", "/proc/self/mem", true},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, _, err := LoadPublicKey(c.arg)
			var fe *fileio.Error
			if err == nil || errors.As(err, &fe) != c.ioErr {
				t.Errorf("LoadPublicKey(%q): %v (%T), want an I/O error: %v", c.arg, err, err, c.ioErr)
			}
		})
	}
	if _, _, err := LoadPublicKey(filepath.Join(dir, "missing")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v does not say so to errors.Is", err)
	}
}
