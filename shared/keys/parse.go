package keys

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"filippo.io/edwards25519"
	"golang.org/x/crypto/ssh"

	"github.com/mcpg-dev/mcpg-plugins/shared/hint"
)

// Messages never quote the input: it may be a secret. They name the file, what was found and
// what is accepted.

const (
	privateForms = "a 32-byte raw seed, 64 hex digits, a PKCS#8 PEM key (openssl genpkey -algorithm ed25519) or an OpenSSH key (ssh-keygen -t ed25519)"
	publicForms  = "32 raw bytes, 64 hex digits, a PEM public key (-----BEGIN PUBLIC KEY-----) or an ssh-ed25519 line"
)

func unsupportedKind(name, kind string) error {
	return fmt.Errorf("%s: %s key: only Ed25519 keys are supported", name, kind)
}

// ParsePrivateKey reads a private key in any supported form. name is used in messages.
func ParsePrivateKey(name string, data []byte, passphrase Passphrase) (ed25519.PrivateKey, Format, error) {
	switch {
	case len(data) == 0:
		return nil, "", fmt.Errorf("%s: empty file: expected %s", name, privateForms)
	case len(data) == ed25519.SeedSize:
		// The reference CLI's only format; a 32-byte file is always a raw seed.
		return ed25519.NewKeyFromSeed(data), FormatRawSeed, nil
	case isPEM(data):
		return parsePrivatePEM(name, data, passphrase)
	}
	text := bytes.TrimSpace(data)
	if seed, ok := hexKey(text); ok {
		return ed25519.NewKeyFromSeed(seed), FormatHexSeed, nil
	}
	if _, ok, err := sshPublicLine(name, text); ok {
		if err != nil {
			return nil, "", err
		}
		return nil, "", hint.Wrap(fmt.Errorf("%s: this is an Ed25519 public key (ssh-ed25519 line); signing needs the private key", name),
			"the private key is the file without .pub")
	}
	return nil, "", fmt.Errorf("%s: not a private key: expected %s; found %s", name, privateForms, describe(data))
}

// ParsePublicKey reads a public key in any supported form. name is used in messages.
func ParsePublicKey(name string, data []byte) (ed25519.PublicKey, Format, error) {
	var (
		pub    []byte
		format Format
	)
	text := bytes.TrimSpace(data)
	switch {
	case len(data) == 0:
		return nil, "", fmt.Errorf("%s: empty file: expected %s", name, publicForms)
	case len(data) == ed25519.PublicKeySize:
		pub, format = data, FormatRawPublic
	case isPEM(data):
		var err error
		if pub, err = parsePublicPEM(name, data); err != nil {
			return nil, "", err
		}
		format = FormatSPKI
	default:
		if k, ok := hexKey(text); ok {
			pub, format = k, FormatHexPublic
			break
		}
		k, ok, err := sshPublicLine(name, text)
		if !ok {
			return nil, "", fmt.Errorf("%s: not a public key: expected %s; found %s", name, publicForms, describe(data))
		}
		if err != nil {
			return nil, "", err
		}
		pub, format = k, FormatSSHPublic
	}
	// The gateway decodes trusted keys when it boots and refuses ones that are not curve points.
	if _, err := new(edwards25519.Point).SetBytes(pub); err != nil {
		return nil, "", fmt.Errorf("%s: not a valid Ed25519 public key: the 32 bytes do not encode a curve point", name)
	}
	return bytes.Clone(pub), format, nil
}

func isPEM(data []byte) bool { return bytes.Contains(data, []byte("-----BEGIN ")) }

// hexKey decodes 64 hex digits with an optional 0x prefix, either case (surrounding whitespace
// already trimmed).
func hexKey(text []byte) ([]byte, bool) {
	if len(text) >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X') {
		text = text[2:]
	}
	if len(text) != 2*ed25519.SeedSize {
		return nil, false
	}
	k := make([]byte, ed25519.SeedSize)
	if _, err := hex.Decode(k, text); err != nil {
		return nil, false
	}
	return k, true
}

