package main

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/artifact"
	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/digestcache"
	"github.com/mcpg-dev/mcpg-plugins/shared/keys"
	"github.com/mcpg-dev/mcpg-plugins/shared/pkgzip"
)

const packHelp = `Usage: plugin-pack pack -d <plugin.yaml> -a <artifact> -v <version> [flags]

Bundle a plugin's descriptor, artifact, optional signature and optional licence text into the
package zip the gateway loads: plugin.yaml, plugin.so or plugin.wasm, plugin.sig, LICENSE.
Packages are byte-reproducible: fixed entry order, modes and timestamps (1980-01-01 00:00:00, or
SOURCE_DATE_EPOCH when it is set), so the same inputs always give the same OCI layer digest.

Before anything is written, pack checks what the gateway would refuse at load:
  - plugin.yaml against the v1 JSON Schema and the load-time rules (errors name the field)
  - runtime against the artifact: .so/.dylib/.dll need native-cdylib-v1, .wasm needs wasi-v1,
    and a wasi-v1 plugin's class is tool_gate, transform or identity_provider
  - a native artifact is an ELF (linux), Mach-O (darwin) or PE (windows) shared library for
    --os/--arch that exports mcpg_plugin_register and mcpg_plugin_abi_layout
  - a .wasm is a component (a core module only warns: the gateway will refuse it)
  - a native artifact embeds this same plugin.yaml (declare_plugin! includes it): a copy that
    differs in id, name, class, protocol major version or provides is an error, no copy a warning
  - a --signature is 64 raw bytes, and verifies when --key is given

Flags:
  -d, --descriptor <file>  plugin.yaml (required)
  -a, --artifact <file>    the plugin: .so, .dylib, .dll or .wasm; "-" reads stdin, recognised
                           by its content (required)
  -v, --version <version>  the plugin's version, used in the file name (required)
  -s, --signature <file>   raw 64-byte Ed25519 signature of the artifact (plugin-sign sign)
  -l, --license <file>     licence text; default: a LICENSE file beside the descriptor
      --key <key>          verify the signature with this public key: a file (PEM, raw 32
                           bytes, hex, ssh-ed25519 line) or 64 hex digits
      --os <os>            linux, darwin or windows; wasi for .wasm (default: what the artifact
                           is built for)
      --arch <arch>        amd64, arm64, musl-amd64 or musl-arm64; wasm for .wasm (default: the
                           artifact's)
  -o, --output <path>      the zip to write (default: mcpg-plugin-<NAME>_<VERSION>_<OS>_<ARCH>.zip
                           in the current directory, NAME being the id's last '.'-separated
                           part); an existing directory receives that name; "-" is stdout
      --json               print a JSON report on stdout instead of the receipt line
  -h, --help               show this help

Output: "packed: <path> (<n> bytes)" on stdout (on stderr with -o -); warnings on stderr.

Examples:
  plugin-pack pack -d plugin.yaml -a target/release/libgate.so -v 1.2.0 -s libgate.so.sig
  plugin-pack pack -d plugin.yaml -a gate.wasm -v 0.3.1 -o dist/
  plugin-pack pack -d plugin.yaml -a libgate.so -v 1.2.0 -o - | plugin-oci push - REF

Exit status: 0 packed; 1 a check failed (nothing was written); 2 usage; 3 a file could not be
read or written.
`

type packOpts struct {
	descriptor, artifact, version, signature, license, key, goos, arch, output string
	json                                                                       bool
	modTime                                                                    int64
}

