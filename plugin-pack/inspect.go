package main

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"

	"github.com/mcpg-dev/mcpg-plugins/shared/artifact"
	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/hint"
	"github.com/mcpg-dev/mcpg-plugins/shared/keys"
	"github.com/mcpg-dev/mcpg-plugins/shared/pkgzip"
)

const inspectHelp = `Usage: plugin-pack inspect [--json] [--key <key>] <archive|->

Show what a package holds without extracting anything: the descriptor's fields, every entry,
both digests (the zip's, which is its OCI layer digest, and the artifact's, which is what
plugins[].signature.sha256 pins), the signature's state, and whether the artifact embeds the
packaged plugin.yaml (native) or is a component (wasm). The package is read with the same rules
as unpack; the artifact is decompressed once, in memory-bounded streaming, to hash and scan it.

"-" reads the zip from stdin.

Flags:
  --key <key>  verify plugin.sig with this public key: a file (PEM, raw 32 bytes, hex,
               ssh-ed25519 line) or 64 hex digits; an unsigned package then fails
  --json       print one JSON document on stdout (artifact_sha256: the artifact inside, what to
               pin; package_sha256: the zip; both bare hex)
  -h, --help   show this help

Examples:
  plugin-pack inspect mcpg-plugin-gate_1.2.0_linux_amd64.zip
  plugin-pack inspect --key acme.pub --json gate.zip | jq -r .artifact_sha256

Exit status: 0 the package is sound; 1 it is rejected as unpack would reject it, it is unsigned
or its signature does not verify with --key (the verdict of plugin-sign verify --key and
plugin-harness test --key), or its artifact embeds a plugin.yaml the gateway would refuse; 2
usage; 3 a file could not be read.
`

func runInspect(env *cli.Env, args []string) error {
	fs := cli.NewFlagSet("plugin-pack inspect", inspectHelp, env.Stdout)
	var asJSON bool
	var keyArg string
	fs.BoolVar(&asJSON, "json", false, "")
	fs.StringVar(&keyArg, "key", "", "")
	pos, err := fs.Parse(args)
	if err != nil {
		return err
	}
	if err := cli.CheckArgs("plugin-pack inspect", pos, 1, 1, "<archive|->"); err != nil {
		return err
	}
	var pub ed25519.PublicKey
	if keyArg != "" {
		if pub, err = loadPublicKey(keyArg); err != nil {
			return err
		}
	}
	f, closeFile, err := fileio.OpenFile(pos[0], env.Stdin)
	if err != nil {
		return err
	}
	defer closeFile()
	st, err := f.Stat()
	if err != nil {
		return fileio.IOError("read", fileio.DisplayName(pos[0]), err)
	}
	pkg, err := pkgzip.Open(f, st.Size(), fileio.DisplayName(pos[0]), pkgzip.DefaultLimits)
	if err != nil {
		return err
	}
	warn := &warnings{env: env}
	rep, failure := inspect(pkg, f, pub, keyArg, warn)
	if rep == nil {
		return failure
	}
	rep.Warnings = warn.all()
	if asJSON {
		if err := cli.WriteJSON(env.Stdout, rep); err != nil {
			return err
		}
	} else {
		printInspect(env.Stdout, rep)
	}
	return failure
}

type inspectReport struct {
	Package string `json:"package"`
	packageDigests
	Desc struct {
		ID              string `json:"id"`
		Name            string `json:"name"`
		Class           string `json:"class"`
		Runtime         string `json:"runtime"`
		ProtocolVersion string `json:"protocol_version"`
		License         string `json:"license,omitempty"`
		Description     string `json:"description,omitempty"`
	} `json:"descriptor"`
	Artifact  artifactJSON `json:"artifact"`
	Signature struct {
		State string `json:"state"` // none, unverified, verified, invalid
		Size  int64  `json:"size,omitempty"`
		Note  string `json:"note,omitempty"`
	} `json:"signature"`
	License            *fileJSON   `json:"license"`
	EmbeddedDescriptor string      `json:"embedded_descriptor"` // exact, differs, none, not_checked
	EmbeddedNote       string      `json:"embedded_note,omitempty"`
	Entries            []entryJSON `json:"entries"`
	Warnings           []string    `json:"warnings"`
}

