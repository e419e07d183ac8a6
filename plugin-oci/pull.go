package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/gwcache"
	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
	"github.com/mcpg-dev/mcpg-plugins/shared/pkgzip"
)

const pullHelp = `Usage: plugin-oci pull <registry/repo[:tag][@sha256:<hex>]> [flags]
       plugin-oci pull <tag|@sha256:<hex>> --oci-layout <dir> [flags]
       plugin-oci pull <ref as in the gateway's config> --resolve-like-gateway [flags]

Fetch a package zip pushed as an MCPG OCI artifact and write it to disk. Everything is checked
before a byte is written: the manifest against the registry's Docker-Content-Digest and against an
@sha256: pin, every layer's media type (only application/vnd.mcpg.plugin.package.v1+zip), the
config and the layer against their digests and sizes, and the layer must open as a package (its
layout and descriptor, as the gateway's unpack checks them; entry data is checked by the digest and
when unpacked). The file appears complete or not at all. An image index is resolved to this
platform's manifest (as the host does, the digest printed — and compared with a pin — is then the
platform manifest's).

Flags:
  -o, --output <path>   where to write the zip (default: <repo>_<tag>.zip in the current
                        directory, as the reference CLI names it); "-" writes the zip to stdout,
                        after it has been verified, and the report to stderr
      --oci-layout <dir>
                        pull from an OCI image layout directory instead of a registry; the
                        reference is then a tag or @sha256:<hex>
      --resolve-like-gateway
                        treat the reference as a gateway config's plugins[].source.oci: expand a
                        bare or version-only reference into the gateway's platform candidates
                        (<tag>-<platform>, then <tag>-wasi-wasm; no tag: protocol-1-<platform>),
                        put unqualified references on the default registry, try every --mirror
                        before the primary for each candidate, and report which one matched
      --platform <p>    the gateway's platform (default: this machine's, e.g. linux-amd64; a
                        musl gateway is linux-musl-amd64 or linux-musl-arm64)
      --default-registry <r>
                        the gateway's default registry (default: $MCPG_DEFAULT_PLUGIN_REGISTRY,
                        else ghcr.io/mcpg-dev/source-code/plugins)
      --mirror <host[/path]>
                        a plugin_registry.mirrors[].url, tried in order before the primary
                        (repeatable; with --resolve-like-gateway)
      --into-gateway-cache <dir>
                        also store the zip in the gateway's OCI pull cache dir, named as the
                        gateway names it (after the first candidate of the reference) with its
                        .layer-sha256 sidecar, so a gateway with this cache_dir starts without
                        network access. Without -o, only the cache is written
      --gateway-ref <ref>
                        the reference as written in the gateway's config, when it differs from
                        the one pulled (needed with --oci-layout) — it names the cache file
      --json            print a JSON report on stdout instead of the lines below
` + authFlagsHelp + transportFlagsHelp + `  -h, --help            show this help

` + authHelp + `
Output (the reference CLI's lines; id/class/runtime/protocol when the config parsed):
  pulled: <ref>
    resolved: <the candidate that matched>       with --resolve-like-gateway
    written:  <path>
    cached:   <path>                             with --into-gateway-cache and -o
    digest:   sha256:<manifest digest>
    id:       <id>
    class:    <class>
    runtime:  <runtime>
    protocol: <protocol_version>

Examples:
  plugin-oci pull ghcr.io/acme/plugins/gate:1.2.0-linux-amd64 -o gate.zip
  plugin-oci pull localhost:5000/gate@sha256:<hex> -o - | plugin-pack unpack - ./gate
  plugin-oci pull gate:1.2.0 --resolve-like-gateway --default-registry registry.corp/plugins --json
  plugin-oci pull registry.corp/plugins/gate:1.2.0 --resolve-like-gateway --into-gateway-cache /var/cache/mcpg/plugins/oci
  plugin-oci pull 1.2.0 --oci-layout ./plugins-layout -o gate.zip

Exit status: 0 pulled; 1 a check failed (digest, pin, media type, package; nothing was written);
2 usage; 3 a file could not be written; 4 the registry could not be reached, answered with an
error or does not have the reference; 5 the registry refused the credentials.
`

