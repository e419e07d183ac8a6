package pkgzip

import "crypto/ed25519"

// CheckSignature is the one verdict every tool gives a package's plugin.sig before any signature
// arithmetic (docs/contract.md §4.1, §4.2): when present it must be a raw 64-byte Ed25519
// signature (the gateway refuses any other length), and when withKey — a public key was given to
// check it, which enforces a signature — it must be present. nil leaves the cryptographic check
// to the caller. Errors are *FormatError (a rejected input).
func (p *Package) CheckSignature(withKey bool) error {
	switch {
	case p.Signature == nil && withKey:
		return p.reject(EntrySignature, "missing; --key enforces a signature over %s", p.ArtifactName)
	case p.Signature != nil && len(p.Signature) != ed25519.SignatureSize:
		return p.reject(EntrySignature, "expected a raw %d-byte Ed25519 signature, found %d bytes (the gateway refuses it unless signature checks are disabled)",
			ed25519.SignatureSize, len(p.Signature))
	}
	return nil
}
