package main

import (
	"context"
	"fmt"
	"hash"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/digestcache"
	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
	"github.com/mcpg-dev/mcpg-plugins/shared/pkgzip"
)

const pushHelp = `Usage: plugin-oci push <package.zip|-> <registry/repo[:tag]> [flags]
       plugin-oci push <package.zip|-> <tag> --oci-layout <dir> [flags]

Publish a package zip as the OCI 1.1 artifact the gateway pulls: one layer holding the zip bytes
verbatim (application/vnd.mcpg.plugin.package.v1+zip), a config blob with the descriptor's id,
name, class, runtime, protocol_version, schema and has_signature
(application/vnd.mcpg.plugin.config.v1+json), and a manifest with artifactType
application/vnd.mcpg.plugin.v1 — byte for byte what the reference implementation pushes, so the
manifest digest is the same for the same package.

The package is checked completely first, as the gateway's own push does (layout, descriptor,
every entry's CRC); a package the gateway would not unpack is never uploaded. "-" reads the zip
from stdin (plugin-pack pack ... -o - | plugin-oci push - REF). A reference without a tag pushes
:latest.

Flags:
  -t, --tag <tag>       also tag the manifest <tag> in the same repository (repeatable)
      --gateway-tags    also tag <version>-<platform> and protocol-1-<platform>, the tags the
                        gateway's resolution looks for (platform: linux-amd64, linux-musl-arm64,
                        ..., wasi-wasm), so "oci: <repo>:<version>" or plain "oci: <repo>" in the
                        gateway's config finds this package
      --version <v>     the version for --gateway-tags (default: from the canonical file name
                        mcpg-plugin-<name>_<version>_<os>_<arch>.zip)
      --os <os>, --arch <arch>
                        the platform of a native package for --gateway-tags, as given to
                        plugin-pack pack (linux + amd64, arm64, musl-amd64, musl-arm64; darwin;
                        windows); default: from the canonical file name. A wasm package is
                        always wasi-wasm
      --oci-layout <dir>
                        push into an OCI image layout directory (created if missing) instead of
                        a registry; the reference is then just a tag. No server needed
      --json            print a JSON report on stdout instead of the lines below
` + authFlagsHelp + transportFlagsHelp + `  -h, --help            show this help

` + authHelp + `
Output (the reference CLI's lines; the digest line is the one to sign or pin):
  pushed: <ref>
    manifest-url: <url>
    manifest-digest: sha256:<hex>
    tagged: <ref>           one line per extra tag

Examples:
  plugin-oci push mcpg-plugin-gate_1.2.0_linux_amd64.zip ghcr.io/acme/plugins/gate:1.2.0 --gateway-tags
  plugin-pack pack -d plugin.yaml -a gate.wasm -v 0.3.1 -o - | plugin-oci push - localhost:5000/gate:0.3.1
  plugin-oci push gate.zip 1.2.0 --oci-layout ./plugins-layout

Exit status: 0 pushed; 1 the package was rejected (nothing was uploaded); 2 usage; 3 a file could
not be read; 4 the registry could not be reached or answered with an error; 5 the registry refused
the credentials.
`

// authFlagsHelp documents authOptions.register's flags (the reference CLI's order of precedence).
const authFlagsHelp = `  -u, --username <user>, -p, --password <pw|env:VAR>
                        credentials (both together); env:VAR reads the password from $VAR
      --password-stdin  read the password from stdin (not with a package on stdin)
      --docker-config <path>
                        credentials from this docker config.json
      --no-docker-config
                        do not read ~/.docker/config.json ($DOCKER_CONFIG/config.json)
      --strict-auth     fail on a broken docker config instead of warning and going anonymous
`

type pushOptions struct {
	tags        []string
	gatewayTags bool
	version     string
	goos, arch  string
	layoutDir   string
	json        bool
	auth        authOptions
	transport   transportOptions
}

