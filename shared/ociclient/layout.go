package ociclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/types"

	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
)

// An OCI image layout directory (image-spec image-layout.md, what `oras --oci-layout` and
// `crane push/pull --format oci` use): oci-layout, index.json listing the manifests (a tag is the
// org.opencontainers.image.ref.name annotation), blobs/sha256/<hex>. It needs no server, so it
// carries packages into air-gapped networks.
//
// The index and blob types are go-containerregistry's; the writing is done here rather than with
// its pkg/v1/layout because that writes blobs and index.json in place (a crash leaves a truncated
// blob that it later trusts by name) — here every file is written to a temporary name and renamed,
// and an existing blob is used only after its hash is checked.

const (
	RefNameAnnotation = "org.opencontainers.image.ref.name"
	layoutFileName    = "oci-layout"
	layoutFile        = `{"imageLayoutVersion":"1.0.0"}` + "\n"
	indexFileName     = "index.json"
)

// Layout is an OCI image layout directory.
type Layout struct {
	dir    string
	inputs *fileio.Inputs // files no write may replace (the package being pushed)
}

// NewLayout is the layout in dir; nothing is read or created until the first operation.
func NewLayout(dir string) *Layout { return &Layout{dir: dir} }

// Protect makes every write into the layout refuse to replace one of inputs (a package pushed
// from inside the layout may be read from it, and is kept when it already is the right blob).
func (s *Layout) Protect(inputs *fileio.Inputs) { s.inputs = inputs }

func (s *Layout) blobPath(d string) string {
	algo, hex, _ := strings.Cut(d, ":")
	return filepath.Join(s.dir, "blobs", algo, hex)
}

// Prepare does nothing: a directory needs no connection.
func (s *Layout) Prepare(context.Context) error { return nil }

// PushBlob writes b unless a file with its digest and size is already there and hashes right.
func (s *Layout) PushBlob(ctx context.Context, b Blob) error {
	if b.Digest == "" {
		d, err := b.Pending.Wait(ctx)
		if err != nil {
			return err
		}
		b.Digest = d.String()
	}
	path := s.blobPath(b.Digest)
	if s.haveBlob(path, b.Descriptor) {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o777); err != nil {
		return fileio.IOError("create", filepath.Dir(path), err)
	}
	rc, err := b.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	out, err := s.inputs.CreateAtomic("the blob", path, 0o644)
	if err != nil {
		return err
	}
	defer out.Abort()
	h := digest.New()
	n, err := io.CopyBuffer(io.MultiWriter(out, h), rc, make([]byte, digest.BufferSize))
	if err != nil {
		return err
	}
	if got := digest.FromHash(h).String(); got != b.Digest || n != b.Size {
		return failf("%s: the content changed while it was copied (%s, %d bytes; expected %s, %d bytes)", path, got, n, b.Digest, b.Size)
	}
	return out.Commit()
}

func (s *Layout) haveBlob(path string, d oci.Descriptor) bool {
	st, err := os.Stat(path)
	if err != nil || !st.Mode().IsRegular() || st.Size() != d.Size {
		return false
	}
	got, _, err := digest.File(path)
	return err == nil && got.String() == d.Digest
}

// PushManifest stores the manifest blob and lists it in index.json under tag.
func (s *Layout) PushManifest(ctx context.Context, tag string, raw []byte, d digest.Digest) (string, error) {
	desc := oci.Descriptor{MediaType: oci.ManifestMediaType, Digest: d.String(), Size: int64(len(raw))}
	if err := s.PushBlob(ctx, Blob{Descriptor: desc, Open: func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(raw)), nil
	}}); err != nil {
		return "", err
	}
	if err := s.ensureLayoutFile(); err != nil {
		return "", err
	}
	if err := s.inputs.Check("the index", filepath.Join(s.dir, indexFileName)); err != nil {
		return "", err // before it is read as one
	}
	idx, err := s.readIndex(true)
	if err != nil {
		return "", err
	}
	h, err := v1.NewHash(d.String())
	if err != nil {
		return "", err
	}
	entry := v1.Descriptor{MediaType: types.OCIManifestSchema1, Digest: h, Size: int64(len(raw)), ArtifactType: oci.ArtifactType}
	if tag != "" {
		entry.Annotations = map[string]string{RefNameAnnotation: tag}
	}
	// One entry per tag (a tag moves, as on a registry); an untagged manifest is listed once.
	idx.Manifests = slices.DeleteFunc(idx.Manifests, func(m v1.Descriptor) bool {
		if tag != "" {
			return m.Annotations[RefNameAnnotation] == tag
		}
		return m.Digest == h && m.Annotations[RefNameAnnotation] == ""
	})
	idx.Manifests = append(idx.Manifests, entry)
	out, err := json.MarshalIndent(idx, "", "  ")
	if err != nil {
		return "", err
	}
	if err := s.inputs.WriteFileAtomic("the index", filepath.Join(s.dir, indexFileName), append(out, '\n'), 0o644); err != nil {
		return "", err
	}
	return s.blobPath(d.String()), nil
}

func (s *Layout) ensureLayoutFile() error {
	path := filepath.Join(s.dir, layoutFileName)
	if _, err := os.Stat(path); err == nil {
		return s.checkLayoutFile()
	}
	if err := os.MkdirAll(s.dir, 0o777); err != nil {
		return fileio.IOError("create", s.dir, err)
	}
	return s.inputs.WriteFileAtomic("the layout marker", path, []byte(layoutFile), 0o644)
}

