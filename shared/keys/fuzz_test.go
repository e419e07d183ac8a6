package keys

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"strings"
	"testing"

	"filippo.io/edwards25519"
)

// Seed corpora live in testdata/fuzz/<target>/: real keys of every accepted and rejected form.

// checkMessage holds for every rejection: one line, naming the file, bounded whatever the input.
func checkMessage(t *testing.T, err error) {
	msg := err.Error()
	if !strings.HasPrefix(msg, "k: ") || strings.ContainsAny(msg, "\n\r") || len(msg) > 400 {
		t.Fatalf("bad message %q", msg)
	}
}

func FuzzParsePrivateKey(f *testing.F) {
	f.Add(bytes.Repeat([]byte{42}, 32), "")
	f.Add([]byte(strings.Repeat("2a", 32)+"\n"), "")
	f.Fuzz(func(t *testing.T, data []byte, pass string) {
		var pp Passphrase
		if pass != "" && !slowKDF(data) {
			pp = constPassphrase(pass)
		}
		priv, format, err := ParsePrivateKey("k", data, pp)
		if err != nil {
			checkMessage(t, err)
			return
		}
		if format == "" || len(priv) != ed25519.PrivateKeySize || !bytes.Equal(priv, ed25519.NewKeyFromSeed(priv.Seed())) {
			t.Fatalf("inconsistent key %s", format)
		}
	})
}

func FuzzParsePublicKey(f *testing.F) {
	f.Add([]byte(strings.Repeat("00", 32)))
	f.Add([]byte(PublicKeyPEM(make([]byte, 32))))
	f.Fuzz(func(t *testing.T, data []byte) {
		pub, format, err := ParsePublicKey("k", data)
		if err != nil {
			checkMessage(t, err)
			return
		}
		if format == "" || len(pub) != ed25519.PublicKeySize {
			t.Fatalf("bad key %x %s", pub, format)
		}
		if _, err := new(edwards25519.Point).SetBytes(pub); err != nil {
			t.Fatalf("accepted a key that is not a curve point: %x", pub)
		}
		for _, form := range []string{PublicKeyPEM(pub), hex.EncodeToString(pub)} {
			back, _, err := ParsePublicKey("k", []byte(form))
			if err != nil || !bytes.Equal(back, pub) {
				t.Fatalf("round trip of %q: %x, %v", form, back, err)
			}
		}
	})
}

// slowKDF spots encrypted keys whose bcrypt rounds would take the fuzzer seconds per input.
func slowKDF(data []byte) bool {
	b := firstPEMBlock(data)
	if b == nil {
		return false
	}
	h, ok := readOpenSSHHeader(b.Bytes)
	return ok && h.kdfRounds() > 32
}