func runPush(env *cli.Env, args []string) error {
	fs := cli.NewFlagSet("plugin-oci push", pushHelp, env.Stdout)
	var o pushOptions
	fs.StringsVar(&o.tags, "tag", "")
	fs.StringsVar(&o.tags, "t", "")
	fs.BoolVar(&o.gatewayTags, "gateway-tags", false, "")
	fs.StringVar(&o.version, "version", "", "")
	fs.StringVar(&o.goos, "os", "", "")
	fs.StringVar(&o.arch, "arch", "", "")
	fs.StringVar(&o.layoutDir, "oci-layout", "", "")
	fs.BoolVar(&o.json, "json", false, "")
	o.auth.register(fs)
	o.transport.register(fs)
	pos, err := fs.Parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return cli.Usagef("plugin-oci push: expected <package.zip|-> <reference>, got %d argument%s (see 'plugin-oci push --help')", len(pos), plural(len(pos)))
	}
	if !o.gatewayTags && (o.version != "" || o.goos != "" || o.arch != "") {
		return cli.Usagef("plugin-oci push: --version, --os and --arch only apply with --gateway-tags")
	}
	if err := o.transport.check(); err != nil {
		return err
	}
	o.auth.packageFromStdin = pos[0] == "-"
	if err := o.auth.prepare(env); err != nil {
		return err
	}
	dest, err := parsePushDestination(pos[1], o.layoutDir)
	if err != nil {
		return err
	}
	for _, t := range o.tags {
		if err := checkTagArg(t); err != nil {
			return err
		}
	}

	// Everything about the package is settled before any network traffic.
	pkg, err := openPushPackage(env, pos[0])
	if err != nil {
		return err
	}
	defer pkg.close()
	var tags []string // the manifest is pushed under each; "" is by digest alone
	if dest.tag != "" || len(o.tags) == 0 && !o.gatewayTags {
		tags = append(tags, dest.tag)
	}
	tags = append(tags, o.tags...)
	if o.gatewayTags {
		gt, err := gatewayTagsFor(pkg, pos[0], o.version, o.goos, o.arch)
		if err != nil {
			return err
		}
		tags = append(tags, gt...)
	}
	tags = dedupe(tags)
	ctx := context.Background()
	if dest.pin != "" {
		if pkg.remembered { // a pin is checked before any registry can vouch for the digest
			pkg.rehash()
		}
		_, _, md, err := pkg.manifest(ctx)
		if err != nil {
			return err
		}
		if dest.pin != md.String() {
			return cli.Usagef("plugin-oci push: %s pins %s, but this package's manifest is %s", pos[1], dest.pin, md)
		}
	}

	st, err := dest.open(env, &o)
	if err != nil {
		return err
	}
	what := "push " + pos[1]
	prog := newProgress(env, "pushing", pkg.size)
	layer := blob{Descriptor: oci.Descriptor{MediaType: oci.LayerMediaType, Size: pkg.size}, pending: pkg.layerDigest,
		open: func() (io.ReadCloser, error) {
			f, err := os.Open(pkg.path)
			if err != nil {
				return nil, cli.IOError("read", pkg.name, err)
			}
			return prog.reader(f), nil
		}}
	// The small config blob goes up alongside the layer, on its own connection.
	if err := st.prepare(ctx); err != nil {
		return st.wrap(err, what)
	}
	configDone := make(chan error, 1)
	go func() { configDone <- st.pushBlob(ctx, bytesBlob(pkg.config, pkg.configJSON)) }()
	err = st.pushBlob(ctx, layer)
	if se := statusErrorOf(err); se != nil && pkg.remembered && se.StatusCode == http.StatusBadRequest {
		// The registry disagrees with the remembered digest: forget it, hash, upload again.
		pkg.rehash()
		layer.pending = pkg.layerDigest
		err = st.pushBlob(ctx, layer)
	}
	prog.finish()
	if cerr := <-configDone; err == nil {
		err = cerr
	}
	if err != nil {
		return st.wrap(err, what)
	}
	layerDesc, manifestJSON, manifestDigest, err := pkg.manifest(ctx)
	if err != nil {
		return err
	}
	var manifestURL string
	for i, tag := range tags {
		u, err := st.pushManifest(ctx, tag, manifestJSON, manifestDigest)
		if err != nil {
			if i > 0 {
				what = fmt.Sprintf("tag %s as %s (the manifest itself was pushed)", pos[1], tag)
			}
			return st.wrap(err, what)
		}
		if i == 0 {
			manifestURL = u
		}
	}

	if o.json {
		rep := pushReport{Reference: pos[1], ManifestURL: manifestURL, ManifestDigest: manifestDigest.String(),
			Tags: slices.DeleteFunc(slices.Clone(tags), func(t string) bool { return t == "" }), ArtifactType: oci.ArtifactType, ConfigDigest: pkg.config.Digest,
			LayerDigest: layerDesc.Digest, LayerSize: layerDesc.Size, ID: pkg.pkg.Descriptor.ID}
		if o.layoutDir != "" {
			rep.OCILayout = o.layoutDir
		} else {
			rep.Repository = dest.ref.Name()
		}
		return cli.WriteJSON(env.Stdout, rep)
	}
	w := env.Stdout
	fmt.Fprintf(w, "pushed: %s\n", pos[1])
	fmt.Fprintf(w, "  manifest-url: %s\n", manifestURL)
	fmt.Fprintf(w, "  manifest-digest: %s\n", manifestDigest)
	for _, t := range tags {
		if t != dest.tag {
			fmt.Fprintf(w, "  tagged: %s\n", dest.display(t))
		}
	}
	return nil
}

