package main

import (
	"crypto/ed25519"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/keys"
)

// FuzzDecodeGatewayPEM: any text either decodes to a 32-byte key or is refused, never a panic;
// what decodes re-encodes to a PEM that decodes to the same key.
func FuzzDecodeGatewayPEM(f *testing.F) {
	pub := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize)).Public().(ed25519.PublicKey)
	for _, s := range []string{officialKeyPEM, keys.PublicKeyPEM(pub), "", "-----BEGIN PUBLIC KEY-----\n-----END PUBLIC KEY-----\n",
		"-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n", officialKeyPEM + officialKeyPEM,
		"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOsk0Y1sX3l8D6b4J5v4bY2cZr6VnZ7pL3yJ2Jt5Xp0Q a@b",
		"-----BEGIN PUBLIC KEY-----\nProc-Type: 4,ENCRYPTED\n\nMCowBQYDK2VwAyEA384qk+n6Hn7NBNYS+uMdoQ0CMxvdl79sxEHvfiVhSPc=\n-----END PUBLIC KEY-----\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		k, err := decodeGatewayPEM(s)
		if err != nil {
			return
		}
		if len(k) != ed25519.PublicKeySize {
			t.Fatalf("decoded a %d-byte key", len(k))
		}
		again, err := decodeGatewayPEM(keys.PublicKeyPEM(k))
		if err != nil || !again.Equal(k) {
			t.Fatalf("re-encoded key does not decode: %v", err)
		}
	})
}

func TestDecodeGatewayPEM(t *testing.T) {
	if _, err := decodeGatewayPEM(officialKeyPEM); err != nil {
		t.Fatalf("the official key: %v", err)
	}
	for _, bad := range []string{"", "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA\n-----END PUBLIC KEY-----\n", officialKeyPEM + officialKeyPEM, officialKeyPEM + "x"} {
		if _, err := decodeGatewayPEM(bad); err == nil {
			t.Errorf("accepted %q", bad)
		}
	}
}
