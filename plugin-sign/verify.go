package main

import (
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/hint"
	"github.com/mcpg-dev/mcpg-plugins/shared/keys"
	"github.com/mcpg-dev/mcpg-plugins/shared/pkgzip"
	"github.com/mcpg-dev/mcpg-plugins/shared/revocation"
)

const verifyHelp = `Usage: plugin-sign verify [--key <public-key>] [--hash <sha256>] [--revocation-list <file>] [flags] <artifact|package.zip|->

Check a plugin the way the gateway will: the SHA-256 of the artifact against the pin you expect,
its Ed25519 signature against your public key, and the artifact against a revocation list.
Give at least one of --key, --hash and --revocation-list: with nothing to check, verify is a
usage error (exit 2), as cosign refuses to verify without a key. This departs on purpose from the
reference CLI, which prints "Verification: PASSED" for any file; to print the SHA-256 alone, run
plugin-hash hash.
The input is a loose artifact (libfoo.so, plugin.wasm) with its signature beside it
(<artifact>.<ext>.sig), or a package zip — recognised by its content — whose plugin.sig is
checked over its plugin.so or plugin.wasm entry, the bytes the gateway pins and verifies.
One streaming pass computes both the SHA-256 and the signature check.

Flags:
      --key <file|hex>          public key: a file of 32 raw bytes, 64 hex digits, a PEM public
                                key (-----BEGIN PUBLIC KEY-----, what trusted_keys takes) or an
                                ssh-ed25519 line (a .pub file), or the 64 hex digits themselves;
                                without it the signature is not checked. With it a package must
                                carry plugin.sig, as the gateway's enforce policy requires
      --hash <sha256>           expected SHA-256 of the artifact: 64 hex digits, with or without
                                sha256:, either case (a warning then says the gateway's pin needs
                                bare lowercase hex); spaces or anything else are a usage error
      --signature <file>        the signature to check instead of the sidecar or plugin.sig
      --revocation-list <file>  the gateway's revocation list (JSON, version 1); the artifact must
                                not be in it. A malformed list is an error, as at gateway boot
      --json                    print the result as one JSON document (artifact_sha256: bare hex
                                of the artifact, inside a package too)
  -h, --help                    show this help

Output: one line per check — "  [OK] SHA-256: <hex>" or "  [FAIL] SHA-256: expected X, got Y"
("  SHA-256: <hex>" without --hash), "  [OK] Ed25519 signature verified" or "  [FAIL] …",
"  [OK] not revoked (…)" or "  [FAIL] revoked: …" — then "Verification: PASSED" or
"Verification: FAILED".

Examples:
  plugin-sign verify --key release.pub libgate.so
  plugin-sign verify --key release.pem --hash sha256:0f64…3d5b mcpg-plugin-gate_1.2.0_linux_amd64.zip
  plugin-sign verify --key release.pub --revocation-list /etc/mcpg/revocations.json plugin.wasm

Exit status: 0 every check passed; 1 a check failed, or the key, the list or the package was
rejected; 2 usage, including nothing to check; 3 a file could not be read.
`

type verifyOpts struct {
	key, hash, signature, revocations string
	json                              bool
	input                             string
	expected                          *digest.Digest // parsed --hash
}

// verifyReport is both the --json document and what the human lines are printed from.
type verifyReport struct {
	Input      string            `json:"input"`                // as given, "stdin" for -
	Package    bool              `json:"package"`              // a package zip
	Artifact   string            `json:"artifact"`             // the loose artifact, or the package entry
	SHA256     string            `json:"artifact_sha256"`      // of the artifact bytes, bare hex
	Size       int64             `json:"artifact_size"`        // of the artifact
	Hash       *hashResult       `json:"hash,omitempty"`       // with --hash
	Signature  signatureResult   `json:"signature"`            //
	Revocation *revocationResult `json:"revocation,omitempty"` // with --revocation-list
	Verified   bool              `json:"verified"`
}

type hashResult struct {
	Expected string `json:"expected"` // as given
	OK       bool   `json:"ok"`
}

type signatureResult struct {
	File      string `json:"file,omitempty"` // the sidecar, --signature, or "<zip>:plugin.sig"
	Present   bool   `json:"present"`
	Checked   bool   `json:"checked"` // a --key was given
	OK        bool   `json:"ok"`
	Error     string `json:"error,omitempty"` // why it could not be checked
	PublicKey string `json:"public_key,omitempty"`
	KeyFormat string `json:"key_format,omitempty"`
	hint      string // what to do about Error, for the text report
}

type revocationResult struct {
	List      string `json:"list"`
	IssuedAt  string `json:"issued_at,omitempty"`
	Entries   int    `json:"entries"`
	Revoked   bool   `json:"revoked"`
	Reason    string `json:"reason,omitempty"`
	RevokedAt string `json:"revoked_at,omitempty"`
}

