package main

import (
	"crypto/sha256"
	"io"
	"os"

	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/pkgzip"
)

// sum is one digest in both spellings plus the byte count, as --json prints it.
type sum struct {
	SHA256 string `json:"sha256"` // bare lowercase hex (config pins)
	Digest string `json:"digest"` // sha256:<hex> (OCI spelling)
	Size   int64  `json:"size"`
}

func newSum(d digest.Digest, size int64) sum {
	return sum{SHA256: d.Hex(), Digest: d.String(), Size: size}
}

// readBuffers is how many buffers circulate between the reader and the hasher: one being hashed,
// one being filled, one spare so a slow read does not stall hashing.
const readBuffers = 3

type chunk struct {
	b   []byte
	err error
}

// hashStream hashes everything r yields. A second goroutine reads ahead into digest.BufferSize
// buffers, so copying from the page cache or waiting for the disk overlaps hashing the previous
// buffer (measured on a 256 MiB file: see the report in BenchmarkHashFile). Memory stays at
// readBuffers × 1 MiB whatever the input size.
func hashStream(r io.Reader) (digest.Digest, int64, error) {
	full := make(chan chunk, readBuffers+1) // room for every buffer plus the final error: sends never block
	free := make(chan []byte, readBuffers)
	for range readBuffers {
		free <- make([]byte, digest.BufferSize)
	}
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		defer close(full)
		for {
			var b []byte
			select {
			case b = <-free:
			case <-stop:
				return
			}
			n, err := io.ReadFull(r, b)
			if n > 0 {
				full <- chunk{b: b[:n]}
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
	h := sha256.New()
	var n int64
	for c := range full {
		if c.err != nil {
			return digest.Digest{}, n, c.err
		}
		h.Write(c.b)
		n += int64(len(c.b))
		free <- c.b[:cap(c.b)]
	}
	return digest.FromHash(h), n, nil
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
// artifact at the same time: the zip bytes are read once for their digest while the artifact entry
// is decompressed once on the other core. openErr is set (and err nil) when f is not a valid
// package; err is set when reading fails.
func hashPackage(f *os.File, size int64, name string) (p *packageSums, openErr, err error) {
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

func hashArtifact(pkg *pkgzip.Package) (digest.Digest, int64, error) {
	rc, err := pkg.Artifact()
	if err != nil {
		return digest.Digest{}, 0, err
	}
	defer rc.Close()
	return hashStream(rc)
}
