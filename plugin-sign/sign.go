package main

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/hint"
	"github.com/mcpg-dev/mcpg-plugins/shared/keys"
)

const signHelp = `Usage:
  plugin-sign sign --key <private-key-file> [flags] <artifact|->
  plugin-sign sign --subprocess <command> --public-key <hex|file:path> [flags] <artifact|->

Create the Ed25519 detached signature the gateway checks: 64 raw bytes (pure Ed25519 over the
artifact's bytes), written atomically beside the artifact as <artifact>.<ext>.sig
(libfoo.so → libfoo.so.sig, plugin.wasm → plugin.wasm.sig, foo → foo.bin.sig). The artifact is
streamed from disk twice, as pure Ed25519 requires; it is never loaded into memory. Every file
may be a pipe (--key <(pass show signing-key), --passphrase-file /dev/fd/3), read like stdin; a
pipe that sends nothing within 10s is an error (exit 3). Directories and devices are refused.

Signers:
  --key <file>              sign locally with this private key: a 32-byte raw seed, 64 hex
                            digits, a PKCS#8 PEM key (openssl genpkey -algorithm ed25519) or an
                            OpenSSH key (ssh-keygen -t ed25519)
  --passphrase-file <file>  the passphrase of an encrypted OpenSSH key (its first line); without
                            it the MCPG_SIGN_PASSPHRASE environment variable is used, and only on
                            a terminal are you asked
  --subprocess <command>    delegate signing to a command (cloud KMS, HSM): it runs with sh -c,
                            stdin closed, stderr passed through and MCPG_SIGN_ARTIFACT set to the
                            artifact's path, and must write exactly 64 raw signature bytes to
                            stdout; it never sees a key
  --subprocess-timeout <duration>
                            how long the signer may run (default 2m, room for a KMS round trip
                            or a hardware-key touch); then it gets SIGTERM and, 2s later,
                            SIGKILL. The signer runs in a process group of its own, which is
                            also killed on Ctrl-C and once the signer exits, with (on Linux)
                            any process that left the group (setsid, a daemon), so nothing it
                            started outlives plugin-sign; it cannot read from the terminal
  --public-key <key>        required with --subprocess: the key its signature must verify under,
                            checked before anything is written; 64 hex digits (optional 0x) or
                            file:<path> holding 32 raw bytes, hex, a PEM public key or an
                            ssh-ed25519 line

Flags:
  -o, --output <path|->     write the signature here instead of beside the artifact; an
                            existing directory or a path ending in / receives <artifact>.sig;
                            missing directories are created; "-" is stdout (not a terminal; the
                            receipt then goes to stderr); required for stdin input
      --json                print the result as one JSON document instead of the receipt
                            (artifact_sha256: bare hex of what was signed)
  -h, --help                show this help

Output: "Signed: <artifact>", "  Signature: <path>", "  SHA-256:   <hex>", "  Public key: <hex>",
then the public key as the PEM block the gateway's trusted_keys[].pem takes.

Examples:
  plugin-sign sign --key release.key target/release/libgate.so
  plugin-sign sign --key ~/.ssh/id_ed25519 --passphrase-file pass.txt libgate.so
  plugin-sign sign --subprocess 'my-kms-sign "$MCPG_SIGN_ARTIFACT"' --public-key file:release.pub libgate.so
  cat gate.wasm | plugin-sign sign --key release.key -o gate.wasm.sig -

Exit status: 0 signed; 1 the key or the signer was rejected, failed or ran past
--subprocess-timeout (nothing was written); 2 usage, or the signature would replace an input (the
key, the artifact…, by any name or link); 3 a file or stdout could not be read or written; 130
interrupted (the signer's process group was killed, nothing was written). With -o -, a reader that
stops early ends it by SIGPIPE.
`

type signOpts struct {
	key, passphraseFile, subprocess, publicKey, output string
	json                                               bool
	artifact                                           string
	subprocessTimeout                                  string
	signerTimeout                                      time.Duration // parsed --subprocess-timeout
}