type pushReport struct {
	Reference      string   `json:"reference"`
	Repository     string   `json:"repository,omitempty"`
	OCILayout      string   `json:"oci_layout,omitempty"`
	ManifestURL    string   `json:"manifest_url"`
	ManifestDigest string   `json:"manifest_digest"`
	Tags           []string `json:"tags"`
	ArtifactType   string   `json:"artifact_type"`
	ConfigDigest   string   `json:"config_digest"`
	LayerDigest    string   `json:"layer_digest"`
	LayerSize      int64    `json:"layer_size"`
	ID             string   `json:"id"`
}

// destination is where push writes: a registry reference or a tag in a layout directory.
type destination struct {
	ref       oci.Reference // registry mode
	layoutDir string
	tag       string // the primary tag
	pin       string // "sha256:…" when the reference pins the manifest digest
}

func parsePushDestination(arg, layoutDir string) (*destination, error) {
	if layoutDir != "" {
		tag, pin, err := layoutTag(arg)
		if err != nil {
			return nil, err
		}
		if pin != "" {
			return nil, cli.Usagef("plugin-oci push --oci-layout: give a tag to push as, not a digest (%s)", arg)
		}
		return &destination{layoutDir: layoutDir, tag: tag}, nil
	}
	ref, err := parseRef(arg)
	if err != nil {
		return nil, err
	}
	d := &destination{ref: ref, tag: ref.Tag, pin: ref.Digest}
	if d.tag == "" && d.pin == "" {
		d.tag = "latest" // what oci-client pushes an untagged reference as
	}
	if d.pin != "" && !strings.HasPrefix(d.pin, digest.Prefix) {
		return nil, cli.Usagef("plugin-oci push: %s: only sha256 digests can be pushed", arg)
	}
	return d, nil
}

// parseRef parses a registry reference given on the command line (exit 2 when malformed).
func parseRef(arg string) (oci.Reference, error) {
	ref, err := oci.ParseReference(arg)
	if err != nil {
		return ref, cli.Usagef("%v", err)
	}
	return ref, nil
}

func checkTagArg(tag string) error {
	if _, err := oci.ParseReference("x:" + tag); err != nil || strings.ContainsAny(tag, "/:@") {
		return cli.Usagef("--tag %q: a tag is letters, digits, '_', '.' and '-' (not first), at most %d characters", tag, oci.MaxTagLength)
	}
	return nil
}

func (d *destination) display(tag string) string {
	if d.layoutDir != "" {
		return tag
	}
	return d.ref.WithTag(tag).String()
}

