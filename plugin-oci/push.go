package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/hint"
	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
	"github.com/mcpg-dev/mcpg-plugins/shared/ociclient"
)

const pushHelp = `Usage: plugin-oci push <package.zip|-> <registry/repo[:tag]> [flags]
       plugin-oci push <package.zip|-> <tag> --oci-layout <dir> [flags]

Publish a package zip as the OCI 1.1 artifact the gateway pulls: one layer holding the zip bytes
verbatim (application/vnd.mcpg.plugin.package.v1+zip), a config blob with the descriptor's id,
name, class, runtime, protocol_version, schema and has_signature
(application/vnd.mcpg.plugin.config.v1+json), and a manifest with artifactType
application/vnd.mcpg.plugin.v1 — byte for byte what the reference implementation pushes, so the
manifest digest is the same for the same package (unless --annotate-title adds a title).

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
      --annotate-title  annotate the layer with org.opencontainers.image.title: the package's
                        canonical file name mcpg-plugin-<name>_<version>_<os>_<arch>.zip (version
                        and platform found as for --gateway-tags), so that "oras pull" writes the
                        zip under that name (without a title it writes nothing). This changes the
                        manifest bytes and digest: they are no longer the reference push's. The
                        gateway still loads it (it ignores annotations), and so does our pull
      --version <v>     the version for --gateway-tags and --annotate-title (default: from the
                        canonical file name mcpg-plugin-<name>_<version>_<os>_<arch>.zip)
      --os <os>, --arch <arch>
                        the platform of a native package for --gateway-tags and
                        --annotate-title, as given to plugin-pack pack (linux + amd64, arm64,
                        musl-amd64, musl-arm64; darwin; windows); default: from the canonical
                        file name. A wasm package is always wasi-wasm
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

Exit status: 0 pushed; 1 the package was rejected (nothing was uploaded); 2 usage, or a file of the
--oci-layout would replace the package; 3 a file or stdout could not be read or written; 4 the
registry could not be reached or answered with an error; 5 the registry refused the credentials.
`

type pushOptions struct {
	tags        []string
	gatewayTags bool
	title       bool // --annotate-title
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
	fs.BoolVar(&o.title, "annotate-title", false, "")
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
	if err := cli.CheckArgs("plugin-oci push", pos, 2, 2, "<package.zip|-> <reference>"); err != nil {
		return err
	}
	if !o.gatewayTags && !o.title && (o.version != "" || o.goos != "" || o.arch != "") {
		return cli.Usagef("plugin-oci push: --version, --os and --arch only apply with --gateway-tags or --annotate-title")
	}
	if err := o.transport.check(); err != nil {
		return err
	}
	o.transport.notices = env.Stderr
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
	if o.gatewayTags || o.title {
		flag := "--gateway-tags"
		if !o.gatewayTags {
			flag = "--annotate-title"
		}
		n, err := namePackage(pkg, pos[0], o.version, o.goos, o.arch, flag)
		if err != nil {
			return err
		}
		if o.gatewayTags {
			tags = append(tags, n.gatewayTags()...)
		}
		if o.title {
			if err := oci.CheckTitle(n.canonical()); err != nil {
				return cli.Usagef("--annotate-title: %s: %v", pkg.name, err)
			}
			pkg.art.Title = n.canonical()
		}
	}
	tags = dedupe(tags)
	ctx := context.Background()
	art := pkg.art
	if dest.pin != "" {
		art.ForgetDigest() // a pin is checked before any registry can vouch for the digest
		_, _, md, err := art.Manifest(ctx)
		if err != nil {
			return err
		}
		if dest.pin != md.String() {
			return cli.Usagef("plugin-oci push: %s pins %s, but this package's manifest is %s", pos[1], dest.pin, md)
		}
	}

	src, err := dest.open(env, &o)
	if err != nil {
		return err
	}
	if l, ok := src.store.(*ociclient.Layout); ok {
		inputs := &fileio.Inputs{Command: "plugin-oci push"}
		inputs.Add("the package", pos[0])
		l.Protect(inputs)
	}
	res, err := ociclient.Push(ctx, src.store, art, tags, ociclient.WithProgress(progressFor(env)))
	if err != nil {
		var pe *ociclient.PushError
		if errors.As(err, &pe) && pe.Local {
			return pe.Err
		}
		what := "push " + pos[1]
		if errors.As(err, &pe) && pe.Tag != "" {
			what = fmt.Sprintf("tag %s as %s (the manifest itself was pushed)", pos[1], pe.Tag)
		}
		return src.wrap(err, what)
	}
	manifestURL, manifestDigest, layerDesc := res.URL, res.ManifestDigest, res.Layer

	if o.json {
		rep := pushReport{Reference: oci.RedactUserinfo(pos[1]), ManifestURL: manifestURL, ManifestDigest: manifestDigest.String(),
			Tags: slices.DeleteFunc(slices.Clone(tags), func(t string) bool { return t == "" }), ArtifactType: oci.ArtifactType, ConfigDigest: art.Config.Digest,
			LayerDigest: layerDesc.Digest, LayerSize: layerDesc.Size, PackageSHA256: strings.TrimPrefix(layerDesc.Digest, digest.Prefix),
			ID: pkg.pkg.Descriptor.ID}
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
	PackageSHA256  string   `json:"package_sha256"` // the layer (the zip) in bare hex, as in every --json
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
			return nil, cli.Usagef("plugin-oci push --oci-layout: give a tag to push as, not a digest (%s)", oci.RedactUserinfo(arg))
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
		return ref, cli.WithHint(cli.Usagef("%v", err), hint.Of(err))
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

func (d *destination) open(env *cli.Env, o *pushOptions) (*source, error) {
	if d.layoutDir != "" {
		return openLayout(d.layoutDir), nil
	}
	creds, err := o.auth.authFor(env, d.ref.Registry)
	if err != nil {
		return nil, err
	}
	return openRegistry(d.ref, &o.transport, &o.auth, creds)
}