func runSign(env *cli.Env, args []string) error {
	o := &signOpts{}
	flags := cli.NewFlagSet("plugin-sign sign", signHelp, env.Stdout)
	flags.StringVar(&o.key, "key", "", "")
	flags.StringVar(&o.passphraseFile, "passphrase-file", "", "")
	flags.StringVar(&o.subprocess, "subprocess", "", "")
	flags.StringVar(&o.subprocessTimeout, "subprocess-timeout", defaultSignerTimeout.String(), "")
	flags.StringVar(&o.publicKey, "public-key", "", "")
	flags.StringVarP(&o.output, "output", "o", "", "")
	flags.BoolVar(&o.json, "json", false, "")
	pos, err := flags.Parse(args)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, signHelp)
		return cli.Usagef("plugin-sign sign: artifact path is required")
	}
	if err := o.check(flags, pos); err != nil {
		return err
	}
	if err := cli.RefuseTerminal("plugin-sign sign", o.output, env.Stdout); err != nil {
		return err
	}

	// Everything that can be rejected without reading the artifact is, first.
	var (
		priv      ed25519.PrivateKey
		pub       ed25519.PublicKey
		keyFormat keys.Format
	)
	if o.key != "" {
		data, err := fileio.ReadSmall(o.key, maxKeyFile, "a key file")
		if err != nil {
			return err
		}
		passphrase, err := passphraseSource(env, o.passphraseFile, o.key)
		if err != nil {
			return err
		}
		if priv, keyFormat, err = keys.ParsePrivateKey(o.key, data, passphrase); err != nil {
			return cli.WithHint(cli.Failf("%s", err), hint.Of(err))
		}
		pub = priv.Public().(ed25519.PublicKey)
	} else if pub, keyFormat, err = resolvePublicKey(o.publicKey); err != nil {
		return err
	}

	f, closeInput, err := fileio.OpenFile(o.artifact, env.Stdin)
	if err != nil {
		return err
	}
	defer closeInput()
	st, err := f.Stat()
	if err != nil {
		return fileio.IOError("read", o.artifact, err)
	}
	if isZip(f) {
		env.Warnf("%s is a zip file: the gateway checks a package's plugin.sig over the artifact inside (plugin.so or plugin.wasm), not over the zip; sign the artifact, then pack it with --signature", fileio.DisplayName(o.artifact))
	}

	defaultName := "" // stdin has no name to put the .sig beside
	if o.artifact != "-" {
		defaultName = keys.SidecarPath(o.artifact)
		if o.output != "" {
			defaultName = filepath.Base(defaultName) // inside an -o directory
		}
	}
	sigPath := fileio.OutputPath(o.output, defaultName)
	inputs := &fileio.Inputs{Command: "plugin-sign sign"}
	inputs.Add("the artifact", o.artifact)
	inputs.Add("the --key file", o.key)
	inputs.Add("the --passphrase-file", o.passphraseFile)
	inputs.Add("the --public-key file", strings.TrimPrefix(o.publicKey, "file:"))
	out, err := cli.CreateOutput(inputs, "the signature", sigPath, 0o644, env.Stdout)
	if err != nil {
		return err
	}
	defer out.Abort()

	sig, sum, err := signArtifact(env, o, priv, pub, f, st.Size())
	if err != nil {
		return err
	}
	if _, err := out.Write(sig); err != nil {
		return err
	}
	if err := out.Commit(); err != nil {
		return err
	}

	if o.json {
		signer := "key"
		if priv == nil {
			signer = "subprocess"
		}
		return cli.WriteJSON(env.Stdout, signReport{
			Artifact: fileio.DisplayName(o.artifact), SignatureFile: out.Name(), Signature: hex.EncodeToString(sig),
			SHA256: sum.Hex(), Size: st.Size(), PublicKey: hex.EncodeToString(pub), PublicKeyPEM: keys.PublicKeyPEM(pub),
			KeyFormat: string(keyFormat), Signer: signer,
		})
	}
	receipt := env.Stdout
	if sigPath == "-" {
		receipt = env.Stderr
	}
	fmt.Fprintf(receipt, "Signed: %s\n", fileio.DisplayName(o.artifact))
	fmt.Fprintf(receipt, "  Signature: %s\n", out.Name())
	fmt.Fprintf(receipt, "  SHA-256:   %s\n", sum.Hex())
	fmt.Fprintf(receipt, "  Public key: %s\n", hex.EncodeToString(pub))
	fmt.Fprintf(receipt, "  Public key (PEM, for trusted_keys):\n%s", keys.PublicKeyPEM(pub))
	return nil
}

// signArtifact signs locally with priv, or runs the --subprocess signer and checks its signature
// under pub; either way it streams the artifact and returns its SHA-256 too.
func signArtifact(env *cli.Env, o *signOpts, priv ed25519.PrivateKey, pub ed25519.PublicKey, f *os.File, size int64) ([]byte, digest.Digest, error) {
	if priv != nil {
		sig, sum, err := keys.SignAndHash(priv, f, size)
		if err != nil {
			return nil, sum, signReadError(o.artifact, err)
		}
		return sig, sum, nil
	}
	sig, err := runSigner(env, o.subprocess, f.Name(), o.signerTimeout)
	if err != nil {
		return nil, digest.Digest{}, err
	}
	ok, sum, _, err := keys.VerifyAndHash(pub, io.NewSectionReader(f, 0, size), sig)
	if err == nil {
		err = keys.CheckEnd(f, size)
	}
	if err != nil {
		return nil, sum, signReadError(o.artifact, err)
	}
	if !ok {
		return nil, sum, cli.Failf("subprocess signer produced a signature that does NOT verify against the declared --public-key. Either the KMS / signer is misconfigured or --public-key is wrong. (verifier error: signature error)")
	}
	return sig, sum, nil
}