func runVerify(env *cli.Env, args []string) error {
	o, err := parseVerifyArgs(env, args)
	if err != nil {
		return err
	}
	rep := &verifyReport{Input: fileio.DisplayName(o.input)}

	// Inputs that can be rejected before reading the artifact are, first.
	pub, err := loadPublicKey(o.key, &rep.Signature)
	if err != nil {
		return err
	}
	var list *revocation.List
	if o.revocations != "" {
		data, err := fileio.ReadSmall(o.revocations, maxRevocationList, "a revocation list")
		if err != nil {
			return err
		}
		if list, err = revocation.Parse(o.revocations, data); err != nil {
			return cli.Failf("%s", err)
		}
	}

	f, closeInput, err := fileio.OpenFile(o.input, env.Stdin)
	if err != nil {
		return err
	}
	defer closeInput()
	st, err := f.Stat()
	if err != nil {
		return fileio.IOError("read", rep.Input, err)
	}
	var s subject
	if isZip(f) {
		s, err = openPackage(o, rep, f, st.Size())
	} else {
		if strings.HasSuffix(strings.ToLower(o.input), ".zip") {
			env.Warnf("%s does not start with a zip header: verifying it as a loose artifact", o.input)
		}
		s = openLoose(o, rep, f)
	}
	if err != nil {
		return err
	}
	defer s.artifact.Close()

	// One pass: SHA-256 always, the signature when there is a key and a well-formed signature.
	var missing missingSignature
	rep.Signature.Present = !errors.As(s.sigErr, &missing)
	if s.sigErr != nil {
		if rep.Signature.Checked {
			rep.Signature.Error = s.sigErr.Error()
			rep.Signature.hint = hint.Of(s.sigErr)
		}
		pub = nil
	}
	ok, sum, n, err := keys.VerifyAndHash(pub, s.artifact, s.sig)
	if err != nil {
		if rep.Package {
			return err
		}
		return fileio.IOError("read", rep.Input, err)
	}
	rep.SHA256, rep.Size, rep.Signature.OK = sum.Hex(), n, ok
	rep.Verified = !rep.Signature.Checked || ok
	if o.expected != nil {
		rep.Hash = &hashResult{Expected: o.hash, OK: sum == *o.expected}
		rep.Verified = rep.Verified && rep.Hash.OK
	}
	if list != nil {
		rep.Revocation = &revocationResult{List: o.revocations, IssuedAt: list.IssuedAt, Entries: len(list.Entries)}
		if e, revoked := list.Lookup(rep.SHA256); revoked {
			rep.Revocation.Revoked, rep.Revocation.Reason, rep.Revocation.RevokedAt = true, e.Reason, e.RevokedAt
			rep.Verified = false
		}
	}

	if o.json {
		if err := cli.WriteJSON(env.Stdout, rep); err != nil {
			return err
		}
	} else {
		printVerify(env.Stdout, rep)
	}
	if !rep.Verified {
		return &cli.SilentError{Code: cli.ExitFailed}
	}
	return nil
}

func parseVerifyArgs(env *cli.Env, args []string) (*verifyOpts, error) {
	o := &verifyOpts{}
	flags := cli.NewFlagSet("plugin-sign verify", verifyHelp, env.Stdout)
	flags.StringVar(&o.key, "key", "", "")
	flags.StringVar(&o.hash, "hash", "", "")
	flags.StringVar(&o.signature, "signature", "", "")
	flags.StringVar(&o.revocations, "revocation-list", "", "")
	flags.BoolVar(&o.json, "json", false, "")
	pos, err := flags.Parse(args)
	if err != nil {
		return nil, err
	}
	switch {
	case len(args) == 0:
		fmt.Fprint(env.Stderr, verifyHelp)
		return nil, cli.Usagef("plugin-sign verify: no artifact path specified")
	case len(pos) == 0:
		return nil, cli.Usagef("plugin-sign verify: no artifact path specified")
	case len(pos) > 1:
		return nil, cli.CheckArgs("plugin-sign verify", pos, 1, 1, "<artifact|package.zip|->")
	}
	o.input = pos[0]
	if o.key == "" && !flags.Visited("hash") && o.revocations == "" {
		return nil, cli.WithHint(cli.Usagef("plugin-sign verify: nothing to check: give --key <public-key>, --hash <sha256> or --revocation-list <file>"),
			"to print the SHA-256 alone, run: plugin-hash hash "+o.input)
	}
	if flags.Visited("hash") {
		d, err := parseExpectedHash(env, o.hash)
		if err != nil {
			return nil, err
		}
		o.expected = &d
	}
	return o, nil
}

// parseExpectedHash reads --hash leniently where a person typing it is harmless (a sha256:
// prefix, upper case: compared all the same, with a warning, since the gateway compares
// plugins[].signature.sha256 as an exact string, docs/contract.md §4.2) and strictly otherwise:
// white space, a wrong length or a non-hex digit is a usage error.
func parseExpectedHash(env *cli.Env, value string) (digest.Digest, error) {
	if strings.TrimSpace(value) != value {
		return digest.Digest{}, cli.Usagef("--hash: %q is not a SHA-256 digest: it has leading or trailing white space", value)
	}
	d, err := digest.Parse(value)
	if err != nil {
		return digest.Digest{}, cli.Usagef("--hash: %v", err)
	}
	if value != d.Hex() {
		env.Warnf("--hash %s: the gateway's plugins[].signature.sha256 pin is compared as an exact string and needs bare lowercase hex: %s", value, d.Hex())
	}
	return d, nil
}