type pullOptions struct {
	output          string
	json            bool
	layoutDir       string
	resolve         bool
	platform        string
	defaultRegistry string
	mirrors         []string
	cacheDir        string
	gatewayRef      string
	auth            authOptions
	transport       transportOptions
}

// maxLayerSize bounds what pull downloads: a package holds at most pkgzip.DefaultLimits in all.
var maxLayerSize = pkgzip.DefaultLimits.MaxTotalSize + 64<<20

func runPull(env *cli.Env, args []string) error {
	fs := cli.NewFlagSet("plugin-oci pull", pullHelp, env.Stdout)
	var o pullOptions
	fs.StringVarP(&o.output, "output", "o", "", "")
	fs.BoolVar(&o.json, "json", false, "")
	fs.StringVar(&o.layoutDir, "oci-layout", "", "")
	fs.BoolVar(&o.resolve, "resolve-like-gateway", false, "")
	fs.StringVar(&o.platform, "platform", "", "")
	fs.StringVar(&o.defaultRegistry, "default-registry", "", "")
	fs.StringsVar(&o.mirrors, "mirror", "")
	fs.StringVar(&o.cacheDir, "into-gateway-cache", "", "")
	fs.StringVar(&o.gatewayRef, "gateway-ref", "", "")
	o.auth.register(fs)
	o.transport.register(fs)
	pos, err := fs.Parse(args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return cli.Usagef("plugin-oci pull: expected one reference, got %d arguments (see 'plugin-oci pull --help')", len(pos))
	}
	arg := pos[0]
	switch {
	case o.output == "-" && o.json:
		return cli.Usagef("plugin-oci pull: --json and -o - both want stdout; write the zip to a file")
	case o.layoutDir != "" && o.resolve:
		return cli.Usagef("plugin-oci pull: --resolve-like-gateway resolves registry references, not --oci-layout tags")
	case len(o.mirrors) > 0 && !o.resolve:
		return cli.Usagef("plugin-oci pull: --mirror only applies with --resolve-like-gateway")
	case o.layoutDir != "" && o.cacheDir != "" && o.gatewayRef == "":
		return cli.Usagef("plugin-oci pull: --into-gateway-cache with --oci-layout needs --gateway-ref <ref as in the gateway's config> to name the cache file")
	case o.gatewayRef != "" && o.cacheDir == "":
		return cli.Usagef("plugin-oci pull: --gateway-ref only names --into-gateway-cache files")
	case arg == "":
		return cli.Usagef("plugin-oci pull: the reference is an empty string")
	}
	if err := o.transport.check(); err != nil {
		return err
	}
	if err := o.auth.prepare(env); err != nil {
		return err
	}
	gw, err := newGatewayView(env, o.platform, o.defaultRegistry, o.mirrors)
	if err != nil {
		return err
	}

	p := &puller{env: env, o: &o, gw: gw, stores: map[string]store{}, creds: map[string]authn.Authenticator{}}
	attempts, err := p.plan(arg)
	if err != nil {
		return err
	}
	if o.cacheDir != "" {
		gref := o.gatewayRef
		if gref == "" {
			gref = arg
		}
		p.cacheRef = gw.candidates(gref)[0]
	}
	outPath := o.output
	if outPath == "" && o.cacheDir == "" {
		outPath = defaultPullOutput(arg, o.layoutDir)
	}
	dl, err := newDownload(outPath)
	if err != nil {
		return err
	}
	defer dl.abort()

	ctx := context.Background()
	var res *pullResult
	var tried []attemptReport
	for i, a := range attempts {
		var fatal bool
		res, fatal, err = p.pullOne(ctx, a, dl)
		if err == nil {
			break
		}
		if !o.resolve || fatal {
			return err
		}
		tried = append(tried, attemptReport{Reference: a.display, Error: err.Error()})
		if i < len(attempts)-1 {
			fmt.Fprintf(env.Stderr, "miss: %s\n", err.Error())
		}
	}
	if res == nil {
		return withAttempts(err, len(attempts))
	}

	// Verified and validated: now publish, cache first so -o - is the last thing done.
	var cached *gwcache.Stored
	if o.cacheDir != "" {
		want, _ := digest.Parse(res.layer.Digest)
		s, err := gwcache.Store(o.cacheDir, p.cacheRef, dl.reader(), &want)
		if err != nil {
			return err
		}
		cached = &s
	}
	written := ""
	switch {
	case outPath == "-":
		if _, err := io.CopyBuffer(env.Stdout, dl.reader(), make([]byte, digest.BufferSize)); err != nil {
			return cli.IOError("write", "stdout", err)
		}
		written = "stdout"
	case outPath != "":
		if err := dl.commit(); err != nil {
			return err
		}
		written = outPath
	default:
		written = cached.Path
	}

	if o.json {
		rep := pullReport{Reference: arg, Written: written, ManifestDigest: res.manifestDigest,
			IndexDigest: res.indexDigest, LayerDigest: res.layer.Digest, Size: res.layer.Size, Config: res.config,
			OCILayout: o.layoutDir}
		if o.resolve {
			rep.Resolved = res.ref
			rep.Candidates = gw.candidates(arg)
			rep.Attempts = append(tried, attemptReport{Reference: res.ref})
		}
		if cached != nil {
			rep.CachePath, rep.CacheSidecar = cached.Path, cached.Sidecar
		}
		return cli.WriteJSON(env.Stdout, rep)
	}
	w := env.Stdout
	if outPath == "-" {
		w = env.Stderr
	}
	fmt.Fprintf(w, "pulled: %s\n", arg)
	if o.resolve {
		fmt.Fprintf(w, "  resolved: %s\n", res.ref)
	}
	fmt.Fprintf(w, "  written:  %s\n", written)
	if cached != nil && written != cached.Path {
		fmt.Fprintf(w, "  cached:   %s\n", cached.Path)
	}
	fmt.Fprintf(w, "  digest:   %s\n", res.manifestDigest)
	if c := res.config; c != nil {
		fmt.Fprintf(w, "  id:       %s\n", c.ID)
		fmt.Fprintf(w, "  class:    %s\n", c.Class)
		fmt.Fprintf(w, "  runtime:  %s\n", c.Runtime)
		fmt.Fprintf(w, "  protocol: %s\n", c.ProtocolVersion)
	}
	return nil
}