type signReport struct {
	Artifact      string `json:"artifact"`
	SignatureFile string `json:"signature_file"`  // the path written, or "stdout"
	Signature     string `json:"signature"`       // hex of the 64 bytes
	SHA256        string `json:"artifact_sha256"` // bare hex, as plugins[].signature.sha256 and every --json
	Size          int64  `json:"artifact_size"`
	PublicKey     string `json:"public_key"`
	PublicKeyPEM  string `json:"public_key_pem"`
	KeyFormat     string `json:"key_format"`
	Signer        string `json:"signer"` // "key" or "subprocess"
}

// check applies the reference CLI's rules for combining signers, in its words.
func (o *signOpts) check(flags *cli.FlagSet, pos []string) error {
	switch {
	case len(pos) == 0:
		return cli.Usagef("plugin-sign sign: artifact path is required")
	case len(pos) > 1:
		return cli.CheckArgs("plugin-sign sign", pos, 1, 1, "<artifact|->")
	case flags.Visited("key") && flags.Visited("subprocess"):
		return cli.Usagef("--key and --subprocess are mutually exclusive — pick one signer")
	case o.key != "" && flags.Visited("public-key"):
		return cli.Usagef("--public-key only applies to --subprocess (the local signer derives the public key from the seed automatically)")
	case o.key == "" && o.subprocess == "":
		return cli.Usagef("either --key <file> (local signer) or --subprocess <cmd> (KMS / HSM signer) is required")
	case o.subprocess != "" && o.publicKey == "":
		return cli.Usagef("--public-key <hex|file:path> is required when using --subprocess (the CLI verifies the produced signature against this key before writing the .sig file, catching KMS misconfig at sign time)")
	case o.subprocess != "" && o.passphraseFile != "":
		return cli.Usagef("--passphrase-file only applies to --key")
	case o.key != "" && flags.Visited("subprocess-timeout"):
		return cli.Usagef("--subprocess-timeout only applies to --subprocess")
	case o.json && o.output == "-":
		return cli.WithHint(cli.Usagef("plugin-sign sign: --json and -o - both write to stdout"), "choose one")
	}
	timeout, err := time.ParseDuration(o.subprocessTimeout)
	if err != nil || timeout <= 0 {
		return cli.Usagef("plugin-sign sign: --subprocess-timeout %q: expected a positive duration such as 2m", o.subprocessTimeout)
	}
	o.signerTimeout = timeout
	o.artifact = pos[0]
	if o.artifact == "-" && o.output == "" {
		return cli.Usagef("plugin-sign sign: reading the artifact from stdin needs --output/-o: there is no file name to put the .sig beside")
	}
	return nil
}

// resolvePublicKey reads --public-key: hex on the command line, or file:<path> in any public key
// form.
func resolvePublicKey(value string) (ed25519.PublicKey, keys.Format, error) {
	if path, ok := strings.CutPrefix(value, "file:"); ok {
		data, err := fileio.ReadSmall(path, maxKeyFile, "a public key file")
		if err != nil {
			return nil, "", err
		}
		pub, format, err := keys.ParsePublicKey(path, data)
		if err != nil {
			return nil, "", cli.WithHint(cli.Failf("--public-key %s", err), hint.Of(err))
		}
		return pub, format, nil
	}
	text := strings.TrimSpace(value)
	if t, ok := strings.CutPrefix(strings.ToLower(text), "0x"); ok {
		text = t
	}
	if _, err := hex.DecodeString(text); err != nil || len(text) != 64 {
		return nil, "", cli.Usagef("--public-key must be 64 hex chars (or `file:<path>`)")
	}
	pub, format, err := keys.ParsePublicKey("--public-key", []byte(text))
	if err != nil {
		return nil, "", cli.WithHint(cli.Usagef("%s", err), hint.Of(err))
	}
	return pub, format, nil
}

// signReadError words a failure while streaming the artifact.
func signReadError(name string, err error) error {
	if errors.Is(err, keys.ErrChanged) {
		return cli.WithHint(cli.Failf("%s: %v; nothing was written", fileio.DisplayName(name), err), "sign it again once it is complete")
	}
	return fileio.IOError("read", fileio.DisplayName(name), err)
}

// isZip reports whether f starts with a zip local file header.
func isZip(f io.ReaderAt) bool {
	magic := make([]byte, 4)
	n, _ := f.ReadAt(magic, 0)
	return n == 4 && bytes.Equal(magic, []byte("PK\x03\x04"))
}