// checkLayoutFile refuses a directory that is not an image layout of a version we know.
func (s *Layout) checkLayoutFile() error {
	path := filepath.Join(s.dir, layoutFileName)
	raw, err := fileio.ReadSmall(path, 64<<10, layoutFileWhat)
	if errors.Is(err, fs.ErrNotExist) {
		if st, serr := os.Stat(s.dir); serr != nil {
			return fileio.IOError("read", s.dir, serr)
		} else if !st.IsDir() {
			return failf("--oci-layout %s: not a directory", s.dir)
		}
		return failf("--oci-layout %s: not an OCI image layout (no %s file)", s.dir, layoutFileName)
	}
	if err != nil {
		return layoutReadError(err)
	}
	var lf struct {
		Version string `json:"imageLayoutVersion"`
	}
	if err := json.Unmarshal(raw, &lf); err != nil || !strings.HasPrefix(lf.Version, "1.") {
		return failf("%s: expected {\"imageLayoutVersion\": \"1.0.0\"}, found %s", path, clip(strings.TrimSpace(string(raw))))
	}
	return nil
}

// readIndex reads index.json; missing is an empty index when the caller is about to create it.
func (s *Layout) readIndex(createIfMissing bool) (*v1.IndexManifest, error) {
	path := filepath.Join(s.dir, indexFileName)
	raw, err := fileio.ReadSmall(path, maxIndexSize, layoutFileWhat)
	if errors.Is(err, fs.ErrNotExist) && createIfMissing {
		return &v1.IndexManifest{SchemaVersion: 2, MediaType: types.OCIImageIndex}, nil
	}
	if err != nil {
		return nil, layoutReadError(err)
	}
	var idx v1.IndexManifest
	if err := json.Unmarshal(raw, &idx); err != nil {
		return nil, failf("%s: not a valid image index: %v", path, err)
	}
	return &idx, nil
}

// lookup finds the index entry for ident: the last one tagged ident, or one with that digest.
func (s *Layout) lookup(ident string) (*v1.Descriptor, error) {
	if err := s.checkLayoutFile(); err != nil {
		return nil, err
	}
	idx, err := s.readIndex(false)
	if err != nil {
		return nil, err
	}
	var tags []string
	for i := len(idx.Manifests) - 1; i >= 0; i-- {
		m := &idx.Manifests[i]
		if m.Annotations[RefNameAnnotation] == ident || m.Digest.String() == ident {
			return m, nil
		}
		if t := m.Annotations[RefNameAnnotation]; t != "" {
			tags = append(tags, t)
		}
	}
	if strings.HasPrefix(ident, digest.Prefix) {
		return nil, nil // not listed, but the blob may still be there
	}
	slices.Sort(tags)
	have := "it has no tags"
	if len(tags) > 0 {
		have = "it has " + strings.Join(slices.Compact(tags), ", ")
	}
	return nil, failf("--oci-layout %s: no manifest tagged %q (%s)", s.dir, ident, have)
}

// FetchManifest reads the manifest ident names, checked against index.json.
func (s *Layout) FetchManifest(_ context.Context, ident string) ([]byte, string, digest.Digest, error) {
	var none digest.Digest
	entry, err := s.lookup(ident)
	if err != nil {
		return nil, "", none, err
	}
	d, mediaType, size := ident, "", int64(-1)
	if entry != nil {
		d, mediaType, size = entry.Digest.String(), string(entry.MediaType), entry.Size
	}
	if !strings.HasPrefix(d, digest.Prefix) {
		return nil, "", none, failf("--oci-layout %s: manifest %s is not addressed by sha256", s.dir, d)
	}
	path := s.blobPath(d)
	raw, err := fileio.ReadSmall(path, oci.MaxManifestSize, "a manifest")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", none, failf("--oci-layout %s: no manifest %s (blob %s is missing)", s.dir, ident, path)
	}
	if err != nil {
		return nil, "", none, layoutReadError(err)
	}
	got := digest.Of(raw)
	if got.String() != d || (size >= 0 && int64(len(raw)) != size) {
		return nil, "", none, failf("%s: content is %s (%d bytes); index.json promises %s (%d bytes)", path, got, len(raw), d, size)
	}
	if mediaType == "" {
		var probe struct {
			MediaType string `json:"mediaType"`
		}
		json.Unmarshal(raw, &probe)
		mediaType = probe.MediaType
	}
	return raw, mediaType, got, nil
}

// FetchBlob opens blob d, refusing a size other than size. A blob that is a pipe is streamed
// (bounded wait for its first byte; the copy checks its size and digest); a directory or a device
// is refused unopened.
func (s *Layout) FetchBlob(_ context.Context, d string, size int64) (io.ReadCloser, error) {
	path := s.blobPath(d)
	f, err := fileio.Open(path, "a blob")
	if errors.Is(err, fs.ErrNotExist) {
		return nil, failf("--oci-layout %s: blob %s is missing", s.dir, d)
	}
	if err != nil {
		return nil, layoutReadError(err)
	}
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() != size {
		f.Close()
		return nil, failf("%s: %d bytes; the manifest says %d", path, st.Size(), size)
	}
	return f, nil
}

// maxIndexSize bounds index.json: a layout is a directory anyone may hand us, and thousands of
// tags fit in far less.
const maxIndexSize = 16 << 20

const layoutFileWhat = "an OCI layout file"

// layoutReadError keeps a file that could not be read an I/O failure and makes any other refusal
// of fileio.ReadSmall (too large, a directory) a failed check of the layout.
func layoutReadError(err error) error {
	var fe *fileio.Error
	if errors.As(err, &fe) {
		return err
	}
	return &CheckError{Msg: err.Error()}
}