var (
	versionPattern = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z.+~-]*$`)
	hexSig         = regexp.MustCompile(`^[0-9a-fA-F]{128}$`)
	base64Sig      = regexp.MustCompile(`^[A-Za-z0-9+/]{86}==$`)
)

func runPack(env *cli.Env, args []string) error {
	var o packOpts
	fs := cli.NewFlagSet("plugin-pack pack", packHelp, env.Stdout)
	fs.StringVarP(&o.descriptor, "descriptor", "d", "", "")
	fs.StringVarP(&o.artifact, "artifact", "a", "", "")
	fs.StringVarP(&o.version, "version", "v", "", "")
	fs.StringVarP(&o.signature, "signature", "s", "", "")
	fs.StringVarP(&o.license, "license", "l", "", "")
	fs.StringVarP(&o.output, "output", "o", "", "")
	fs.StringVar(&o.key, "key", "", "")
	fs.StringVar(&o.goos, "os", "", "")
	fs.StringVar(&o.arch, "arch", "", "")
	fs.BoolVar(&o.json, "json", false, "")
	pos, err := fs.Parse(args)
	if err != nil {
		return err
	}
	if len(args) == 0 {
		fmt.Fprint(env.Stderr, packHelp)
		return cli.Usagef("plugin-pack pack: missing --descriptor, --artifact and --version")
	}
	if len(pos) > 0 {
		return cli.Usagef("plugin-pack pack: unexpected argument %q: inputs are given with --descriptor and --artifact (see 'plugin-pack pack --help')", pos[0])
	}
	var missing []string
	for _, f := range []struct{ name, val string }{{"--descriptor", o.descriptor}, {"--artifact", o.artifact}, {"--version", o.version}} {
		if f.val == "" {
			missing = append(missing, f.name)
		}
	}
	switch {
	case missing != nil:
		return cli.Usagef("plugin-pack pack: %s required (see 'plugin-pack pack --help')", plural(missing, "is", "are"))
	case !versionPattern.MatchString(o.version):
		return cli.Usagef("plugin-pack pack: --version %q: expected a version such as 1.2.0 (letters, digits, '.', '-', '+', '~'), since it becomes part of the file name", o.version)
	case o.key != "" && o.signature == "":
		return cli.Usagef("plugin-pack pack: --key verifies a --signature, and none was given")
	case o.json && o.output == "-":
		return cli.Usagef("plugin-pack pack: --json and -o - both write to stdout; choose one")
	case o.descriptor == "-":
		return cli.Usagef("plugin-pack pack: --descriptor must be a file (a LICENSE beside it is looked for)")
	}
	if s := env.Getenv("SOURCE_DATE_EPOCH"); s != "" {
		t, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || t < 0 {
			return cli.Usagef("plugin-pack pack: SOURCE_DATE_EPOCH=%q: expected a non-negative number of seconds since 1970", s)
		}
		o.modTime = t
	}
	p := &packer{env: env, o: o, warn: &warnings{env: env}}
	return p.run()
}

func plural(names []string, one, many string) string {
	if len(names) == 1 {
		return names[0] + " " + one
	}
	return strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1] + " " + many
}

type packer struct {
	env  *cli.Env
	o    packOpts
	warn *warnings

	desc      *descriptor.Descriptor
	entry     string // plugin.so or plugin.wasm
	art       *os.File
	artSize   int64
	artName   string // for messages
	native    *artifact.Native
	sig       []byte
	pub       ed25519.PublicKey
	license   []byte
	licPath   string
	licAuto   bool
	goos      string
	arch      string
	component bool
}

func (p *packer) run() error {
	if err := p.loadDescriptor(); err != nil {
		return err
	}
	f, closeArt, err := cli.OpenFile(p.o.artifact, p.env.Stdin)
	if err != nil {
		return err
	}
	defer closeArt()
	p.art, p.artName = f, cli.DisplayName(p.o.artifact)
	if err := p.checkArtifact(); err != nil {
		return err
	}
	if err := p.loadSignature(); err != nil {
		return err
	}
	if err := p.loadLicense(); err != nil {
		return err
	}
	return p.write()
}

func (p *packer) loadDescriptor() error {
	data, err := readLimited(p.o.descriptor, descriptor.MaxSize, "a descriptor")
	if err != nil {
		return err
	}
	d, err := descriptor.Parse(data)
	if err != nil {
		var probs descriptor.Problems
		if errors.As(err, &probs) {
			return p.problems(probs)
		}
		return cli.Failf("%s: %v", p.o.descriptor, err)
	}
	p.desc = d
	return nil
}

// problems prints every descriptor finding, one line each, and fails if any is an error.
func (p *packer) problems(probs descriptor.Problems) error {
	seen := map[string]bool{}
	var errs []string
	for _, q := range probs {
		line := problemLine(p.o.descriptor, q)
		if seen[line] {
			continue
		}
		seen[line] = true
		if q.Warning {
			p.warn.add("%s", line)
		} else {
			errs = append(errs, line)
		}
	}
	switch len(errs) {
	case 0:
		return nil
	case 1:
		return cli.Failf("%s", errs[0])
	}
	for _, e := range errs[:len(errs)-1] {
		fmt.Fprintf(p.env.Stderr, "error: %s\n", e)
	}
	return cli.Failf("%s", errs[len(errs)-1])
}

// checkArtifact decides the artifact's kind and platform and runs the checks that need only its
// headers; the whole-content checks run alongside compression (see write).
func (p *packer) checkArtifact() error {
	st, err := p.art.Stat()
	if err != nil {
		return cli.IOError("read", p.artName, err)
	}
	p.artSize = st.Size()
	rt, byName := descriptor.ArtifactRuntime(p.o.artifact)
	if !byName {
		rt = sniffRuntime(p.art)
	}
	switch rt {
	case descriptor.RuntimeNative:
		p.entry = pkgzip.EntryNative
	case descriptor.RuntimeWasm:
		p.entry = pkgzip.EntryWasm
	default:
		return cli.Failf("cannot infer artifact kind from %s: expected a .so/.dylib/.dll or .wasm file name, or native library or WebAssembly content", p.artName)
	}
	kindName := p.o.artifact
	if !byName {
		kindName = p.entry
	}
	probs := p.desc.Validate()
	if err := descriptor.CheckArtifactRuntime(p.desc, kindName); err != nil {
		var more descriptor.Problems
		if errors.As(err, &more) {
			probs = append(probs, more...)
		} else {
			return cli.Failf("%s: %v", p.o.descriptor, err)
		}
	}
	if err := p.problems(probs); err != nil {
		return err
	}
	switch {
	case p.artSize == 0:
		return cli.Failf("%s: the artifact is empty; expected a native library or a WebAssembly component", p.artName)
	case p.artSize > pkgzip.DefaultLimits.MaxEntrySize:
		return cli.Failf("%s: the artifact is %d bytes; packages hold at most %d (unpack refuses larger entries)", p.artName, p.artSize, pkgzip.DefaultLimits.MaxEntrySize)
	}
	if p.entry == pkgzip.EntryWasm {
		return p.checkWasm()
	}
	return p.checkNative()
}

// sniffRuntime recognises an artifact by its first bytes when its name has no known extension.
func sniffRuntime(f *os.File) string {
	var b [4]byte
	if n, _ := f.ReadAt(b[:], 0); n < 4 {
		return ""
	}
	switch {
	case string(b[:]) == "\x00asm":
		return descriptor.RuntimeWasm
	case string(b[:]) == "\x7fELF", b[0] == 'M' && b[1] == 'Z',
		slices.Contains([]string{"\xcf\xfa\xed\xfe", "\xce\xfa\xed\xfe", "\xfe\xed\xfa\xcf", "\xfe\xed\xfa\xce", "\xca\xfe\xba\xbe"}, string(b[:])):
		return descriptor.RuntimeNative
	}
	return ""
}

func (p *packer) checkNative() error {
	n, err := artifact.InspectNative(p.art, p.artSize)
	if err != nil {
		return p.artifactErr(err)
	}
	p.native = n
	p.goos, p.arch = p.o.goos, p.o.arch
	if p.goos == "" {
		p.goos = n.OS
	}
	if p.arch == "" {
		switch {
		case len(n.Arches) == 1 && n.Arches[0] == "":
			return cli.Failf("%s: is built for %s; the gateway runs on amd64 and arm64 only", p.artName, n.Machine[0])
		case len(n.Arches) == 1:
			p.arch = n.Arches[0]
		case slices.Contains(n.Arches, runtime.GOARCH):
			p.arch = runtime.GOARCH
		default:
			return cli.Usagef("plugin-pack pack: %s holds several architectures (%s): choose one with --arch", p.artName, strings.Join(n.Machine, ", "))
		}
		if n.Libc == "musl" && p.goos == "linux" {
			p.arch = "musl-" + p.arch
		}
	}
	if err := n.Check(p.goos, p.arch); err != nil {
		return cli.Failf("%s: %v", p.artName, err)
	}
	return nil
}

func (p *packer) checkWasm() error {
	p.goos, p.arch = p.o.goos, p.o.arch
	if p.goos == "" {
		p.goos = "wasi"
	}
	if p.arch == "" {
		p.arch = "wasm"
	}
	if p.goos != "wasi" || p.arch != "wasm" {
		p.warn.add("%s: a WebAssembly component runs on every platform; the gateway looks for it under the platform wasi-wasm, not %s-%s", p.artName, p.goos, p.arch)
	}
	isComponent, err := artifact.CheckWasm(io.NewSectionReader(p.art, 0, p.artSize))
	if err != nil {
		return p.artifactErr(err)
	}
	p.component = isComponent
	if !isComponent {
		p.warn.add("%s: %s", p.artName, artifact.CoreModuleWarning)
	}
	return nil
}

func (p *packer) artifactErr(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return cli.IOError("read", p.artName, pe.Err)
	}
	return cli.Failf("%s: %v", p.artName, err)
}

func (p *packer) loadSignature() error {
	if p.o.signature == "" {
		if side := keys.SidecarPath(p.o.artifact); p.o.artifact != "-" {
			if st, err := os.Stat(side); err == nil && st.Mode().IsRegular() {
				p.warn.add("%s lies beside the artifact but no --signature was given: the package will be unsigned (add -s %s to include it)", side, side)
			}
		}
		return nil
	}
	sig, err := readLimited(p.o.signature, 1<<10, "a signature")
	if err != nil {
		return err
	}
	if len(sig) != keys.SignatureSize {
		return cli.Failf("%s: expected a raw %d-byte Ed25519 signature, found %d bytes%s", p.o.signature, keys.SignatureSize, len(sig), signatureHint(sig))
	}
	p.sig = sig
	if p.o.key == "" {
		return nil
	}
	pub, err := loadPublicKey(p.o.key)
	if err != nil {
		return err
	}
	p.pub = pub
	return nil
}

// signatureHint recognises the usual ways a signature gets mangled.
func signatureHint(sig []byte) string {
	t := strings.TrimSpace(string(sig))
	switch {
	case hexSig.MatchString(t):
		return "; it is hex text: the package needs the raw bytes (xxd -r -p)"
	case base64Sig.MatchString(t):
		return "; it is base64 text: the package needs the raw bytes (base64 -d)"
	case strings.HasPrefix(t, "-----BEGIN SSH SIGNATURE"):
		return "; it is an SSH signature (ssh-keygen -Y sign): sign with plugin-sign sign instead"
	case len(sig) == 0:
		return " (an empty file)"
	}
	return ""
}

func (p *packer) loadLicense() error {
	path := p.o.license
	if path == "" {
		cand := filepath.Join(filepath.Dir(p.o.descriptor), "LICENSE")
		if st, err := os.Stat(cand); err != nil || !st.Mode().IsRegular() {
			return nil
		}
		path, p.licAuto = cand, true
	}
	data, err := readLimited(path, pkgzip.DefaultLimits.MaxSmallSize, "a LICENSE entry")
	if err != nil {
		return err
	}
	if len(data) == 0 {
		return cli.Failf("%s: the licence file is empty; expected the licence text", path)
	}
	p.license, p.licPath = data, path
	return nil
}

// readLimited reads a small input file, refusing more than limit bytes.
func readLimited(path string, limit int64, what string) ([]byte, error) {
	r, err := cli.OpenInput(path, nil)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, cli.IOError("read", path, err)
	}
	if int64(len(data)) > limit {
		return nil, cli.Failf("%s: more than %d bytes; %s may be at most %d bytes", path, limit, what, limit)
	}
	return data, nil
}

// outputPath is -o, the canonical name, or the canonical name inside an -o directory.
func (p *packer) outputPath() string {
	canonical := descriptor.CanonicalFilename(descriptor.ShortName(p.desc.ID), p.o.version, p.goos, p.arch)
	out := p.o.output
	switch {
	case out == "":
		return canonical
	case out == "-":
		return out
	case strings.HasSuffix(out, "/"):
		return out + canonical
	}
	if st, err := os.Stat(out); err == nil && st.IsDir() {
		return filepath.Join(out, canonical)
	}
	return out
}

// observers are the whole-artifact checks; they read the bytes compression reads.
type observers struct {
	scan     *artifact.Scanner
	verifier *keys.Verifier
	sha      hash.Hash
}

func (p *packer) newObservers() (*observers, io.Writer) {
	ob := &observers{}
	var ws []io.Writer
	if p.entry == pkgzip.EntryNative {
		ob.scan = artifact.NewScanner(p.desc.Raw)
		ws = append(ws, ob.scan)
	}
	if p.pub != nil {
		ob.verifier, _ = keys.NewVerifier(p.pub, p.sig)
		ws = append(ws, ob.verifier)
	}
	if p.o.json {
		ob.sha = sha256.New()
		ws = append(ws, ob.sha)
	}
	if len(ws) == 0 {
		return ob, nil
	}
	return ob, io.MultiWriter(ws...)
}

// verdict turns what the observers saw into warnings or the first failed check.
func (p *packer) verdict(ob *observers) (embedded string, err error) {
	embedded = "not_checked"
	if ob.scan != nil {
		res := ob.scan.Result()
		warning, err := res.Verdict(p.desc)
		if err != nil {
			return "", cli.Failf("%s: %v", p.artName, err)
		}
		switch {
		case res.Exact:
			embedded = "exact"
		case warning != "" && len(res.Candidates) == 0:
			embedded = "none"
		default:
			embedded = "differs"
		}
		if warning != "" {
			p.warn.add("%s: %s", p.artName, warning)
		}
	}
	if ob.verifier != nil && !ob.verifier.Verify() {
		return "", cli.Failf("%s: the signature does not verify: it was not made over %s with the key %s", p.o.signature, p.artName, p.o.key)
	}
	return embedded, nil
}

func (p *packer) write() error {
	path := p.outputPath()
	ob, tee := p.newObservers()
	var embedded string
	if path == "-" && tee != nil {
		// Nothing can be taken back from stdout: finish every check before the first byte.
		if _, err := io.CopyBuffer(tee, io.NewSectionReader(p.art, 0, p.artSize), make([]byte, 1<<20)); err != nil {
			return p.artifactErr(err)
		}
		var err error
		if embedded, err = p.verdict(ob); err != nil {
			return err
		}
		tee = nil
	}
	out, err := cli.CreateOutput(path, 0o644, p.env.Stdout)
	if err != nil {
		return err
	}
	defer out.Abort()
	// The zip's digest is always taken: --json reports it, and the digest cache hands it to a
	// following push, which then neither hashes nor re-validates the package.
	zipSHA := sha256.New()
	w := io.MultiWriter(out, zipSHA)
	res, err := pkgzip.Pack(w, pkgzip.PackInput{
		Descriptor: p.desc.Raw, Artifact: io.NewSectionReader(p.art, 0, p.artSize), ArtifactName: p.entry,
		Signature: p.sig, License: p.license, ModTime: p.o.modTime, Tee: tee,
	})
	if err != nil {
		var ce *cli.Error
		if errors.As(err, &ce) {
			return err
		}
		var pe *fs.PathError
		if errors.As(err, &pe) && pe.Op == "read" {
			return cli.IOError("read", p.artName, pe.Err)
		}
		if errors.As(err, &pe) {
			return cli.IOError("write", out.Name(), pe.Err)
		}
		return cli.Failf("%s: %v", out.Name(), err)
	}
	if tee != nil {
		if embedded, err = p.verdict(ob); err != nil {
			return err
		}
	}
	art := res.Entries[1]
	if lim := pkgzip.DefaultLimits.MaxRatio; art.Size > 1<<20 && float64(art.Size) > lim*float64(art.CompressedSize) {
		return cli.Failf("%s: compresses %d bytes to %d (ratio %.0f:1), above the %.0f:1 that unpack accepts as a guard against zip bombs; is it mostly zeros?",
			p.artName, art.Size, art.CompressedSize, float64(art.Size)/float64(art.CompressedSize), lim)
	}
	var written os.FileInfo
	if af, ok := out.(*cli.AtomicFile); ok {
		written, _ = af.File().Stat()
	}
	if err := out.Commit(); err != nil {
		return err
	}
	if written != nil {
		rememberPackage(path, written, zipSHA)
	}
	if p.o.json {
		return cli.WriteJSON(p.env.Stdout, p.report(path, res, embedded, ob, zipSHA))
	}
	receipt := p.env.Stdout
	if path == "-" {
		receipt = p.env.Stderr
	}
	fmt.Fprintf(receipt, "packed: %s (%d bytes)\n", out.Name(), res.Size)
	return nil
}

type packReport struct {
	Path               string       `json:"path"`
	Size               int64        `json:"size"`
	Digest             string       `json:"digest"`
	ID                 string       `json:"id"`
	Version            string       `json:"version"`
	OS                 string       `json:"os"`
	Arch               string       `json:"arch"`
	Runtime            string       `json:"runtime"`
	Artifact           artifactJSON `json:"artifact"`
	Signature          *fileJSON    `json:"signature"`
	License            *fileJSON    `json:"license"`
	EmbeddedDescriptor string       `json:"embedded_descriptor"`
	Entries            []entryJSON  `json:"entries"`
	Warnings           []string     `json:"warnings"`
}

type artifactJSON struct {
	Path   string `json:"path,omitempty"`
	Entry  string `json:"entry"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256,omitempty"`
	Digest string `json:"digest,omitempty"`
	Format string `json:"format,omitempty"`
}