func (d *destination) open(env *cli.Env, o *pushOptions) (store, error) {
	if d.layoutDir != "" {
		return &layoutStore{dir: d.layoutDir}, nil
	}
	creds, err := o.auth.authFor(env, d.ref.Registry)
	if err != nil {
		return nil, err
	}
	return openRegistry(d.ref, &o.transport, &o.auth, creds)
}

// pushPackage is a validated package and the blobs that publish it. The zip's digest may still be
// computing (layerDigest) while the upload starts; the manifest is built once it is known.
type pushPackage struct {
	name        string // for messages
	path        string // a file to reopen for each upload attempt (the spool file for stdin)
	size        int64
	pkg         *pkgzip.Package
	layerDigest *digestFuture
	// remembered is set when layerDigest came from the digest cache: only a claim until a
	// registry accepts it (see rehash).
	remembered bool
	rehash     func()
	config     oci.Descriptor
	configJSON []byte
	close      func()
}

// openPushPackage opens the zip (spooling stdin once, hashing it on the way), and checks it as the
// gateway's unpack would: structure, descriptor, and every entry's data against its CRC. Then a
// file is hashed in the background, alongside the upload, which needs the digest only to commit.
func openPushPackage(env *cli.Env, arg string) (*pushPackage, error) {
	name := cli.DisplayName(arg)
	var stdinHash *hashingReader
	in := env.Stdin
	if arg == "-" {
		stdinHash = &hashingReader{r: env.Stdin, h: digest.New()}
		in = stdinHash
	}
	f, closeF, err := cli.OpenFile(arg, in)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		closeF()
		return nil, cli.IOError("read", name, err)
	}
	size := st.Size()

	cache := digestcache.Default()
	if arg == "-" { // a spool file is gone after this push: nothing to remember it by
		cache = nil
	}
	pkg, err := pkgzip.Open(newReadAhead(f, size, 1<<20), size, name, pkgzip.DefaultLimits)
	if err == nil && !cache.Vouched(f, pkgzip.ValidClaim()) { // pack, or an earlier push, read this very file through
		if err = checkEntries(pkg); err == nil {
			cache.Vouch(f, pkgzip.ValidClaim())
		}
	}
	if err != nil {
		closeF()
		return nil, pkgzip.ExitError(err)
	}
	// The zip's own digest is only needed to commit the upload: the hash runs while the bytes go
	// out, not before (for stdin it was taken while spooling).
	var layerDigest *digestFuture
	if stdinHash != nil {
		d := digest.FromHash(stdinHash.h)
		layerDigest = knownDigest(d)
	}
	hash := func() *digestFuture {
		return computeDigest(func() (digest.Digest, error) {
			d, n, err := digest.FromReader(io.NewSectionReader(f, 0, size))
			if err == nil && n != size {
				err = fmt.Errorf("read %d bytes of %d", n, size)
			}
			if err != nil {
				return d, cli.IOError("read", name, err)
			}
			cache.Store(f, d)
			return d, nil
		})
	}
	remembered := false
	if layerDigest == nil {
		if d, ok := cache.Lookup(f); ok {
			layerDigest, remembered = knownDigest(d), true
		} else {
			layerDigest = hash()
		}
	}
	warnPackage(env, pkg)

	p := &pushPackage{name: name, path: f.Name(), size: size, pkg: pkg, layerDigest: layerDigest, remembered: remembered}
	p.rehash = func() { cache.Forget(f); p.layerDigest, p.remembered = hash(), false }
	p.close = func() { p.layerDigest.wait(context.Background()); closeF() }
	hasSig := slices.ContainsFunc(pkg.Entries, func(e pkgzip.Entry) bool { return e.Name == pkgzip.EntrySignature })
	p.configJSON = oci.ConfigJSON(pkg.Descriptor, hasSig)
	p.config = oci.DescriptorOf(oci.ConfigMediaType, p.configJSON)
	return p, nil
}

