package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/gwcache"
	"github.com/mcpg-dev/mcpg-plugins/shared/hint"
	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
	"github.com/mcpg-dev/mcpg-plugins/shared/ociclient"
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
                        directory, as the reference CLI names it); an existing directory or a
                        path ending in / receives that name; missing directories are created;
                        "-" writes the zip to stdout (not a terminal), after it has been
                        verified, and the report to stderr
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
2 usage, or an output would replace a file pull reads (a blob of the --oci-layout, a credentials
file); 3 a file or stdout could not be written (with -o -, a reader that stops early ends it by
SIGPIPE); 4 the registry could not be reached, answered with an error or does not have the
reference; 5 the registry refused the credentials.
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
	if err := cli.CheckArgs("plugin-oci pull", pos, 1, 1, "<reference>"); err != nil {
		return err
	}
	arg := pos[0]
	switch {
	case o.output == "-" && o.json:
		return cli.WithHint(cli.Usagef("plugin-oci pull: --json and -o - both want stdout"), "write the zip to a file")
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
	if err := cli.RefuseTerminal("plugin-oci pull", o.output, env.Stdout); err != nil {
		return err
	}
	if err := o.transport.check(); err != nil {
		return err
	}
	o.transport.notices = env.Stderr
	if err := o.auth.prepare(env); err != nil {
		return err
	}
	gw, err := newGatewayView(env, o.platform, o.defaultRegistry, o.mirrors)
	if err != nil {
		return err
	}

	p := &puller{env: env, o: &o, gw: gw, sources: map[string]*source{}, creds: map[string]authn.Authenticator{}}
	attempts, err := p.plan(arg)
	if err != nil {
		return err
	}
	if o.cacheDir != "" {
		gref := o.gatewayRef
		if gref == "" {
			gref = arg
		}
		p.cacheRef = gw.Candidates(gref)[0]
	}
	outPath := ""
	if o.output != "" || o.cacheDir == "" {
		outPath = fileio.OutputPath(o.output, defaultPullOutput(arg, o.layoutDir))
	}
	if err := o.checkOutputs(outPath, p.cacheRef); err != nil {
		return err
	}
	dl, err := ociclient.NewDownload(outPath)
	if err != nil {
		return err
	}
	defer dl.Abort()

	ctx := context.Background()
	var res *pulled
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
		tried = append(tried, attemptReport{Reference: a.target.Display, Error: err.Error()})
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
		want, _ := digest.Parse(res.Layer.Digest)
		s, err := gwcache.Store(o.cacheDir, p.cacheRef, dl.Reader(), &want)
		if err != nil {
			return err
		}
		cached = &s
	}
	written := ""
	switch {
	case outPath == "-":
		if _, err := io.CopyBuffer(env.Stdout, dl.Reader(), make([]byte, digest.BufferSize)); err != nil {
			return fileio.IOError("write", "stdout", err)
		}
		written = "stdout"
	case outPath != "":
		if err := dl.Commit(); err != nil {
			return err
		}
		written = outPath
	default:
		written = cached.Path
	}

	if o.json {
		rep := pullReport{Reference: oci.RedactUserinfo(arg), Written: written, ManifestDigest: res.ManifestDigest,
			IndexDigest: res.IndexDigest, LayerDigest: res.Layer.Digest, LayerSize: res.Layer.Size, Config: res.Config,
			PackageSHA256: strings.TrimPrefix(res.Layer.Digest, digest.Prefix),
			OCILayout:     o.layoutDir}
		if o.resolve {
			rep.Resolved = res.ref
			for _, c := range gw.Candidates(arg) {
				rep.Candidates = append(rep.Candidates, oci.RedactUserinfo(c))
			}
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
	fmt.Fprintf(w, "  digest:   %s\n", res.ManifestDigest)
	if c := res.Config; c != nil {
		fmt.Fprintf(w, "  id:       %s\n", c.ID)
		fmt.Fprintf(w, "  class:    %s\n", c.Class)
		fmt.Fprintf(w, "  runtime:  %s\n", c.Runtime)
		fmt.Fprintf(w, "  protocol: %s\n", c.ProtocolVersion)
	}
	return nil
}

// checkOutputs refuses, before anything is fetched, an output file (-o, the cache zip or its
// sidecar) that is one of the files pull reads: a blob or the index of the --oci-layout, a
// credentials or certificate file.
func (o *pullOptions) checkOutputs(outPath, cacheRef string) error {
	inputs := &fileio.Inputs{Command: "plugin-oci pull"}
	inputs.AddTree("a file of the --oci-layout", o.layoutDir)
	inputs.Add("the --docker-config", o.auth.dockerConfig)
	inputs.Add("the --ca-file", o.transport.caFile)
	inputs.Add("the --cert-file", o.transport.certFile)
	inputs.Add("the --key-file", o.transport.keyFile)
	if err := inputs.Check("-o", outPath); err != nil {
		return err
	}
	if o.cacheDir == "" {
		return nil
	}
	zip := filepath.Join(o.cacheDir, gwcache.FileName(cacheRef))
	if err := inputs.Check("the cache file", zip); err != nil {
		return err
	}
	return inputs.Check("the cache sidecar", gwcache.SidecarName(zip))
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
	LayerSize      int64           `json:"layer_size"`
	PackageSHA256  string          `json:"package_sha256"` // the layer (the zip) in bare hex, as in every --json
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
	const prefix = "none of the %d references the gateway would try could be pulled; the last: %s"
	var ce *cli.Error
	if errors.As(err, &ce) {
		c := *ce
		c.Msg = fmt.Sprintf(prefix, n, ce.Msg)
		return &c
	}
	if cli.HasCode(err) { // a local file failed (exit 3)
		return &cli.Error{Code: cli.CodeOf(err), Msg: fmt.Sprintf(prefix, n, err.Error()), Err: err}
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

// attempt is one reference to try: as reported, in the store the flags name, and the pin to
// re-assert; or why it cannot be tried.
type attempt struct {
	ref    oci.Reference // registry mode
	target ociclient.Target
	err    error // the reference did not parse: this attempt fails with it
}

type puller struct {
	env      *cli.Env
	o        *pullOptions
	gw       *ociclient.Gateway
	sources  map[string]*source
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
		return []attempt{{target: p.target(arg, ident, pin)}}, nil
	}
	if !p.o.resolve {
		ref, err := parseRef(arg)
		if err != nil {
			return nil, err
		}
		if ref.Digest != "" && !strings.HasPrefix(ref.Digest, digest.Prefix) {
			return nil, cli.Usagef("plugin-oci pull: %s: only sha256 digests can be verified", arg)
		}
		return []attempt{{ref: ref, target: p.target(arg, ref.Identifier(), ref.Digest)}}, nil
	}
	var out []attempt
	for _, c := range p.gw.Plan(arg) {
		out = append(out, attempt{ref: c.Ref, target: c.Target, err: c.Err})
	}
	return out, nil
}

func (p *puller) target(display, ident, pin string) ociclient.Target {
	return ociclient.Target{Display: display, Ident: ident, Pin: pin, Platform: p.gw.Platform}
}

// sourceFor opens (once per repository) the store an attempt is fetched from.
func (p *puller) sourceFor(a attempt) (*source, error) {
	if p.o.layoutDir != "" {
		return openLayout(p.o.layoutDir), nil
	}
	key := a.ref.Name()
	if s, ok := p.sources[key]; ok {
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
	p.sources[key] = s
	return s, nil
}

// pulled is what one attempt fetched.
type pulled struct {
	*ociclient.Fetched
	ref string
}

// pullOne fetches and checks everything for one attempt and leaves the verified zip in dl. A
// fatal error (credentials that cannot be had, an interrupt, a local write failure) ends the
// resolution; any other moves on to the next candidate, as in the gateway.
func (p *puller) pullOne(ctx context.Context, a attempt, dl *ociclient.Download) (res *pulled, fatal bool, err error) {
	if a.err != nil {
		return nil, false, cli.WithHint(cli.Usagef("%v", a.err), hint.Of(a.err))
	}
	src, err := p.sourceFor(a)
	if err != nil {
		return nil, true, err
	}
	opts := append(slices.Clip(src.opts), ociclient.WithWarnings(p.env.Warnf), ociclient.WithProgress(progressFor(p.env)))
	f, err := ociclient.Fetch(ctx, src.store, a.target, dl, opts...)
	if err != nil {
		var pe *ociclient.PackageError
		if errors.As(err, &pe) {
			err = cli.Failf("the pulled layer is not a valid package: %v; nothing was written", fileio.Named(pe.Err))
		}
		what := "pull " + a.target.Display
		var be *ociclient.BlobError
		if errors.As(err, &be) {
			what += ": " + be.Kind + " " + be.Digest
		}
		err = src.wrap(err, what)
		code := cli.CodeOf(err)
		return nil, code == cli.ExitIO || code == cli.ExitInterrupted, err
	}
	return &pulled{Fetched: f, ref: a.target.Display}, false, nil
}
