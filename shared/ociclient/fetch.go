package ociclient

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
	"github.com/mcpg-dev/mcpg-plugins/shared/pkgzip"
	"github.com/mcpg-dev/mcpg-plugins/shared/retry"
)

// MaxLayerSize bounds what a pull downloads: a package holds at most pkgzip.DefaultLimits in all.
var MaxLayerSize = pkgzip.DefaultLimits.MaxTotalSize + 64<<20

// Target is one manifest to fetch from a store.
type Target struct {
	Display  string // the reference as reported
	Ident    string // a tag or "sha256:<hex>" in the store
	Pin      string // "sha256:<hex>" the manifest's digest must be, or ""
	Platform string // the gateway platform token an image index is resolved for
	// StrictIndexPin refuses a pin of the image index, as the gateway does; without it, it warns.
	StrictIndexPin bool
}

// Fetched is what Fetch checked and received.
type Fetched struct {
	ManifestDigest string
	IndexDigest    string // when the reference named an image index
	Layer          oci.Descriptor
	Config         *oci.Config // nil when the config blob did not parse (the gateway ignores it then)
}

// BlobError says which blob a transfer failure concerns.
type BlobError struct {
	Kind   string // "config" or "layer"
	Digest string
	Err    error
}

func (e *BlobError) Error() string { return e.Err.Error() }
func (e *BlobError) Unwrap() error { return e.Err }

// PackageError is a layer that arrived intact but does not open as a package.
type PackageError struct{ Err error }

func (e *PackageError) Error() string { return e.Err.Error() }
func (e *PackageError) Unwrap() error { return e.Err }

// Fetch fetches and checks everything for t — manifest (through an index to t.Platform's),
// pin, config, layer, and that the layer opens as a package — and leaves the verified zip in dl.
func Fetch(ctx context.Context, st Store, t Target, dl *Download, opts ...Option) (*Fetched, error) {
	o := makeOptions(opts)
	res := &Fetched{}
	raw, mediaType, d, err := st.FetchManifest(ctx, t.Ident)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(t.Ident, digest.Prefix) && d.String() != t.Ident {
		return nil, failf("%s: manifest digest mismatch: the registry sent a manifest with digest %s for %s; nothing was written", t.Display, d, t.Ident)
	}
	if isIndex(mediaType, raw) {
		res.IndexDigest = d.String()
		plat, err := pickPlatform(raw, t.Platform, t.Display)
		if err != nil {
			return nil, err
		}
		if raw, _, d, err = st.FetchManifest(ctx, plat.Digest.String()); err != nil {
			return nil, err
		}
		if d.String() != plat.Digest.String() {
			return nil, failf("%s: manifest digest mismatch: the registry sent a platform manifest with digest %s for the index's %s; nothing was written", t.Display, d, plat.Digest)
		}
	}
	res.ManifestDigest = d.String()
	if t.Pin != "" && t.Pin != res.ManifestDigest {
		switch {
		case t.Pin == res.IndexDigest && !t.StrictIndexPin:
			o.warnf("%s pins an image index; the gateway compares a pin with the platform manifest's digest (%s) and would refuse this reference — pin that digest instead", t.Display, res.ManifestDigest)
		case t.Pin == res.IndexDigest:
			return nil, failf("%s: pinned digest %s is the image index's; the gateway compares it with the platform manifest's %s and refuses the pull, as this does; nothing was written", t.Display, t.Pin, res.ManifestDigest)
		default:
			return nil, failf("%s: pinned digest %s does not match the manifest's %s; nothing was written", t.Display, t.Pin, res.ManifestDigest)
		}
	}
	m, err := oci.ParseManifest(raw)
	if err != nil {
		return nil, failf("%s: %v; nothing was written", t.Display, err)
	}
	res.Layer = m.Layer()

	if m.Config.Size > oci.MaxConfigSize {
		return nil, failf("%s: the config blob is %d bytes; at most %d are accepted", t.Display, m.Config.Size, oci.MaxConfigSize)
	}
	var cfg bytes.Buffer
	if err := fetchVerified(ctx, st, m.Config, "config", o, nil, func() (io.Writer, error) { cfg.Reset(); return &cfg, nil }); err != nil {
		return nil, err
	}
	if m.Config.MediaType == oci.ConfigMediaType {
		if res.Config, err = oci.ParseConfig(cfg.Bytes()); err != nil {
			o.warnf("%s: ignoring the config blob (%v), as the gateway does", t.Display, err)
		}
	}

	if res.Layer.Size > MaxLayerSize {
		return nil, failf("%s: the layer is %d bytes, more than any package may hold (%d)", t.Display, res.Layer.Size, MaxLayerSize)
	}
	prog := o.startProgress("pulling", res.Layer.Size)
	err = fetchVerified(ctx, st, res.Layer, "layer", o, prog, dl.reset)
	finishProgress(prog)
	if err != nil {
		return nil, err
	}
	if _, err := pkgzip.Open(dl.f, res.Layer.Size, t.Display, pkgzip.DefaultLimits); err != nil {
		return nil, &PackageError{Err: err}
	}
	return res, nil
}

// fetchVerified copies blob d into the writer reset returns (called again for each attempt),
// hashing on the way; it fails unless exactly d.Size bytes hashing to d.Digest arrived.
func fetchVerified(ctx context.Context, st Store, d oci.Descriptor, kind string, o *options, prog Progress, reset func() (io.Writer, error)) error {
	buf := make([]byte, digest.BufferSize)
	var transferErr error
	err := o.retry.Do(ctx, func(retry.Attempt) error {
		w, err := reset()
		if err != nil {
			return retry.Stop(err)
		}
		transferErr = copyBlob(ctx, st, d, kind, w, prog, buf)
		return transferErr
	})
	if err == nil || err != transferErr || isFinal(err) {
		return err // done, a wait cut short, a local failure, or a failed check
	}
	return &BlobError{Kind: kind, Digest: d.Digest, Err: err}
}

func copyBlob(ctx context.Context, st Store, d oci.Descriptor, kind string, w io.Writer, prog Progress, buf []byte) error {
	rc, err := st.FetchBlob(ctx, d.Digest, d.Size)
	if err != nil {
		return err
	}
	defer rc.Close()
	h := digest.New()
	n, err := io.CopyBuffer(io.MultiWriter(w, h), progressReader(prog, io.NopCloser(io.LimitReader(rc, d.Size+1))), buf)
	if err != nil {
		return err
	}
	if got := digest.FromHash(h).String(); n != d.Size || got != d.Digest {
		return failf("%s %s: digest mismatch: received %d bytes with digest %s, the manifest says %d bytes; nothing was written", kind, d.Digest, n, got, d.Size)
	}
	return nil
}

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
		return nil, failf("%s: not a valid image index: %v", display, err)
	}
	goos, arch := PlatformOSArch(token)
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
	return nil, failf("%s is an image index without a manifest for %s/%s (it has: %s)", display, goos, arch, strings.Join(have, ", "))
}
