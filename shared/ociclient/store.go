// Package ociclient pushes and pulls MCPG plugin packages as OCI artifacts: a Store (a registry
// repository or an OCI image layout directory) that only stores, and the engine over it — the
// upload orchestration (Push), the gateway's resolution order (Plan), fetching with every byte
// checked (Fetch) and the temporary file a pull lands in (Download). Retry policy comes in as
// values (Config, WithRetry); failures come out typed (CheckError, RegistryError, I/O errors) for
// the command line to word and to map onto exit codes.
package ociclient

import (
	"context"
	"io"
	"strings"

	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
)

// Store is where packages are pushed to and pulled from: a registry repository (Registry) or an
// OCI image layout directory (Layout). Every byte that comes out of FetchManifest has been checked
// against the digests the store itself announced; FetchBlob leaves verification to the caller,
// who hashes while copying.
type Store interface {
	// Prepare connects for pushing (once; later calls do nothing), so blobs can then be pushed
	// concurrently.
	Prepare(ctx context.Context) error
	// PushBlob uploads a blob unless the store already has it.
	PushBlob(ctx context.Context, b Blob) error
	// PushManifest stores raw under tag ("" for untagged) and returns where it can be fetched.
	PushManifest(ctx context.Context, tag string, raw []byte, d digest.Digest) (url string, err error)
	// FetchManifest returns the manifest (or index) ident names (a tag or "sha256:<hex>"), its
	// media type as announced, and its digest, checked against the store's own claims.
	FetchManifest(ctx context.Context, ident string) (raw []byte, mediaType string, d digest.Digest, err error)
	// FetchBlob streams the blob d of the given size.
	FetchBlob(ctx context.Context, d string, size int64) (io.ReadCloser, error)
}

// Blob is content to upload: a descriptor and a way to read it (again, on retries). Digest is ""
// while Pending computes it.
type Blob struct {
	oci.Descriptor
	Pending *DigestFuture
	Open    func() (io.ReadCloser, error)
}

// BytesBlob is a small blob held in memory.
func BytesBlob(d oci.Descriptor, b []byte) Blob {
	return Blob{Descriptor: d, Open: func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(string(b))), nil }}
}

// DigestFuture is a digest being computed in the background.
type DigestFuture struct {
	done  chan struct{}
	d     digest.Digest
	err   error
	known bool // see KnownDigest
}

// ComputeDigest runs f in the background.
func ComputeDigest(f func() (digest.Digest, error)) *DigestFuture {
	df := &DigestFuture{done: make(chan struct{})}
	go func() {
		defer close(df.done)
		df.d, df.err = f()
	}()
	return df
}

// KnownDigest is a digest settled before any upload (remembered, or hashed while spooling stdin).
// Only such digests choose the monolithic upload: whether a background hash happens to finish
// before the upload starts must not change which requests are sent.
func KnownDigest(d digest.Digest) *DigestFuture {
	df := &DigestFuture{done: make(chan struct{}), d: d, known: true}
	close(df.done)
	return df
}

// Wait returns the digest once computed.
func (df *DigestFuture) Wait(ctx context.Context) (digest.Digest, error) {
	select {
	case <-df.done:
		return df.d, df.err
	case <-ctx.Done():
		return digest.Digest{}, ctx.Err()
	}
}
