// Package keys handles Ed25519 keys in every form users hold them and the detached signatures the
// gateway checks (docs/contract.md §4): raw 64-byte signatures, pure Ed25519 over the artifact bytes.
// Signing and verifying stream from disk and never hold an artifact in memory.
package keys

import (
	"crypto/ed25519"
	"encoding/pem"
)

// Format names the encoding a key was read from, for messages and --json.
type Format string

const (
	FormatRawSeed   Format = "raw-seed"    // 32-byte file (reference CLI parity)
	FormatHexSeed   Format = "hex-seed"    // 64 hex characters
	FormatPKCS8     Format = "pkcs8-pem"   // -----BEGIN PRIVATE KEY----- (openssl genpkey -algorithm ed25519)
	FormatOpenSSH   Format = "openssh"     // -----BEGIN OPENSSH PRIVATE KEY----- (ssh-keygen -t ed25519)
	FormatRawPublic Format = "raw-public"  // 32-byte file
	FormatHexPublic Format = "hex-public"  // 64 hex characters (optional 0x)
	FormatSPKI      Format = "spki-pem"    // -----BEGIN PUBLIC KEY----- (what the gateway's trusted_keys takes)
	FormatSSHPublic Format = "ssh-ed25519" // authorized_keys line
)

// SignatureSize is the only accepted .sig length.
const SignatureSize = ed25519.SignatureSize

// PassphraseEnv is the environment variable the CLI reads an OpenSSH key's passphrase from;
// error messages name it.
const PassphraseEnv = "MCPG_SIGN_PASSPHRASE"

// Passphrase supplies the passphrase for an encrypted OpenSSH key; nil means none is available
// (the error then says how to give one).
type Passphrase func() ([]byte, error)

// spkiPrefix is the DER of an Ed25519 SubjectPublicKeyInfo up to the 32 key bytes
// (SEQUENCE { SEQUENCE { OID 1.3.101.112 } BIT STRING }).
var spkiPrefix = []byte{0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00}

// PublicKeyPEM is the PEM SPKI block the gateway's trusted_keys[].pem accepts, with a final newline.
func PublicKeyPEM(pub ed25519.PublicKey) string {
	der := append(append([]byte{}, spkiPrefix...), pub...)
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}