type pullReport struct {
	Reference      string          `json:"reference"`
	Resolved       string          `json:"resolved,omitempty"`
	OCILayout      string          `json:"oci_layout,omitempty"`
	Written        string          `json:"written"`
	CachePath      string          `json:"cache_path,omitempty"`
	CacheSidecar   string          `json:"cache_sidecar,omitempty"`
	ManifestDigest string          `json:"manifest_digest"`
	IndexDigest    string          `json:"index_digest,omitempty"`
	LayerDigest    string          `json:"layer_digest"`
	Size           int64           `json:"size"`
	Config         *oci.Config     `json:"config"`
	Candidates     []string        `json:"candidates,omitempty"`
	Attempts       []attemptReport `json:"attempts,omitempty"`
}

type attemptReport struct {
	Reference string `json:"reference"`
	Error     string `json:"error,omitempty"`
}

func withAttempts(err error, n int) error {
	if n <= 1 {
		return err
	}
	var ce *cli.Error
	if errors.As(err, &ce) {
		c := *ce
		c.Msg = fmt.Sprintf("none of the %d references the gateway would try could be pulled; the last: %s", n, ce.Msg)
		return &c
	}
	return err
}

// defaultPullOutput is the reference CLI's file name; for a layout, the directory's name stands
// in for the repository.
func defaultPullOutput(arg, layoutDir string) string {
	if layoutDir == "" {
		return oci.DefaultPullOutput(arg)
	}
	base := filepath.Base(filepath.Clean(layoutDir))
	if d, ok := strings.CutPrefix(arg, "@"); ok {
		return oci.DefaultPullOutput(base + ":" + strings.ReplaceAll(d, ":", "-"))
	}
	return oci.DefaultPullOutput(base + ":" + arg)
}

// attempt is one reference to try: where, by which identifier, and the pin to re-assert.
type attempt struct {
	display string // as reported
	ref     oci.Reference
	ident   string
	pin     string
	layout  bool
	err     error // the reference did not parse: this attempt fails with it
}

type puller struct {
	env      *cli.Env
	o        *pullOptions
	gw       *gatewayView
	stores   map[string]store
	creds    map[string]authn.Authenticator
	cacheRef string
}

