package main

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/keys"
	"github.com/mcpg-dev/mcpg-plugins/shared/mcpgconfig"
	"github.com/mcpg-dev/mcpg-plugins/shared/pkgzip"
)

// officialKeyPEM is the built-in official plugin-signing key of mcpg v0.1.0-beta.16
// (src/runtime/assets/official_plugin_signing_keys.pem, compiled in by
// src/app/plugin_registry/native.rs official_signing_keys): an entry without trusted_keys of its
// own verifies against plugin_registry.trusted_keys plus this key.
const officialKeyPEM = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEA384qk+n6Hn7NBNYS+uMdoQ0CMxvdl79sxEHvfiVhSPc=
-----END PUBLIC KEY-----
`

// verify is the integrity gate every loaded artifact passes (mcpg-plugin-host native.rs
// verify_native_artifact, with the options of native.rs derive_native_verify_options_for_entry):
// the trusted keys decoded as PEM, the sha256 pin as an exact string, the Ed25519 signature under
// the entry's policy, then the revocation list. prefix is the wasm loader's wrapping of the
// message. It reports whether the entry passed.
// The artifact is read once, as a stream: its digest and the signature under every trusted key
// are computed in the same pass.
func (g *gateway) verify(r *entryResult, p *mcpgconfig.Plugin, shown, prefix string, art io.Reader, sig []byte, hasSig bool, signFix string) bool {
	r.Policy = string(p.Policy)
	trusted, ok := g.trustedKeys(r, p)
	if !ok {
		return false
	}
	verifies, d, _, err := keys.VerifyEachAndHash(distinct(trusted), art, sig)
	if err != nil {
		why, fix := fileio.Reason(err), ""
		var fe *pkgzip.FormatError
		if errors.As(err, &fe) {
			why, fix = fe.Msg, "the package is damaged: pull or copy it again, or rebuild it with 'mcpg-plugins pack'"
		}
		r.add(sevError, p.FieldPos("source.path").String(), fix, "failed to read artifact: %s: %s", shown, why)
		return false
	}
	sum := d.Hex()
	r.ArtifactSHA256 = sum
	if p.SHA256 != "" && p.SHA256 != sum {
		r.add(sevError, p.FieldPos("signature.sha256").String(), pinFix(p.SHA256, sum, r.PackageSHA256),
			"%sartifact hash mismatch for '%s': expected %s, got %s", prefix, shown, p.SHA256, sum)
		return false
	}
	policyPos := p.FieldPos("signature.policy").String()
	if p.PolicyInherited {
		policyPos = g.registry.DefaultPolicyPos.String()
	}
	if p.Policy == mcpgconfig.PolicyDisabled {
		r.Signature = "skipped"
		r.add(sevWarning, policyPos, "sign the plugin and set signature.policy: enforce before production",
			"signature policy `disabled`: the gateway skips signature verification (development only) and emits governance.plugin.signature_policy_disabled")
	} else if why := signatureProblem(hasSig, sig, slices.Contains(verifies, true)); why != "" {
		failure := fmt.Sprintf("no valid signature for '%s' from any trusted key", shown)
		suffix := ""
		if p.Policy == mcpgconfig.PolicyWarn {
			// Keys are never empty here (the built-in official key is inherited), so warn refuses.
			suffix = " (trusted keys configured — treated as enforce)"
		}
		r.Signature = "failed"
		r.add(sevError, policyPos, why+"; "+signFix,
			"%snative plugin '%s': signature verification failed under policy `%s`%s: %s", prefix, shown, p.Policy, suffix, failure)
		return false
	} else {
		r.Signature = "verified"
	}
	if g.revocation != nil {
		if e, revoked := g.revocation.Lookup(sum); revoked {
			at := ""
			if e.RevokedAt != "" {
				at = ", revoked_at " + e.RevokedAt
			}
			r.add(sevError, g.registry.RevocationListPos.String(), "use a build that is not revoked (a new release), and pin its digest",
				"%snative plugin '%s' is revoked: %s (artifact_sha256 %s%s)", prefix, shown, e.Reason, sum, at)
			return false
		}
	}
	return true
}

// pinFix explains a sha256 pin that is not the artifact's bare lowercase hex.
func pinFix(pin, artifactHex, packageHex string) string {
	bare := strings.ToLower(strings.TrimPrefix(strings.TrimPrefix(pin, "sha256:"), "SHA256:"))
	switch {
	case packageHex != "" && bare == packageHex:
		return "that is the package's digest, not the artifact's: the gateway pins the unpacked plugin.so/plugin.wasm; write signature.sha256: " + artifactHex
	case bare == artifactHex:
		return "the gateway compares the bare lowercase hex as an exact string: write signature.sha256: " + artifactHex
	}
	return "the artifact is not the one pinned: if this build is the one to trust, write signature.sha256: " + artifactHex + " ('mcpg-plugins hash' prints it)"
}

// distinct is the trusted keys without repeats: a key listed twice need not hash the artifact twice.
func distinct(trusted []ed25519.PublicKey) []ed25519.PublicKey {
	seen := map[string]bool{}
	var out []ed25519.PublicKey
	for _, k := range trusted {
		if !seen[string(k)] {
			seen[string(k)] = true
			out = append(out, k)
		}
	}
	return out
}

// signatureProblem says why no trusted key verified the signature, as mcpg-plugin-host native.rs
// try_verify_signature tries them (a missing, short or non-matching signature only moves on to the
// next key); "" when one did.
func signatureProblem(hasSig bool, sig []byte, verified bool) string {
	switch {
	case !hasSig:
		return "the artifact has no signature (no plugin.sig in the package, or no <artifact>.sig beside it)"
	case len(sig) != ed25519.SignatureSize:
		return fmt.Sprintf("the signature is %d bytes, not a raw 64-byte Ed25519 signature", len(sig))
	case verified:
		return ""
	}
	return "the signature is not by any trusted key (signed by another key, or over other bytes)"
}

// trustedKeys decodes the entry's trust set as derive_native_verify_options_for_entry does: its
// own signature.trusted_keys when it has any, else plugin_registry.trusted_keys plus the built-in
// official key; each key must be a PEM SPKI Ed25519 public key (mcpg-plugin-host verify.rs
// decode_pem_ed25519_public_key), and one that is not aborts the boot.
func (g *gateway) trustedKeys(r *entryResult, p *mcpgconfig.Plugin) ([]ed25519.PublicKey, bool) {
	scope := "signature"
	if p.KeysInherited {
		scope = "plugin_registry"
	}
	var out []ed25519.PublicKey
	for i, k := range p.TrustedKeys {
		pub, err := decodeGatewayPEM(k.PEM)
		if err != nil {
			fix := "paste the key as a PEM public key (-----BEGIN PUBLIC KEY-----; 'openssl pkey -pubout' writes one)"
			if other, format, perr := keys.ParsePublicKey("trusted_keys", []byte(k.PEM)); perr == nil {
				fix = fmt.Sprintf("this key is in %s form, and the gateway reads only PEM SPKI: write pem: |\n%s", format, indent(keys.PublicKeyPEM(other), "  "))
			}
			pos := k.Pos
			if pos.IsDefault() {
				pos = p.FieldPos(fmt.Sprintf("signature.trusted_keys[%d].pem", i))
			}
			r.add(sevError, pos.String(), fix, "plugin '%s' %s.trusted_keys[id=%s]: PEM decode failed: %s", p.Alias, scope, k.ID, err)
			return nil, false
		}
		out = append(out, pub)
	}
	if p.KeysInherited {
		official, err := decodeGatewayPEM(officialKeyPEM)
		if err != nil {
			panic(err)
		}
		out = append(out, official)
	}
	return out, true
}

func indent(s, prefix string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i := range lines {
		lines[i] = prefix + lines[i]
	}
	return strings.Join(lines, "\n")
}
