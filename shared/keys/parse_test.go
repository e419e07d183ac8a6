package keys

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/ssh"

	"github.com/mcpg-dev/mcpg-plugins/shared/hint"
)

// Keys openssl made (Go cannot generate Ed448); test material only.
const (
	ed448Private = "-----BEGIN PRIVATE KEY-----\nMEcCAQAwBQYDK2VxBDsEOXxiVtbtETWEA+AgbCxX6YVUGz1LuTBoYVbCeabSAMUl\n4sq48yURcVEPgvY15d2V1CQk0wCHj81o6g==\n-----END PRIVATE KEY-----\n"
	ed448Public  = "-----BEGIN PUBLIC KEY-----\nMEMwBQYDK2VxAzoA0cBgxUsJ8bf2zQGeGX1gt0GrIPWQM1vZyyiYJDwPVNZOFCbE\nPtNtxt6CYXyJSeRjswmPqEZwOJWA\n-----END PUBLIC KEY-----\n"
	// openssl genpkey -algorithm ed25519 -aes256 -pass pass:secret
	encryptedPKCS8 = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIGbMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAiNPv812sq92wICCAAw\nDAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEEINf4NBHlwQqtsGlnPHT+ZcEQMo3\nAuNFizU9M6DeSkx4wczapyc2JTWQ2zwRENuReGEwYsWQmfhXu8/UG2k4mHST9U58\niKdjBmJ4TslUfVhhM5A=\n-----END ENCRYPTED PRIVATE KEY-----\n"
)

func pemOf(t testing.TB, typ string, der []byte) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

type fixtures struct {
	pkcs8, openssh, opensshEnc, spki, sshLine       []byte
	rsaPKCS8, rsaPKCS1, rsaSPKI, rsaSSH, rsaOpenSSH []byte
	ecPKCS8, ecSEC1, ecSPKI, ecSSH, x25519PKCS8     []byte
}

var (
	fixturesOnce sync.Once
	theFixtures  fixtures
)

// makeFixtures builds every key form once (RSA generation is slow).
func makeFixtures(t testing.TB) fixtures {
	fixturesOnce.Do(func() { theFixtures = buildFixtures(t) })
	return theFixtures
}

func buildFixtures(t testing.TB) fixtures {
	priv := seed42()
	pub := priv.Public().(ed25519.PublicKey)
	rsaKey := must(rsa.GenerateKey(rand.Reader, 2048))
	ecKey := must(ecdsa.GenerateKey(elliptic.P256(), rand.Reader))
	xKey := must(ecdh.X25519().GenerateKey(rand.Reader))
	return fixtures{
		pkcs8:       pemOf(t, "PRIVATE KEY", must(x509.MarshalPKCS8PrivateKey(priv))),
		openssh:     pem.EncodeToMemory(must(ssh.MarshalPrivateKey(priv, "me@host"))),
		opensshEnc:  pem.EncodeToMemory(must(ssh.MarshalPrivateKeyWithPassphrase(priv, "me@host", []byte("secret")))),
		spki:        []byte(PublicKeyPEM(pub)),
		sshLine:     ssh.MarshalAuthorizedKey(must(ssh.NewPublicKey(pub))),
		rsaPKCS8:    pemOf(t, "PRIVATE KEY", must(x509.MarshalPKCS8PrivateKey(rsaKey))),
		rsaPKCS1:    pemOf(t, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey)),
		rsaSPKI:     pemOf(t, "PUBLIC KEY", must(x509.MarshalPKIXPublicKey(&rsaKey.PublicKey))),
		rsaSSH:      ssh.MarshalAuthorizedKey(must(ssh.NewPublicKey(&rsaKey.PublicKey))),
		rsaOpenSSH:  pem.EncodeToMemory(must(ssh.MarshalPrivateKeyWithPassphrase(rsaKey, "", []byte("pw")))),
		ecPKCS8:     pemOf(t, "PRIVATE KEY", must(x509.MarshalPKCS8PrivateKey(ecKey))),
		ecSEC1:      pemOf(t, "EC PRIVATE KEY", must(x509.MarshalECPrivateKey(ecKey))),
		ecSPKI:      pemOf(t, "PUBLIC KEY", must(x509.MarshalPKIXPublicKey(&ecKey.PublicKey))),
		ecSSH:       ssh.MarshalAuthorizedKey(must(ssh.NewPublicKey(&ecKey.PublicKey))),
		x25519PKCS8: pemOf(t, "PRIVATE KEY", must(x509.MarshalPKCS8PrivateKey(xKey))),
	}
}

func constPassphrase(s string) Passphrase { return func() ([]byte, error) { return []byte(s), nil } }