func (p *puller) plan(arg string) ([]attempt, error) {
	if p.o.layoutDir != "" {
		tag, pin, err := layoutTag(arg)
		if err != nil {
			return nil, err
		}
		ident := tag
		if pin != "" {
			ident = pin
		}
		return []attempt{{display: arg, ident: ident, pin: pin, layout: true}}, nil
	}
	if !p.o.resolve {
		ref, err := parseRef(arg)
		if err != nil {
			return nil, err
		}
		if ref.Digest != "" && !strings.HasPrefix(ref.Digest, digest.Prefix) {
			return nil, cli.Usagef("plugin-oci pull: %s: only sha256 digests can be verified", arg)
		}
		return []attempt{{display: arg, ref: ref, ident: ref.Identifier(), pin: ref.Digest}}, nil
	}
	var out []attempt
	for _, s := range p.gw.attempts(arg) {
		a := attempt{display: s}
		a.ref, a.err = oci.ParseReference(s)
		if a.err == nil {
			a.ident = a.ref.Identifier()
			// The gateway re-asserts exactly what its digest_from_reference finds.
			a.pin, _ = oci.PinnedDigest(s)
		}
		out = append(out, a)
	}
	return out, nil
}

func (p *puller) storeFor(a attempt) (store, error) {
	if a.layout {
		return &layoutStore{dir: p.o.layoutDir}, nil
	}
	key := a.ref.Name()
	if s, ok := p.stores[key]; ok {
		return s, nil
	}
	creds, ok := p.creds[a.ref.Registry]
	if !ok {
		var err error
		if creds, err = p.o.auth.authFor(p.env, a.ref.Registry); err != nil {
			return nil, err
		}
		p.creds[a.ref.Registry] = creds
	}
	s, err := openRegistry(a.ref, &p.o.transport, &p.o.auth, creds)
	if err != nil {
		return nil, err
	}
	p.stores[key] = s
	return s, nil
}

type pullResult struct {
	ref            string
	manifestDigest string
	indexDigest    string
	layer          oci.Descriptor
	config         *oci.Config
}

// pullOne fetches and checks everything for one attempt and leaves the verified zip in dl. A
// fatal error (credentials that cannot be had, an interrupt, a local write failure) ends the
// resolution; any other moves on to the next candidate, as in the gateway.
func (p *puller) pullOne(ctx context.Context, a attempt, dl *download) (res *pullResult, fatal bool, err error) {
	if a.err != nil {
		return nil, false, cli.Usagef("%v", a.err)
	}
	st, err := p.storeFor(a)
	if err != nil {
		return nil, true, err
	}
	if res, err = p.fetch(ctx, st, a, dl); err != nil {
		what := "pull " + a.display
		var be *blobError
		if errors.As(err, &be) {
			what += ": " + be.kind + " " + be.digest
		}
		err = st.wrap(err, what)
		code := cli.CodeOf(err)
		return nil, code == cli.ExitIO || code == cli.ExitInterrupted, err
	}
	return res, false, nil
}