// inspect reads the package once more: the zip for its digest (on one core) and the artifact
// for its digest, embedded descriptor and signature (on the other). failure is the first reason
// to exit 1; the report is still printed with it unless reading failed outright (rep nil).
func inspect(pkg *pkgzip.Package, zipFile io.ReaderAt, pub ed25519.PublicKey, keyName string, warn *warnings) (rep *inspectReport, failure error) {
	type sum struct {
		d   digest.Digest
		err error
	}
	zipDone := make(chan sum, 1)
	go func() {
		d, _, err := digest.FromReader(io.NewSectionReader(zipFile, 0, pkg.Size))
		zipDone <- sum{d, err}
	}()

	rep = &inspectReport{Package: pkg.Name, Entries: entriesJSON(pkg.Entries)}
	rep.PackageSize, rep.ArtifactSize = pkg.Size, pkg.ArtifactSize
	d := pkg.Descriptor
	rep.Desc.ID, rep.Desc.Name, rep.Desc.Class, rep.Desc.Runtime = d.ID, d.Name, d.Class, d.Runtime
	rep.Desc.ProtocolVersion, rep.Desc.License, rep.Desc.Description = d.ProtocolVersion, d.License, d.Description
	rep.Artifact = artifactJSON{Entry: pkg.ArtifactName}
	if pkg.License != nil {
		rep.License = &fileJSON{Path: pkgzip.EntryLicense, Size: int64(len(pkg.License))}
	}
	fail := func(err error) {
		if failure == nil {
			failure = err
		}
	}
	descriptorWarnings(pkg, warn)

	sha := sha256.New()
	head := &headBuffer{}
	ws := []io.Writer{sha, head}
	var scan *artifact.Scanner
	if pkg.ArtifactName == pkgzip.EntryNative {
		scan = artifact.NewScanner(d.Raw)
		ws = append(ws, scan)
	}
	var verifier *keys.Verifier
	if pub != nil && len(pkg.Signature) == keys.SignatureSize {
		verifier, _ = keys.NewVerifier(pub, pkg.Signature)
		ws = append(ws, verifier)
	}
	rc, err := pkg.Artifact()
	if err == nil {
		_, err = io.CopyBuffer(io.MultiWriter(ws...), rc, make([]byte, 1<<20))
		rc.Close()
	}
	z := <-zipDone
	if err == nil {
		err = z.err
	}
	if err != nil {
		return nil, err
	}
	rep.PackageSHA256 = z.d.Hex()
	rep.ArtifactSHA256 = hex.EncodeToString(sha.Sum(nil))

	switch {
	case pkg.Signature == nil:
		rep.Signature.State = "none"
		fail(pkg.CheckSignature(pub != nil)) // with --key, unsigned fails as in verify and test
	case len(pkg.Signature) != keys.SignatureSize:
		rep.Signature.State, rep.Signature.Size = "invalid", int64(len(pkg.Signature))
		rep.Signature.Note = fmt.Sprintf("%d bytes, expected %d", len(pkg.Signature), keys.SignatureSize)
		fail(pkg.CheckSignature(pub != nil))
	case verifier == nil:
		rep.Signature.State, rep.Signature.Size = "unverified", keys.SignatureSize
		rep.Signature.Note = "pass --key to verify it"
	case verifier.Verify():
		rep.Signature.State, rep.Signature.Size = "verified", keys.SignatureSize
		rep.Signature.Note = "with " + keyName
	default:
		rep.Signature.State, rep.Signature.Size = "invalid", keys.SignatureSize
		rep.Signature.Note = "does not verify with " + keyName
		fail(cli.Failf("%s: %s: the signature does not verify with %s", pkg.Name, pkgzip.EntrySignature, keyName))
	}

	if scan == nil {
		rep.EmbeddedDescriptor = "not_checked"
		isComponent, err := artifact.CheckWasm(head)
		switch {
		case err != nil:
			rep.Artifact.Format = "unknown"
			warn.add("%s: %s: %s", pkg.Name, pkg.ArtifactName, hint.Inline(err)) // a warning line has no hint line of its own
		case isComponent:
			rep.Artifact.Format = "wasm-component"
		default:
			rep.Artifact.Format = "wasm-module"
			warn.add("%s: %s: %s", pkg.Name, pkg.ArtifactName, artifact.CoreModuleWarning)
		}
		return rep, failure
	}
	rep.Artifact.Format = nativeFormat(head.b)
	res := scan.Result()
	warning, err := res.Verdict(d)
	switch {
	case err != nil:
		rep.EmbeddedDescriptor, rep.EmbeddedNote = "differs", hint.Inline(err)
		fail(cli.WithHint(cli.Failf("%s: %s: %v", pkg.Name, pkg.ArtifactName, err), hint.Of(err)))
	case res.Exact:
		rep.EmbeddedDescriptor = "exact"
		rep.EmbeddedNote = fmt.Sprintf("at offset %d", res.Offset)
	case len(res.Candidates) == 0:
		rep.EmbeddedDescriptor, rep.EmbeddedNote = "none", warning
	default:
		rep.EmbeddedDescriptor, rep.EmbeddedNote = "differs", warning
	}
	if warning != "" {
		warn.add("%s: %s: %s", pkg.Name, pkg.ArtifactName, warning)
	}
	return rep, failure
}