type fileJSON struct {
	Path     string `json:"path"`
	Size     int64  `json:"size"`
	Auto     bool   `json:"auto,omitempty"`     // LICENSE picked up beside the descriptor
	Verified *bool  `json:"verified,omitempty"` // signature checked with --key
}

type entryJSON struct {
	Name           string `json:"name"`
	Size           int64  `json:"size"`
	CompressedSize int64  `json:"compressed_size"`
	Method         string `json:"method"`
	CRC32          string `json:"crc32"`
	Mode           string `json:"mode"`
}

func entriesJSON(es []pkgzip.Entry) []entryJSON {
	out := []entryJSON{}
	for _, e := range es {
		m := "deflate"
		if e.Method == 0 {
			m = "stored"
		}
		out = append(out, entryJSON{Name: e.Name, Size: e.Size, CompressedSize: e.CompressedSize, Method: m,
			CRC32: fmt.Sprintf("%08x", e.CRC32), Mode: fmt.Sprintf("%04o", e.Mode.Perm())})
	}
	return out
}

func (p *packer) report(path string, res *pkgzip.PackResult, embedded string, ob *observers, zipSHA hash.Hash) packReport {
	var d digest.Digest
	copy(d[:], zipSHA.Sum(nil))
	r := packReport{
		Path: path, Size: res.Size, Digest: d.String(), ID: p.desc.ID, Version: p.o.version,
		OS: p.goos, Arch: p.arch, Runtime: p.desc.Runtime, EmbeddedDescriptor: embedded,
		Entries: entriesJSON(res.Entries), Warnings: p.warn.all(),
		Artifact: artifactJSON{Path: p.artName, Entry: p.entry, Size: p.artSize},
	}
	if ob.sha != nil {
		sum := ob.sha.Sum(nil)
		r.Artifact.SHA256 = hex.EncodeToString(sum)
		r.Artifact.Digest = digest.Prefix + r.Artifact.SHA256
	}
	switch {
	case p.native != nil:
		r.Artifact.Format = p.native.Format
	case p.component:
		r.Artifact.Format = "wasm-component"
	default:
		r.Artifact.Format = "wasm-module"
	}
	if p.sig != nil {
		r.Signature = &fileJSON{Path: p.o.signature, Size: int64(len(p.sig))}
		if ob.verifier != nil {
			ok := true // a failed verification never reaches the report
			r.Signature.Verified = &ok
		}
	}
	if p.license != nil {
		r.License = &fileJSON{Path: p.licPath, Size: int64(len(p.license)), Auto: p.licAuto}
	}
	return r
}

// rememberPackage records in the digest cache that the package just written at path is valid and
// has this digest — if path is still the file written (nothing replaced it after the rename).
func rememberPackage(path string, written os.FileInfo, zipSHA hash.Hash) {
	f, err := os.Open(path)
	if err != nil {
		return
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil || !os.SameFile(st, written) {
		return
	}
	var d digest.Digest
	copy(d[:], zipSHA.Sum(nil))
	cache := digestcache.Default()
	cache.Store(f, d)
	cache.Vouch(f, pkgzip.ValidClaim())
}