// describe says what a rejected key file looks like without quoting it.
func describe(data []byte) string {
	digits := bytes.TrimSpace(data)
	if len(digits) >= 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X') {
		digits = digits[2:]
	}
	isHex := len(digits) > 0
	for _, c := range digits {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			isHex = false
			break
		}
	}
	if isHex {
		return fmt.Sprintf("%d hex digits", len(digits))
	}
	return fmt.Sprintf("%d bytes of something else", len(data))
}

// sshKinds maps OpenSSH key type names to the names messages use.
var sshKinds = map[string]string{
	ssh.KeyAlgoED25519:    "Ed25519",
	ssh.KeyAlgoRSA:        "RSA",
	ssh.KeyAlgoDSA:        "DSA",
	ssh.KeyAlgoECDSA256:   "ECDSA",
	ssh.KeyAlgoECDSA384:   "ECDSA",
	ssh.KeyAlgoECDSA521:   "ECDSA",
	ssh.KeyAlgoSKED25519:  "Ed25519 security-key (FIDO)",
	ssh.KeyAlgoSKECDSA256: "ECDSA security-key (FIDO)",
}

func sshKind(algo string) string {
	if k, ok := sshKinds[algo]; ok {
		return k
	}
	if strings.Contains(algo, "-cert-") {
		return "OpenSSH certificate"
	}
	return fmt.Sprintf("%q", truncate(algo, 40))
}