// headBuffer keeps the first bytes of a stream, for the format checks.
type headBuffer struct{ b []byte }

func (h *headBuffer) Write(p []byte) (int, error) {
	if n := 8 - len(h.b); n > 0 {
		h.b = append(h.b, p[:min(n, len(p))]...)
	}
	return len(p), nil
}

func (h *headBuffer) Read(p []byte) (int, error) {
	if len(h.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, h.b)
	h.b = h.b[n:]
	return n, nil
}

func nativeFormat(head []byte) string {
	switch s := string(head[:min(4, len(head))]); {
	case s == "\x7fELF":
		return artifact.FormatELF
	case len(s) >= 2 && s[:2] == "MZ":
		return artifact.FormatPE
	case s == "\xcf\xfa\xed\xfe" || s == "\xce\xfa\xed\xfe" || s == "\xca\xfe\xba\xbe" || s == "\xfe\xed\xfa\xcf":
		return artifact.FormatMachO
	}
	return "unknown"
}

func printInspect(w io.Writer, r *inspectReport) {
	fmt.Fprintf(w, "package:    %s (%d bytes)\n", r.Package, r.PackageSize)
	fmt.Fprintf(w, "  digest:     %s%s\n", digest.Prefix, r.PackageSHA256)
	fmt.Fprintf(w, "  id:         %s\n", r.Desc.ID)
	fmt.Fprintf(w, "  name:       %s\n", r.Desc.Name)
	fmt.Fprintf(w, "  class:      %s\n", r.Desc.Class)
	fmt.Fprintf(w, "  runtime:    %s\n", r.Desc.Runtime)
	fmt.Fprintf(w, "  protocol:   %s\n", r.Desc.ProtocolVersion)
	fmt.Fprintf(w, "  artifact:   %s (%d bytes, %s)\n", r.Artifact.Entry, r.ArtifactSize, r.Artifact.Format)
	fmt.Fprintf(w, "  sha256:     %s\n", r.ArtifactSHA256)
	switch r.Signature.State {
	case "none":
		fmt.Fprintf(w, "  signature:  (none — unsigned)\n")
	default:
		fmt.Fprintf(w, "  signature:  %s (%s)\n", r.Signature.State, r.Signature.Note)
	}
	if r.License != nil {
		fmt.Fprintf(w, "  license:    %s (%d bytes)\n", r.License.Path, r.License.Size)
	} else {
		fmt.Fprintf(w, "  license:    (none)\n")
	}
	switch r.EmbeddedDescriptor {
	case "exact":
		fmt.Fprintf(w, "  embedded:   plugin.yaml, identical (%s)\n", r.EmbeddedNote)
	case "differs":
		fmt.Fprintf(w, "  embedded:   plugin.yaml, different (see above)\n")
	case "none":
		fmt.Fprintf(w, "  embedded:   (none found)\n")
	}
	fmt.Fprintf(w, "  entries:\n")
	for _, e := range r.Entries {
		fmt.Fprintf(w, "    %s  %-7s  %10d  %10d  crc %s  %s\n", e.Mode, e.Method, e.Size, e.CompressedSize, e.CRC32, e.Name)
	}
}

// loadPublicKey reads --key: a key file in any form keys.ParsePublicKey takes, or 64 hex digits.
func loadPublicKey(arg string) (ed25519.PublicKey, error) {
	pub, _, err := keys.LoadPublicKey(arg)
	return pub, cli.KeyArgError(err)
}
