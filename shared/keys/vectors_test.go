package keys

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"strings"
	"testing"
)

// Test vectors of docs/contract.md §9.

func seed42() ed25519.PrivateKey { return ed25519.NewKeyFromSeed(bytes.Repeat([]byte{42}, 32)) }

func mustHex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestPublicKeyVectors(t *testing.T) {
	for _, tc := range []struct{ name, pub, pemBody string }{
		{"seed 42", "197f6b23e16c8532c6abc838facd5ea789be0c76b2920334039bfa8b3d368d61", "MCowBQYDK2VwAyEAGX9rI+FshTLGq8g4+s1ep4m+DHaykgM0A5v6iz02jWE="},
		{"all zero", strings.Repeat("00", 32), "MCowBQYDK2VwAyEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="},
		{"official gateway key", "dfce2a93e9fa1e7ecd04d612fae31da10d02331bdd97bf6cc441ef7e256148f7", "MCowBQYDK2VwAyEA384qk+n6Hn7NBNYS+uMdoQ0CMxvdl79sxEHvfiVhSPc="},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pub := ed25519.PublicKey(mustHex(t, tc.pub))
			want := "-----BEGIN PUBLIC KEY-----\n" + tc.pemBody + "\n-----END PUBLIC KEY-----\n"
			if got := PublicKeyPEM(pub); got != want {
				t.Errorf("PublicKeyPEM = %q, want %q", got, want)
			}
			back, format, err := ParsePublicKey("k.pem", []byte(want))
			if err != nil || format != FormatSPKI || !bytes.Equal(back, pub) {
				t.Errorf("ParsePublicKey(PEM) = %x, %s, %v", back, format, err)
			}
		})
	}
	priv, format, err := ParsePrivateKey("seed", bytes.Repeat([]byte{42}, 32), nil)
	if err != nil || format != FormatRawSeed {
		t.Fatal(format, err)
	}
	if got := hex.EncodeToString(priv.Public().(ed25519.PublicKey)); got != "197f6b23e16c8532c6abc838facd5ea789be0c76b2920334039bfa8b3d368d61" {
		t.Errorf("seed 42 public key = %s", got)
	}
}

func TestSignatureVectors(t *testing.T) {
	for _, tc := range []struct{ msg, sha256, sig string }{
		{"plugin artifact bytes", "55910f9ece718c759f45fad0b4aa769da7dd1cc170d6150cca2f52b8b818266d", "a0b145928e688517132960538d3eec05552fd970f8e47e27e0c98d51a189abb38120a7e30502a7114bfe3aa70962d9de86efa51844aacb7aa0d7d08fbe7f750f"},
		{"plugin-bytes-go-here", "5cc1db2d8b2122b838658bd6f5fe6723fa02683b9bfc5941774862ce423f0f36", "14e03dda2663d24bbdac47548ba9b5d60326e153404906348c7a5e7b3388fdb6cda42e48872ffec4f910a2526d48095199632d2b2da55657ec07b7458a3ebe0f"},
		{"properly-signed-but-revoked plugin", "51f811c66b6f9b5ec668484556d65c957dc93b0086d390c30a703da3fb3f39f2", "1a53f57fcfaabb6ddf44ebce997511b6aec33c13679e9dcc802560ad2b1e4436b9f2c79d71e0e1a632b0ba07af2d2822024eddaf7d2aaffc72e7c968a0e5c003"},
	} {
		t.Run(tc.msg, func(t *testing.T) {
			r := strings.NewReader(tc.msg)
			sig, sum, err := SignAndHash(seed42(), r, r.Size())
			if err != nil {
				t.Fatal(err)
			}
			if got := hex.EncodeToString(sig); got != tc.sig {
				t.Errorf("signature = %s, want %s", got, tc.sig)
			}
			if sum.Hex() != tc.sha256 {
				t.Errorf("sha256 = %s, want %s", sum.Hex(), tc.sha256)
			}
			pub := seed42().Public().(ed25519.PublicKey)
			ok, vsum, n, err := VerifyAndHash(pub, strings.NewReader(tc.msg), mustHex(t, tc.sig))
			if err != nil || !ok || vsum.Hex() != tc.sha256 || n != int64(len(tc.msg)) {
				t.Errorf("VerifyAndHash = %v %s %d %v", ok, vsum.Hex(), n, err)
			}
			// Host test: the signature over another message does not verify.
			if ok, err := Verify(pub, strings.NewReader("tampered data"), mustHex(t, tc.sig)); ok || err != nil {
				t.Errorf("signature verified over tampered data (err %v)", err)
			}
		})
	}
}