func TestParsePrivateKey(t *testing.T) {
	f := makeFixtures(t)
	seedHex := strings.Repeat("2a", 32)
	good := []struct {
		name   string
		data   []byte
		pass   Passphrase
		format Format
	}{
		{"raw seed", bytes.Repeat([]byte{42}, 32), nil, FormatRawSeed},
		{"hex", []byte(seedHex), nil, FormatHexSeed},
		{"hex newline", []byte(seedHex + "\n"), nil, FormatHexSeed},
		{"hex 0x upper CRLF", []byte("0x" + strings.ToUpper(seedHex) + "\r\n"), nil, FormatHexSeed},
		{"pkcs8", f.pkcs8, nil, FormatPKCS8},
		{"openssh", f.openssh, nil, FormatOpenSSH},
		{"openssh encrypted", f.opensshEnc, constPassphrase("secret"), FormatOpenSSH},
		{"openssh with needless passphrase", f.openssh, constPassphrase("x"), FormatOpenSSH},
	}
	for _, tc := range good {
		t.Run(tc.name, func(t *testing.T) {
			priv, format, err := ParsePrivateKey("k", tc.data, tc.pass)
			if err != nil {
				t.Fatal(err)
			}
			if format != tc.format || !bytes.Equal(priv, seed42()) {
				t.Fatalf("got %s %x", format, priv)
			}
		})
	}

	bad := []struct {
		name string
		data []byte
		pass Passphrase
		want string
	}{
		{"empty", nil, nil, "k: empty file: expected a 32-byte raw seed"},
		{"31 bytes", bytes.Repeat([]byte{1}, 31), nil, "k: not a private key: expected"},
		{"short hex", []byte(seedHex[:62]), nil, "found 62 hex digits"},
		{"garbage", []byte("hello world"), nil, "found 11 bytes of something else"},
		{"rsa pkcs8", f.rsaPKCS8, nil, "k: RSA key: only Ed25519 keys are supported"},
		{"rsa pkcs1", f.rsaPKCS1, nil, "k: RSA key: only Ed25519 keys are supported"},
		{"rsa openssh encrypted", f.rsaOpenSSH, nil, "k: RSA key: only Ed25519 keys are supported"},
		{"ec pkcs8", f.ecPKCS8, nil, "k: ECDSA key: only Ed25519 keys are supported"},
		{"ec sec1", f.ecSEC1, nil, "k: ECDSA key: only Ed25519 keys are supported"},
		{"x25519", f.x25519PKCS8, nil, "k: X25519 key: only Ed25519 keys are supported"},
		{"ed448", []byte(ed448Private), nil, "k: Ed448 key: only Ed25519 keys are supported"},
		{"ssh-rsa line", f.rsaSSH, nil, "k: RSA key: only Ed25519 keys are supported"},
		{"ssh-ed25519 line", f.sshLine, nil, "k: this is an Ed25519 public key (ssh-ed25519 line); signing needs the private key (the private key is the file without .pub)"},
		{"spki", f.spki, nil, "k: this is an Ed25519 public key (PEM)"},
		{"encrypted no passphrase", f.opensshEnc, nil, "k: the OpenSSH key is encrypted and no passphrase was given (use --passphrase-file <file> or set MCPG_SIGN_PASSPHRASE)"},
		{"wrong passphrase", f.opensshEnc, constPassphrase("wrong"), "k: wrong passphrase for the encrypted OpenSSH key"},
		{"passphrase error", f.opensshEnc, func() ([]byte, error) { return nil, errors.New("no tty") }, "k: reading the passphrase: no tty"},
		{"encrypted pkcs8", []byte(encryptedPKCS8), nil, "k: encrypted PKCS#8 keys are not supported (decrypt it (openssl pkey -in k -out plain.pem) or use an OpenSSH key from ssh-keygen -t ed25519)"},
		{"truncated pem", f.pkcs8[:40], nil, "k: malformed PEM"},
		{"corrupt pkcs8", pemOf(t, "PRIVATE KEY", []byte("not der")), nil, "k: malformed PKCS#8 private key"},
		{"corrupt openssh", pemOf(t, "OPENSSH PRIVATE KEY", []byte("openssh-key-v1\x00junk")), nil, "k: malformed OpenSSH private key"},
		{"certificate", pemOf(t, "CERTIFICATE", []byte{1}), nil, `k: unsupported PEM block "CERTIFICATE"`},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ParsePrivateKey("k", tc.data, tc.pass)
			// The advice is a hint, not part of the message; want holds both, as hint.Inline joins them.
			if err == nil || !strings.HasPrefix(hint.Inline(err), tc.want) && !strings.Contains(hint.Inline(err), tc.want) {
				t.Fatalf("err = %v (hint %q), want %q", err, hint.Of(err), tc.want)
			}
			noSecrets(t, err, tc.data)
		})
	}
}

// noSecrets checks that a message quotes no 8-byte run of the input, in raw, hex or base64 form.
func noSecrets(t *testing.T, err error, data []byte) {
	t.Helper()
	msg := hint.Inline(err) // the advice must not quote the input either
	if strings.Contains(msg, "\n") {
		t.Errorf("message spans lines: %q", msg)
	}
	forms := []string{hex.EncodeToString(data)}
	if b := firstPEMBlock(data); b != nil {
		forms = append(forms, string(b.Bytes), hex.EncodeToString(b.Bytes))
		for _, line := range strings.Split(string(data), "\n") {
			if !strings.HasPrefix(line, "-----") {
				forms = append(forms, line)
			}
		}
	} else if !bytes.HasPrefix(data, []byte("ssh-")) {
		forms = append(forms, string(data))
	}
	for _, form := range forms {
		for i := 0; i+12 <= len(form); i++ {
			if strings.Contains(msg, form[i:i+12]) {
				t.Errorf("message %q quotes input %q", msg, form[i:i+12])
				return
			}
		}
	}
}

