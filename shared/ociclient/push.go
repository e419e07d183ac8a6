package ociclient

import (
	"context"
	"io"
	"net/http"

	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
)

// Artifact is a package to publish: the zip as the layer and its config blob. The zip's digest
// may still be computing (LayerDigest) while the upload starts; the manifest is built once it is
// known.
type Artifact struct {
	Size        int64                         // of the zip
	Open        func() (io.ReadCloser, error) // reads the zip, again on each upload attempt
	LayerDigest *DigestFuture                 // the zip's digest
	Config      oci.Descriptor                // the config blob's descriptor
	ConfigJSON  []byte                        // the config blob
	// Rehash, when set, says LayerDigest is only a remembered claim: if a registry refuses it,
	// Rehash is called for a freshly computed one and the layer is sent again.
	Rehash func() *DigestFuture
	// Title, when set, annotates the layer with it (oci.TitleAnnotation) so that ORAS pulls the
	// zip under that name; the manifest is then no longer the reference push's bytes.
	Title string
}

// Manifest is the exact manifest for the artifact, once the zip's digest is known.
func (a *Artifact) Manifest(ctx context.Context) (layer oci.Descriptor, raw []byte, d digest.Digest, err error) {
	zd, err := a.LayerDigest.Wait(ctx)
	if err != nil {
		return layer, nil, d, err
	}
	layer = oci.Descriptor{MediaType: oci.LayerMediaType, Digest: zd.String(), Size: a.Size, Title: a.Title}
	raw = oci.ManifestJSON(a.Config, layer)
	return layer, raw, digest.Of(raw), nil
}

// ForgetDigest replaces a remembered layer digest by a freshly computed one (a pin is checked,
// or a registry refused the claim); a computed digest stays.
func (a *Artifact) ForgetDigest() {
	if a.Rehash != nil {
		a.LayerDigest, a.Rehash = a.Rehash(), nil
	}
}

// Pushed is what Push published.
type Pushed struct {
	Layer          oci.Descriptor
	Manifest       []byte
	ManifestDigest digest.Digest
	URL            string // where the manifest under the first tag can be fetched
}

// PushError says which step of Push failed, for the caller's message.
type PushError struct {
	// Tag is set when tagging failed after the manifest was already pushed under the first tag.
	Tag string
	// Local: the zip's digest could not be computed; the store is not to blame.
	Local bool
	Err   error
}

func (e *PushError) Error() string { return e.Err.Error() }
func (e *PushError) Unwrap() error { return e.Err }

// Push uploads the config and the layer (side by side, the small config on its own connection),
// then the manifest under each tag in order ("" pushes it by digest alone).
func Push(ctx context.Context, st Store, a *Artifact, tags []string, opts ...Option) (*Pushed, error) {
	o := makeOptions(opts)
	if err := st.Prepare(ctx); err != nil {
		return nil, &PushError{Err: err}
	}
	prog := o.startProgress("pushing", a.Size)
	layer := Blob{Descriptor: oci.Descriptor{MediaType: oci.LayerMediaType, Size: a.Size}, Pending: a.LayerDigest,
		Open: func() (io.ReadCloser, error) {
			rc, err := a.Open()
			if err != nil {
				return nil, err
			}
			return progressReader(prog, rc), nil
		}}
	configDone := make(chan error, 1)
	go func() { configDone <- st.PushBlob(ctx, BytesBlob(a.Config, a.ConfigJSON)) }()
	err := st.PushBlob(ctx, layer)
	if se := statusErrorOf(err); se != nil && a.Rehash != nil && se.StatusCode == http.StatusBadRequest {
		// The registry disagrees with the remembered digest: forget it, hash, upload again.
		a.ForgetDigest()
		layer.Pending = a.LayerDigest
		err = st.PushBlob(ctx, layer)
	}
	finishProgress(prog)
	if cerr := <-configDone; err == nil {
		err = cerr
	}
	if err != nil {
		return nil, &PushError{Err: err}
	}
	res := &Pushed{}
	if res.Layer, res.Manifest, res.ManifestDigest, err = a.Manifest(ctx); err != nil {
		return nil, &PushError{Local: true, Err: err}
	}
	for i, tag := range tags {
		u, err := st.PushManifest(ctx, tag, res.Manifest, res.ManifestDigest)
		if err != nil {
			pe := &PushError{Err: err}
			if i > 0 {
				pe.Tag = tag
			}
			return nil, pe
		}
		if i == 0 {
			res.URL = u
		}
	}
	return res, nil
}