// manifest is the exact manifest for the package, once its digest is known.
func (p *pushPackage) manifest(ctx context.Context) (layer oci.Descriptor, raw []byte, d digest.Digest, err error) {
	zd, err := p.layerDigest.wait(ctx)
	if err != nil {
		return layer, nil, d, err
	}
	layer = oci.Descriptor{MediaType: oci.LayerMediaType, Digest: zd.String(), Size: p.size}
	raw = oci.ManifestJSON(p.config, layer)
	return layer, raw, digest.Of(raw), nil
}

// checkEntries reads every entry through its CRC check, as the gateway's unpack writes them out.
func checkEntries(pkg *pkgzip.Package) error {
	rc, err := pkg.Artifact()
	if err != nil {
		return err
	}
	defer rc.Close()
	_, err = io.CopyBuffer(io.Discard, rc, make([]byte, digest.BufferSize))
	return err
}

// warnPackage says what the gateway will refuse at load although its unpack (and push) accept it.
func warnPackage(env *cli.Env, pkg *pkgzip.Package) {
	if err := descriptor.CheckArtifactRuntime(pkg.Descriptor, pkg.ArtifactName); err != nil {
		env.Warnf("%s: %v (the gateway will refuse to load it)", pkg.Name, err)
	}
	if pkg.Descriptor.Runtime == descriptor.RuntimeStatic {
		env.Warnf("%s: runtime %s cannot be loaded from a package (the gateway refuses it)", pkg.Name, descriptor.RuntimeStatic)
	}
}

type hashingReader struct {
	r io.Reader
	h hash.Hash
}

func (h *hashingReader) Read(b []byte) (int, error) {
	n, err := h.r.Read(b)
	h.h.Write(b[:n])
	return n, err
}

func bytesBlob(d oci.Descriptor, b []byte) blob {
	return blob{Descriptor: d, open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(string(b))), nil }}
}

// gatewayTagsFor works out <version>-<platform> and protocol-1-<platform> for the package.
func gatewayTagsFor(p *pushPackage, arg, version, goos, arch string) ([]string, error) {
	canon, named := descriptor.ParseCanonicalFilename(arg)
	if version == "" {
		if !named {
			return nil, cli.Usagef("--gateway-tags: give --version: %s is not named mcpg-plugin-<name>_<version>_<os>_<arch>.zip", p.name)
		}
		version = canon.Version
	}
	if checkTagArg(version) != nil || len(version) > oci.MaxTagLength-len("-linux-musl-amd64") {
		return nil, cli.Usagef("--gateway-tags: version %q cannot start a tag (letters, digits, '_', '.' and '-' (not first))", version)
	}
	wasm := p.pkg.ArtifactName == pkgzip.EntryWasm
	var platform string
	switch {
	case wasm:
		if goos != "" && goos != "wasi" || arch != "" && arch != "wasm" {
			return nil, cli.Usagef("--gateway-tags: %s holds plugin.wasm, whose platform is always wasi-wasm (not --os %q --arch %q)", p.name, goos, arch)
		}
		platform = oci.WasmPlatform
	case goos != "" || arch != "":
		if goos == "" || arch == "" {
			return nil, cli.Usagef("--gateway-tags: --os and --arch go together (e.g. --os linux --arch musl-amd64)")
		}
		platform = oci.PlatformToken(goos, arch)
	case named:
		platform = oci.PlatformToken(canon.OS, canon.Arch)
	default:
		return nil, cli.Usagef("--gateway-tags: cannot tell the platform of native package %s (glibc or musl?): pass --os and --arch as given to plugin-pack pack, or push the file under its canonical name mcpg-plugin-<name>_<version>_<os>_<arch>.zip", p.name)
	}
	if !wasm && platform == oci.WasmPlatform {
		return nil, cli.Usagef("--gateway-tags: %s holds plugin.so, but its platform would be wasi-wasm", p.name)
	}
	if !oci.IsPlatformToken(platform) {
		return nil, cli.Usagef("--gateway-tags: platform %q is not one the gateway resolves (%s)", platform, strings.Join(oci.PlatformTokens, ", "))
	}
	return []string{version + "-" + platform, "protocol-" + oci.ProtocolMajor + "-" + platform}, nil
}

func dedupe(s []string) []string {
	var out []string
	for _, v := range s {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
