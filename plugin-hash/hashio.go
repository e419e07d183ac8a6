package main

import (
	"bytes"
	"crypto/sha256"
	"hash"
	"io"
	"os"
	"sync"

	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/pkgzip"
)

// sum is one digest and the byte count of what was hashed.
type sum struct {
	d    digest.Digest
	size int64
}

func newSum(d digest.Digest, size int64) sum { return sum{d: d, size: size} }

// artifactFields and packageFields are how --json spells a sum, named for what was hashed so a field
// means the same in every command: artifact_sha256 is what plugins[].signature.sha256 pins,
// package_sha256 is the zip (the OCI layer digest's hex). Both are bare lowercase hex.
type artifactFields struct {
	SHA256 string `json:"artifact_sha256"`
	Size   int64  `json:"artifact_size"`
}

type packageFields struct {
	SHA256 string `json:"package_sha256"`
	Size   int64  `json:"package_size"`
}

func (s sum) artifactFields() *artifactFields {
	return &artifactFields{SHA256: s.d.Hex(), Size: s.size}
}
func (s sum) packageFields() *packageFields { return &packageFields{SHA256: s.d.Hex(), Size: s.size} }

// readBuffers is how many buffers circulate between the reader and the hasher: one being hashed,
// one being filled, one spare so a slow read does not stall hashing.
const readBuffers = 3

// buffers holds digest.BufferSize buffers between files: hashing thousands of small files must
// not allocate (and clear) megabytes per file.
var buffers = sync.Pool{New: func() any { b := make([]byte, digest.BufferSize); return &b }}

type chunk struct {
	b   *[]byte
	n   int
	err error
}

// hashStream hashes everything r yields. An input that fits in one buffer (most plugins, every
// descriptor) is hashed right here: a second goroutine would cost more than it saves. A larger one
// is read ahead by a second goroutine, so copying from the page cache or waiting for the disk
// overlaps hashing the previous buffer (measured on a 256 MiB file: see BenchmarkHashFile).
// Memory stays at readBuffers × 1 MiB whatever the input size.
func hashStream(r io.Reader) (digest.Digest, int64, error) {
	h := sha256.New()
	first := buffers.Get().(*[]byte)
	n, err := io.ReadFull(r, *first)
	h.Write((*first)[:n])
	switch {
	case err == io.EOF || err == io.ErrUnexpectedEOF:
		buffers.Put(first)
		return digest.FromHash(h), int64(n), nil
	case err != nil:
		buffers.Put(first)
		return digest.Digest{}, int64(n), err
	}
	rest, err := hashReadAhead(r, h, first)
	if err != nil {
		return digest.Digest{}, int64(n) + rest, err
	}
	return digest.FromHash(h), int64(n) + rest, nil
}

// hashReadAhead feeds h the rest of r, read by a second goroutine into readBuffers buffers (first
// among them, already hashed), and returns the bytes it read.
func hashReadAhead(r io.Reader, h hash.Hash, first *[]byte) (int64, error) {
	full := make(chan chunk, readBuffers+1) // room for every buffer plus the final error: sends never block
	free := make(chan *[]byte, readBuffers)
	free <- first
	for range readBuffers - 1 {
		free <- buffers.Get().(*[]byte)
	}
	stop := make(chan struct{})
	go func() {
		defer close(full)
		for {
			var b *[]byte
			select {
			case b = <-free:
			case <-stop:
				return
			}
			n, err := io.ReadFull(r, *b)
			if n > 0 {
				full <- chunk{b: b, n: n}
			} else {
				free <- b
			}
			if err == io.EOF || err == io.ErrUnexpectedEOF {
				return
			}
			if err != nil {
				full <- chunk{err: err}
				return
			}
		}
	}()
	var n int64
	var err error
	for c := range full {
		if c.err != nil {
			err = c.err
			break
		}
		h.Write((*c.b)[:c.n])
		n += int64(c.n)
		free <- c.b
	}
	close(stop)
	// Buffers still held by the reader when it stops are dropped, not pooled: it may be using them.
	if err == nil {
		for range readBuffers {
			buffers.Put(<-free)
		}
	}
	return n, err
}

// zipMagic are the first four bytes of a zip with entries (a local file header) and of an empty
// zip (end of central directory): a package is recognised by its content, not its name.
var zipMagic = [][]byte{[]byte("PK\x03\x04"), []byte("PK\x05\x06")}

func isZipMagic(b []byte) bool {
	for _, m := range zipMagic {
		if len(b) >= len(m) && string(b[:len(m)]) == string(m) {
			return true
		}
	}
	return false
}

// hasZipMagic reports whether the regular file f starts like a zip.
func hasZipMagic(f *os.File) bool {
	var b [4]byte
	n, _ := f.ReadAt(b[:], 0)
	return isZipMagic(b[:n])
}

// packageSums are both digests of a package: the artifact inside (what the gateway pins) and the
// zip itself (OCI layer digest, unpack-cache key).
type packageSums struct {
	pkg      *pkgzip.Package
	artifact sum
	zip      sum
}

// hashPackage opens the zip in f (size bytes) as a package and hashes the zip and the decompressed
// artifact. A package that fits in one buffer is read into memory with one read and checked,
// hashed and inflated from there, in turn on this goroutine: a small package costs about what
// reading it costs. A larger one has both digests computed at the same time: the zip bytes are
// read once for their digest while the artifact entry is decompressed once on the other core.
// openErr is set (and err nil) when f is not a valid package; err is set when reading fails.
func hashPackage(f *os.File, size int64, name string) (p *packageSums, openErr, err error) {
	if size <= digest.BufferSize {
		return hashSmallPackage(f, size, name)
	}
	pkg, err := pkgzip.Open(f, size, name, pkgzip.DefaultLimits)
	if err != nil {
		return nil, err, nil
	}
	type result struct {
		d   digest.Digest
		n   int64
		err error
	}
	zipDone := make(chan result, 1)
	go func() {
		d, n, err := hashStream(io.NewSectionReader(f, 0, size))
		zipDone <- result{d, n, err}
	}()
	art, artN, artErr := hashArtifact(pkg)
	z := <-zipDone
	if z.err != nil {
		return nil, nil, z.err
	}
	if artErr != nil {
		return nil, nil, artErr
	}
	return &packageSums{pkg: pkg, artifact: newSum(art, artN), zip: newSum(z.d, z.n)}, nil, nil
}

// hashSmallPackage is hashPackage for a zip of at most one buffer, read whole. The buffer is sized
// to the file and not reused: the opened package keeps reading from it.
func hashSmallPackage(f *os.File, size int64, name string) (p *packageSums, openErr, err error) {
	b := make([]byte, size)
	if n, err := f.ReadAt(b, 0); n < len(b) {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF // the file shrank while it was read
		}
		return nil, nil, &os.PathError{Op: "read", Path: f.Name(), Err: err}
	}
	pkg, err := pkgzip.Open(bytes.NewReader(b), size, name, pkgzip.DefaultLimits)
	if err != nil {
		return nil, err, nil
	}
	art, artN, err := hashArtifact(pkg)
	if err != nil {
		return nil, nil, err
	}
	return &packageSums{pkg: pkg, artifact: newSum(art, artN), zip: newSum(digest.Of(b), size)}, nil, nil
}

func hashArtifact(pkg *pkgzip.Package) (digest.Digest, int64, error) {
	rc, err := pkg.Artifact()
	if err != nil {
		return digest.Digest{}, 0, err
	}
	defer rc.Close()
	return hashStream(rc)
}