// sshPublicLine parses an authorized_keys / .pub line. ok is false when text does not look like
// one; a line for another key type, or a corrupt one, is an error.
func sshPublicLine(name string, text []byte) (pub ed25519.PublicKey, ok bool, err error) {
	k, _, _, _, perr := ssh.ParseAuthorizedKey(text)
	if perr != nil {
		f := bytes.Fields(text)
		if len(f) < 2 || !bytes.HasPrefix(f[1], []byte("AAAA")) ||
			!(bytes.HasPrefix(f[0], []byte("ssh-")) || bytes.HasPrefix(f[0], []byte("ecdsa-")) || bytes.HasPrefix(f[0], []byte("sk-"))) {
			return nil, false, nil
		}
		if _, known := sshKinds[string(f[0])]; known {
			return nil, true, fmt.Errorf("%s: malformed %s line: its base64 key does not decode", name, truncate(string(f[0]), 40))
		}
		return nil, true, unsupportedKind(name, sshKind(string(f[0])))
	}
	if k.Type() != ssh.KeyAlgoED25519 {
		return nil, true, unsupportedKind(name, sshKind(k.Type()))
	}
	return k.(ssh.CryptoPublicKey).CryptoPublicKey().(ed25519.PublicKey), true, nil
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// firstPEMBlock is the first PEM block of data, skipping EC PARAMETERS (openssl ecparam puts it
// first).
func firstPEMBlock(data []byte) *pem.Block {
	for {
		b, rest := pem.Decode(data)
		if b == nil || b.Type != "EC PARAMETERS" {
			return b
		}
		data = rest
	}
}

func parsePrivatePEM(name string, data []byte, passphrase Passphrase) (ed25519.PrivateKey, Format, error) {
	b := firstPEMBlock(data)
	if b == nil {
		return nil, "", fmt.Errorf("%s: malformed PEM: no complete -----BEGIN …----- / -----END …----- block", name)
	}
	switch b.Type {
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(b.Bytes)
		if err != nil {
			if kind := pkcs8Kind(b.Bytes); kind != "" {
				return nil, "", unsupportedKind(name, kind)
			}
			return nil, "", fmt.Errorf("%s: malformed PKCS#8 private key", name)
		}
		if edk, ok := k.(ed25519.PrivateKey); ok {
			return ed25519.NewKeyFromSeed(edk.Seed()), FormatPKCS8, nil
		}
		return nil, "", unsupportedKind(name, goKeyKind(k))
	case "OPENSSH PRIVATE KEY":
		k, err := parseOpenSSH(name, pem.EncodeToMemory(b), b.Bytes, passphrase)
		return k, FormatOpenSSH, err
	case "ENCRYPTED PRIVATE KEY":
		return nil, "", hint.Wrap(fmt.Errorf("%s: encrypted PKCS#8 keys are not supported", name),
			fmt.Sprintf("decrypt it (openssl pkey -in %s -out plain.pem) or use an OpenSSH key from ssh-keygen -t ed25519", name))
	case "RSA PRIVATE KEY", "RSA PUBLIC KEY":
		return nil, "", unsupportedKind(name, "RSA")
	case "EC PRIVATE KEY":
		return nil, "", unsupportedKind(name, "ECDSA")
	case "DSA PRIVATE KEY":
		return nil, "", unsupportedKind(name, "DSA")
	case "PUBLIC KEY":
		if _, err := parsePublicPEM(name, data); err != nil {
			return nil, "", err
		}
		return nil, "", fmt.Errorf("%s: this is an Ed25519 public key (PEM); signing needs the private key", name)
	}
	return nil, "", fmt.Errorf("%s: unsupported PEM block %q: expected PRIVATE KEY or OPENSSH PRIVATE KEY", name, truncate(b.Type, 40))
}

// openSSHHeader is the unencrypted envelope of an OpenSSH private key (PROTOCOL.key), read to
// learn the key type and cipher before asking for a passphrase.
type openSSHHeader struct {
	CipherName   string
	KdfName      string
	KdfOpts      string
	NumKeys      uint32
	PubKey       []byte
	PrivKeyBlock []byte
	Rest         []byte `ssh:"rest"`
}

const openSSHMagic = "openssh-key-v1\x00"

// maxKDFRounds is x/crypto/ssh's own cap; ssh-keygen's default is 16 (about 0.1 s).
const maxKDFRounds = 2048

// kdfRounds is the bcrypt round count of an encrypted key, 0 if none or unreadable.
func (h *openSSHHeader) kdfRounds() uint32 {
	var opts struct {
		Salt   string
		Rounds uint32
	}
	if h.KdfName != "bcrypt" || ssh.Unmarshal([]byte(h.KdfOpts), &opts) != nil {
		return 0
	}
	return opts.Rounds
}

// readOpenSSHHeader reads the envelope of an OpenSSH private key's DER bytes.
func readOpenSSHHeader(der []byte) (*openSSHHeader, bool) {
	var h openSSHHeader
	if !bytes.HasPrefix(der, []byte(openSSHMagic)) || ssh.Unmarshal(der[len(openSSHMagic):], &h) != nil || h.NumKeys != 1 {
		return nil, false
	}
	return &h, true
}

func parseOpenSSH(name string, pemData, der []byte, passphrase Passphrase) (ed25519.PrivateKey, error) {
	malformed := fmt.Errorf("%s: malformed OpenSSH private key", name)
	h, ok := readOpenSSHHeader(der)
	if !ok {
		return nil, malformed
	}
	pub, err := ssh.ParsePublicKey(h.PubKey)
	if err != nil {
		return nil, malformed
	}
	if pub.Type() != ssh.KeyAlgoED25519 {
		return nil, unsupportedKind(name, sshKind(pub.Type()))
	}
	if rounds := h.kdfRounds(); rounds > maxKDFRounds {
		return nil, fmt.Errorf("%s: the OpenSSH key's bcrypt KDF asks for %d rounds; at most %d are supported", name, rounds, maxKDFRounds)
	}
	var raw any
	if h.CipherName == "none" {
		raw, err = ssh.ParseRawPrivateKey(pemData)
	} else {
		if passphrase == nil {
			return nil, hint.Wrap(fmt.Errorf("%s: the OpenSSH key is encrypted and no passphrase was given", name),
				fmt.Sprintf("use --passphrase-file <file> or set %s", PassphraseEnv))
		}
		pw, perr := passphrase()
		if perr != nil {
			return nil, fmt.Errorf("%s: reading the passphrase: %w", name, perr)
		}
		raw, err = ssh.ParseRawPrivateKeyWithPassphrase(pemData, pw)
		if errors.Is(err, x509.IncorrectPasswordError) {
			return nil, fmt.Errorf("%s: wrong passphrase for the encrypted OpenSSH key", name)
		}
	}
	if err != nil {
		return nil, malformed
	}
	var k ed25519.PrivateKey
	switch v := raw.(type) {
	case *ed25519.PrivateKey:
		k = *v
	case ed25519.PrivateKey:
		k = v
	}
	if len(k) != ed25519.PrivateKeySize {
		return nil, malformed
	}
	// x/crypto/ssh does not check that the stored public half matches the seed; a key whose halves
	// disagree would sign with one and advertise the other.
	priv := ed25519.NewKeyFromSeed(k.Seed())
	if !bytes.Equal(priv[32:], k[32:]) || !bytes.Equal(priv[32:], pub.(ssh.CryptoPublicKey).CryptoPublicKey().(ed25519.PublicKey)) {
		return nil, fmt.Errorf("%s: corrupt OpenSSH key: its public half does not match its private seed", name)
	}
	return priv, nil
}

func parsePublicPEM(name string, data []byte) (ed25519.PublicKey, error) {
	b := firstPEMBlock(data)
	if b == nil {
		return nil, fmt.Errorf("%s: malformed PEM: no complete -----BEGIN …----- / -----END …----- block", name)
	}
	switch b.Type {
	case "PUBLIC KEY":
		k, err := x509.ParsePKIXPublicKey(b.Bytes)
		if err != nil {
			if kind := spkiKind(b.Bytes); kind != "" {
				return nil, unsupportedKind(name, kind)
			}
			return nil, fmt.Errorf("%s: malformed PEM public key: %s", name, strings.TrimPrefix(err.Error(), "x509: "))
		}
		if edk, ok := k.(ed25519.PublicKey); ok {
			return edk, nil
		}
		return nil, unsupportedKind(name, goKeyKind(k))
	case "RSA PUBLIC KEY":
		return nil, unsupportedKind(name, "RSA")
	case "PRIVATE KEY", "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY":
		advice := "openssl pkey -in " + name + " -pubout prints it"
		if b.Type == "OPENSSH PRIVATE KEY" {
			advice = "ssh-keygen -y -f " + name + " prints it, or use " + name + ".pub"
		}
		return nil, hint.Wrap(fmt.Errorf("%s: this is a private key; verifying needs the public key", name), advice)
	}
	return nil, fmt.Errorf("%s: unsupported PEM block %q: expected PUBLIC KEY", name, truncate(b.Type, 40))
}

func goKeyKind(k any) string {
	switch k := k.(type) {
	case *rsa.PrivateKey, *rsa.PublicKey:
		return "RSA"
	case *ecdsa.PrivateKey, *ecdsa.PublicKey:
		return "ECDSA"
	case *ecdh.PrivateKey:
		return curveKind(k.Curve())
	case *ecdh.PublicKey:
		return curveKind(k.Curve())
	}
	return fmt.Sprintf("%T", k)
}

func curveKind(c ecdh.Curve) string {
	if c == ecdh.X25519() {
		return "X25519"
	}
	return "ECDH"
}

// Algorithm OIDs of keys x509 cannot parse, to name them in messages.
var oidKinds = map[string]string{
	"1.3.101.110":          "X25519",
	"1.3.101.111":          "X448",
	"1.3.101.112":          "Ed25519",
	"1.3.101.113":          "Ed448",
	"1.2.840.113549.1.1.1": "RSA",
	"1.2.840.10045.2.1":    "ECDSA",
	"1.2.840.10040.4.1":    "DSA",
}

type algorithmIdentifier struct {
	Algorithm  asn1.ObjectIdentifier
	Parameters asn1.RawValue `asn1:"optional"`
}

func pkcs8Kind(der []byte) string {
	var k struct {
		Version    int
		Algo       algorithmIdentifier
		PrivateKey []byte
	}
	if _, err := asn1.Unmarshal(der, &k); err != nil {
		return ""
	}
	if kind := oidKinds[k.Algo.Algorithm.String()]; kind != "Ed25519" {
		return kind
	}
	return ""
}

func spkiKind(der []byte) string {
	var k struct {
		Algo      algorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(der, &k); err != nil {
		return ""
	}
	if kind := oidKinds[k.Algo.Algorithm.String()]; kind != "Ed25519" {
		return kind
	}
	return ""
}
