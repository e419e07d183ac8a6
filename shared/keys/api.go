// Package keys handles Ed25519 keys in every form users hold them and the detached signatures the
// gateway checks (contract.md §4): raw 64-byte signatures, pure Ed25519 over the artifact bytes.
// Signing and verifying stream from disk and never hold an artifact in memory.
package keys

import (
	"crypto/ed25519"
	"io"
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

// Passphrase supplies the passphrase for an encrypted OpenSSH key; nil means none is available
// (the error then says how to give one).
type Passphrase func() ([]byte, error)

// ParsePrivateKey reads a private key in any supported form. name is used in messages.
func ParsePrivateKey(name string, data []byte, passphrase Passphrase) (ed25519.PrivateKey, Format, error) {
	panic("not implemented")
}

// ParsePublicKey reads a public key in any supported form. name is used in messages.
func ParsePublicKey(name string, data []byte) (ed25519.PublicKey, Format, error) {
	panic("not implemented")
}

// PublicKeyPEM is the PEM SPKI block the gateway's trusted_keys[].pem accepts, with a final newline.
func PublicKeyPEM(pub ed25519.PublicKey) string { panic("not implemented") }

// SidecarPath is where the gateway looks for a loose artifact's signature: the extension is
// replaced by "<ext>.sig" (libfoo.so → libfoo.so.sig; foo → foo.bin.sig).
func SidecarPath(artifact string) string { panic("not implemented") }

// Sign produces the pure-Ed25519 signature of the size bytes of r, reading them twice as pure
// Ed25519 requires, with constant memory.
func Sign(priv ed25519.PrivateKey, r io.ReaderAt, size int64) ([]byte, error) {
	panic("not implemented")
}

// Verify checks sig over everything r yields in one streaming pass; it agrees with
// crypto/ed25519.Verify on every input.
func Verify(pub ed25519.PublicKey, r io.Reader, sig []byte) (bool, error) { panic("not implemented") }