func (p *puller) fetch(ctx context.Context, st store, a attempt, dl *download) (*pullResult, error) {
	res := &pullResult{ref: a.display}
	raw, mediaType, d, err := st.fetchManifest(ctx, a.ident)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(a.ident, digest.Prefix) && d.String() != a.ident {
		return nil, cli.Failf("%s: manifest digest mismatch: the registry sent a manifest with digest %s for %s; nothing was written", a.display, d, a.ident)
	}
	if isIndex(mediaType, raw) {
		res.indexDigest = d.String()
		plat, err := pickPlatform(raw, p.gw.platform, a.display)
		if err != nil {
			return nil, err
		}
		if raw, _, d, err = st.fetchManifest(ctx, plat.Digest.String()); err != nil {
			return nil, err
		}
		if d.String() != plat.Digest.String() {
			return nil, cli.Failf("%s: manifest digest mismatch: the registry sent a platform manifest with digest %s for the index's %s; nothing was written", a.display, d, plat.Digest)
		}
	}
	res.manifestDigest = d.String()
	if a.pin != "" && a.pin != res.manifestDigest {
		switch {
		case a.pin == res.indexDigest && !p.o.resolve:
			p.env.Warnf("%s pins an image index; the gateway compares a pin with the platform manifest's digest (%s) and would refuse this reference — pin that digest instead", a.display, res.manifestDigest)
		case a.pin == res.indexDigest:
			return nil, cli.Failf("%s: pinned digest %s is the image index's; the gateway compares it with the platform manifest's %s and refuses the pull, as this does; nothing was written", a.display, a.pin, res.manifestDigest)
		default:
			return nil, cli.Failf("%s: pinned digest %s does not match the manifest's %s; nothing was written", a.display, a.pin, res.manifestDigest)
		}
	}
	m, err := oci.ParseManifest(raw)
	if err != nil {
		return nil, cli.Failf("%s: %v; nothing was written", a.display, err)
	}
	res.layer = m.Layer()

	if m.Config.Size > oci.MaxConfigSize {
		return nil, cli.Failf("%s: the config blob is %d bytes; at most %d are accepted", a.display, m.Config.Size, oci.MaxConfigSize)
	}
	var cfg bytes.Buffer
	if err := fetchVerified(ctx, st, m.Config, "config", nil, func() (io.Writer, error) { cfg.Reset(); return &cfg, nil }); err != nil {
		return nil, err
	}
	if m.Config.MediaType == oci.ConfigMediaType {
		if res.config, err = oci.ParseConfig(cfg.Bytes()); err != nil {
			p.env.Warnf("%s: ignoring the config blob (%v), as the gateway does", a.display, err)
		}
	}

	if res.layer.Size > maxLayerSize {
		return nil, cli.Failf("%s: the layer is %d bytes, more than any package may hold (%d)", a.display, res.layer.Size, maxLayerSize)
	}
	prog := newProgress(p.env, "pulling", res.layer.Size)
	err = fetchVerified(ctx, st, res.layer, "layer", prog, dl.reset)
	prog.finish()
	if err != nil {
		return nil, err
	}
	if _, err := pkgzip.Open(dl.f, res.layer.Size, a.display, pkgzip.DefaultLimits); err != nil {
		return nil, cli.Failf("the pulled layer is not a valid package: %v; nothing was written", pkgzip.ExitError(err))
	}
	return res, nil
}

// fetchVerified copies blob d into the writer reset returns (called again for each attempt),
// hashing on the way; it fails unless exactly d.Size bytes hashing to d.Digest arrived.
func fetchVerified(ctx context.Context, st store, d oci.Descriptor, kind string, prog *progress, reset func() (io.Writer, error)) error {
	buf := make([]byte, digest.BufferSize)
	for attempt := 0; ; attempt++ {
		w, err := reset()
		if err != nil {
			return err
		}
		err = copyBlob(ctx, st, d, kind, w, prog, buf)
		if err == nil {
			return nil
		}
		if attempt >= st.retries() || !st.retryable(err) {
			var ce *cli.Error
			if errors.As(err, &ce) {
				return err
			}
			return &blobError{kind: kind, digest: d.Digest, err: err}
		}
		if err := sleepCtx(ctx, backoff(attempt)); err != nil {
			return err
		}
	}
}

func copyBlob(ctx context.Context, st store, d oci.Descriptor, kind string, w io.Writer, prog *progress, buf []byte) error {
	rc, err := st.fetchBlob(ctx, d.Digest, d.Size)
	if err != nil {
		return err
	}
	defer rc.Close()
	h := digest.New()
	n, err := io.CopyBuffer(io.MultiWriter(w, h), prog.reader(io.NopCloser(io.LimitReader(rc, d.Size+1))), buf)
	if err != nil {
		return err
	}
	if got := digest.FromHash(h).String(); n != d.Size || got != d.Digest {
		return cli.Failf("%s %s: digest mismatch: received %d bytes with digest %s, the manifest says %d bytes; nothing was written", kind, d.Digest, n, got, d.Size)
	}
	return nil
}

// blobError says which blob a transfer failure concerns.
type blobError struct {
	kind, digest string
	err          error
}

func (e *blobError) Error() string { return e.err.Error() }
func (e *blobError) Unwrap() error { return e.err }