func TestParsePublicKey(t *testing.T) {
	f := makeFixtures(t)
	pub := seed42().Public().(ed25519.PublicKey)
	pubHex := hex.EncodeToString(pub)
	good := []struct {
		name   string
		data   []byte
		format Format
	}{
		{"raw", pub, FormatRawPublic},
		{"hex", []byte(pubHex + "\n"), FormatHexPublic},
		{"hex 0x upper", []byte("0X" + strings.ToUpper(pubHex)), FormatHexPublic},
		{"spki", f.spki, FormatSPKI},
		{"spki surrounded", append(append([]byte("id: release key\n"), f.spki...), "\n\n"...), FormatSPKI},
		{"ssh line", f.sshLine, FormatSSHPublic},
		{"authorized_keys with options", append([]byte(`restrict,command="true" `), f.sshLine...), FormatSSHPublic},
	}
	for _, tc := range good {
		t.Run(tc.name, func(t *testing.T) {
			got, format, err := ParsePublicKey("k", tc.data)
			if err != nil {
				t.Fatal(err)
			}
			if format != tc.format || !bytes.Equal(got, pub) {
				t.Fatalf("got %s %x", format, got)
			}
		})
	}
	bad := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "k: empty file: expected 32 raw bytes"},
		{"64 raw", bytes.Repeat([]byte{1}, 64), "k: not a public key: expected"},
		{"rsa spki", f.rsaSPKI, "k: RSA key: only Ed25519 keys are supported"},
		{"ecdsa spki", f.ecSPKI, "k: ECDSA key: only Ed25519 keys are supported"},
		{"ed448 spki", []byte(ed448Public), "k: Ed448 key: only Ed25519 keys are supported"},
		{"ssh-rsa", f.rsaSSH, "k: RSA key: only Ed25519 keys are supported"},
		{"ecdsa ssh", f.ecSSH, "k: ECDSA key: only Ed25519 keys are supported"},
		{"unknown ssh algorithm", []byte("ssh-foo AAAAB3NzaC1yc2E= x"), `k: "ssh-foo" key: only Ed25519 keys are supported`},
		{"pkcs8 private", f.pkcs8, "k: this is a private key; verifying needs the public key (openssl pkey -in k -pubout prints it)"},
		{"openssh private", f.openssh, "k: this is a private key; verifying needs the public key (ssh-keygen -y -f k prints it, or use k.pub)"},
		{"rsa private", f.rsaPKCS1, "k: this is a private key"},
		{"not on curve", mustHex(t, "0200000000000000000000000000000000000000000000000000000000000000"), "k: not a valid Ed25519 public key"},
		{"garbage", []byte("not a key"), "k: not a public key"},
		{"corrupt spki", pemOf(t, "PUBLIC KEY", []byte{0x30, 0x00}), "k: malformed PEM public key"},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ParsePublicKey("k", tc.data)
			if err == nil || !strings.HasPrefix(hint.Inline(err), tc.want) {
				t.Fatalf("err = %v (hint %q), want prefix %q", err, hint.Of(err), tc.want)
			}
			if strings.Contains(tc.name, "private") {
				noSecrets(t, err, tc.data)
			}
		})
	}
}

func TestOpenSSHMismatchedHalves(t *testing.T) {
	priv := ed25519.PrivateKey(bytes.Clone(seed42()))
	other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{7}, 32))
	copy(priv[32:], other[32:]) // public half of another key
	block := must(ssh.MarshalPrivateKey(priv, ""))
	if _, _, err := ParsePrivateKey("k", pem.EncodeToMemory(block), nil); err == nil || !strings.Contains(err.Error(), "does not match") {
		t.Fatalf("err = %v", err)
	}
}

// A key asking for more bcrypt rounds than x/crypto accepts is refused before any work is done.
func TestOpenSSHRoundsCap(t *testing.T) {
	b, _ := pem.Decode(makeFixtures(t).opensshEnc)
	h, ok := readOpenSSHHeader(b.Bytes)
	if !ok || h.kdfRounds() != 16 {
		t.Fatalf("fixture header: %v %+v", ok, h)
	}
	var opts struct {
		Salt   string
		Rounds uint32
	}
	if err := ssh.Unmarshal([]byte(h.KdfOpts), &opts); err != nil {
		t.Fatal(err)
	}
	opts.Rounds = 1 << 20
	h.KdfOpts = string(ssh.Marshal(opts))
	b.Bytes = append([]byte(openSSHMagic), ssh.Marshal(h)...)
	_, _, err := ParsePrivateKey("k", pem.EncodeToMemory(b), constPassphrase("secret"))
	if err == nil || err.Error() != "k: the OpenSSH key's bcrypt KDF asks for 1048576 rounds; at most 2048 are supported" {
		t.Fatalf("err = %v", err)
	}
}