// loadPublicKey reads --key (a file, or the hex key itself); none given is a nil key.
func loadPublicKey(key string, res *signatureResult) (ed25519.PublicKey, error) {
	if key == "" {
		return nil, nil
	}
	pub, format, err := keys.LoadPublicKey(key)
	if err != nil {
		return nil, cli.KeyArgError(err)
	}
	res.Checked, res.PublicKey, res.KeyFormat = true, hex.EncodeToString(pub), string(format)
	return pub, nil
}

// subject is what gets verified: the artifact's bytes and the signature over them (or why
// there is none to check).
type subject struct {
	artifact io.ReadCloser
	sig      []byte
	sigErr   error
}

// openPackage checks the zip and picks its artifact entry and plugin.sig (or --signature).
func openPackage(o *verifyOpts, rep *verifyReport, f io.ReaderAt, size int64) (subject, error) {
	pkg, err := pkgzip.Open(f, size, rep.Input, pkgzip.DefaultLimits)
	if err != nil {
		return subject{}, err
	}
	rc, err := pkg.Artifact()
	if err != nil {
		return subject{}, err
	}
	s := subject{artifact: rc}
	rep.Package, rep.Artifact = true, pkg.ArtifactName
	switch {
	case o.signature != "":
		rep.Signature.File = o.signature
		s.sig, s.sigErr = readSignatureFile(o.signature)
	case pkg.Signature == nil: // the verdict every tool gives an unsigned package under --key
		s.sigErr = missingSignature(pkg.CheckSignature(true).Error())
	default:
		rep.Signature.File = rep.Input + ":" + pkgzip.EntrySignature
		s.sig, s.sigErr = pkg.Signature, pkg.CheckSignature(o.key != "")
	}
	return s, nil
}

// openLoose pairs a loose artifact with its sidecar (or --signature).
func openLoose(o *verifyOpts, rep *verifyReport, f io.ReadCloser) subject {
	s := subject{artifact: io.NopCloser(f)} // closed by the caller's closeInput
	rep.Artifact = rep.Input
	switch {
	case o.signature != "":
		rep.Signature.File = o.signature
	case o.input != "-":
		rep.Signature.File = keys.SidecarPath(o.input)
	}
	if rep.Signature.File == "" {
		s.sigErr = missingSignature("no signature file: the artifact came from stdin (give --signature)")
	} else {
		s.sig, s.sigErr = readSignatureFile(rep.Signature.File)
	}
	return s
}

// printVerify prints the reference CLI's lines, then ours for what it does not check.
func printVerify(w io.Writer, rep *verifyReport) {
	if rep.Package {
		fmt.Fprintf(w, "  Artifact: %s in %s\n", rep.Artifact, rep.Input)
	}
	switch {
	case rep.Hash == nil:
		fmt.Fprintf(w, "  SHA-256: %s\n", rep.SHA256)
	case rep.Hash.OK:
		fmt.Fprintf(w, "  [OK] SHA-256: %s\n", rep.SHA256)
	default:
		fmt.Fprintf(w, "  [FAIL] SHA-256: expected %s, got %s\n", rep.Hash.Expected, rep.SHA256)
	}
	s := rep.Signature
	switch {
	case !s.Checked && s.Present:
		fmt.Fprintf(w, "  Signature: %s (not checked: no --key given)\n", s.File)
	case !s.Checked:
	case s.Error != "":
		fmt.Fprintf(w, "  [FAIL] Signature check error: %s\n", s.Error)
		if s.hint != "" {
			fmt.Fprintf(w, "         hint: %s\n", s.hint)
		}
	case s.OK:
		fmt.Fprintln(w, "  [OK] Ed25519 signature verified")
	default:
		fmt.Fprintln(w, "  [FAIL] Ed25519 signature does not match")
	}
	if r := rep.Revocation; r != nil {
		switch {
		case r.Revoked:
			at := ""
			if r.RevokedAt != "" {
				at = ", revoked_at " + oneLine(r.RevokedAt)
			}
			fmt.Fprintf(w, "  [FAIL] revoked: %s (artifact_sha256 %s%s)\n", oneLine(r.Reason), rep.SHA256, at)
		case r.IssuedAt != "":
			fmt.Fprintf(w, "  [OK] not revoked (list issued %s, %s)\n", oneLine(r.IssuedAt), entries(r.Entries))
		default:
			fmt.Fprintf(w, "  [OK] not revoked (list without issued_at, %s)\n", entries(r.Entries))
		}
	}
	if rep.Verified {
		fmt.Fprintln(w, "\nVerification: PASSED")
	} else {
		fmt.Fprintln(w, "\nVerification: FAILED")
	}
}

func entries(n int) string {
	if n == 1 {
		return "1 entry"
	}
	return fmt.Sprintf("%d entries", n)
}

// oneLine keeps text from a list on one output line.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}