// isIndex tells an image index (or docker manifest list) from a manifest: by the announced
// media type, else by shape.
func isIndex(mediaType string, raw []byte) bool {
	switch mediaType {
	case oci.IndexMediaType, oci.DockerListMediaType:
		return true
	case oci.ManifestMediaType, oci.DockerManifestMediaType:
		return false
	}
	var probe struct {
		MediaType string          `json:"mediaType"`
		Manifests json.RawMessage `json:"manifests"`
		Layers    json.RawMessage `json:"layers"`
	}
	if json.Unmarshal(raw, &probe) != nil {
		return false
	}
	return probe.MediaType == oci.IndexMediaType || probe.MediaType == oci.DockerListMediaType ||
		(probe.Manifests != nil && probe.Layers == nil)
}

// pickPlatform chooses the index entry for the platform token, as the host picks its own
// compile-time os/arch.
func pickPlatform(raw []byte, token, display string) (*v1.Descriptor, error) {
	idx, err := v1.ParseIndexManifest(bytes.NewReader(raw))
	if err != nil {
		return nil, cli.Failf("%s: not a valid image index: %v", display, err)
	}
	goos, arch := platformOSArch(token)
	var have []string
	for i := range idx.Manifests {
		m := &idx.Manifests[i]
		if m.Platform == nil {
			continue
		}
		if m.Platform.Architecture == arch && (m.Platform.OS == goos || goos == "wasi" && strings.HasPrefix(m.Platform.OS, "wasi")) {
			return m, nil
		}
		have = append(have, m.Platform.OS+"/"+m.Platform.Architecture)
	}
	if len(have) == 0 {
		have = []string{"none"}
	}
	return nil, cli.Failf("%s is an image index without a manifest for %s/%s (it has: %s)", display, goos, arch, strings.Join(have, ", "))
}

// download is the temporary file a layer is received into: beside the output file (renamed into
// place by commit), or in the temp dir when the zip goes only to stdout or the cache.
type download struct {
	f       *os.File
	name    string
	out     *cli.AtomicFile
	remove  func()
	created []string // directories made for the output, deepest first, removed again on failure
}

func newDownload(outPath string) (*download, error) {
	if outPath != "" && outPath != "-" {
		d := &download{name: outPath}
		// Missing directories are created, as the host does; a failed pull removes them again.
		for dir := filepath.Dir(outPath); dir != "." && dir != "/"; dir = filepath.Dir(dir) {
			if _, err := os.Lstat(dir); err == nil {
				break
			}
			d.created = append(d.created, dir)
		}
		if len(d.created) > 0 {
			if err := os.MkdirAll(d.created[0], 0o777); err != nil {
				return nil, cli.IOError("create", d.created[0], err)
			}
		}
		out, err := cli.CreateAtomic(outPath, 0o644)
		if err != nil {
			d.abort()
			return nil, err
		}
		d.f, d.out = out.File(), out
		return d, nil
	}
	f, err := os.CreateTemp("", ".plugin-oci-pull-*")
	if err != nil {
		return nil, cli.IOError("create", "a temporary file", err)
	}
	name := f.Name()
	unregister := cli.OnInterrupt(func() { os.Remove(name) })
	return &download{f: f, name: "a temporary file", remove: func() { f.Close(); os.Remove(name); unregister() }}, nil
}

// reset empties the file for a (new) attempt and returns where to write.
func (d *download) reset() (io.Writer, error) {
	if err := d.f.Truncate(0); err != nil {
		return nil, cli.IOError("write", d.name, err)
	}
	if _, err := d.f.Seek(0, io.SeekStart); err != nil {
		return nil, cli.IOError("write", d.name, err)
	}
	return writeErrs{d.f, d.name}, nil
}

func (d *download) reader() io.Reader {
	d.f.Seek(0, io.SeekStart)
	return d.f
}

func (d *download) commit() error {
	if err := d.out.Commit(); err != nil {
		return err
	}
	d.created = nil
	return nil
}

func (d *download) abort() {
	if d.out != nil {
		d.out.Abort()
	}
	if d.remove != nil {
		d.remove()
	}
	for _, dir := range d.created {
		os.Remove(dir) // only if still empty
	}
	d.created = nil
}

// writeErrs reports a failed local write as the I/O error it is (not retried like the network).
type writeErrs struct {
	f    *os.File
	name string
}

func (w writeErrs) Write(b []byte) (int, error) {
	n, err := w.f.Write(b)
	if err != nil {
		return n, cli.IOError("write", w.name, err)
	}
	return n, nil
}
