// Package digest is SHA-256 over streams, in the two spellings the gateway uses: "sha256:<hex>"
// (OCI digests, the hash command, cache sidecars) and bare lowercase hex (config pins
// plugins[].signature.sha256 and revocation lists, compared as exact strings).
package digest

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"strings"
	"sync"
)

// BufferSize is the copy buffer used for hashing streams; 1 MiB measured ~15% faster than 32 KiB.
const BufferSize = 1 << 20

// Prefix is the algorithm prefix of the OCI spelling.
const Prefix = "sha256:"

// Digest is a SHA-256 value.
type Digest [sha256.Size]byte

// Hex is the bare lowercase hex form (config pins, revocation lists).
func (d Digest) Hex() string { return hex.EncodeToString(d[:]) }

// String is the prefixed form "sha256:<hex>".
func (d Digest) String() string { return Prefix + d.Hex() }

// Short is the first 16 hex digits, as `list` prints them.
func (d Digest) Short() string { return d.Hex()[:16] }

// Of hashes b.
func Of(b []byte) Digest { return sha256.Sum256(b) }

// New returns a SHA-256 hash.Hash whose Sum can be turned into a Digest with FromHash.
func New() hash.Hash { return sha256.New() }

// FromHash reads the current sum of a SHA-256 hash.
func FromHash(h hash.Hash) Digest {
	var d Digest
	copy(d[:], h.Sum(nil))
	return d
}

// buffers keeps BufferSize copy buffers between calls: a tool hashing a directory of small files
// (cache ls) must not allocate and clear a megabyte per file.
var buffers = sync.Pool{New: func() any { b := make([]byte, BufferSize); return &b }}

// FromReader hashes everything r yields, returning the digest and the byte count.
func FromReader(r io.Reader) (Digest, int64, error) {
	h := sha256.New()
	buf := buffers.Get().(*[]byte)
	defer buffers.Put(buf)
	n, err := io.CopyBuffer(h, onlyReader{r}, *buf)
	if err != nil {
		return Digest{}, n, err
	}
	return FromHash(h), n, nil
}

// onlyReader hides a WriterTo (*os.File has one), which would make io.CopyBuffer ignore the
// buffer and copy through 32 KiB reads of its own.
type onlyReader struct{ io.Reader }

// File hashes the file at path.
func File(path string) (Digest, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return Digest{}, 0, err
	}
	defer f.Close()
	return FromReader(f)
}

// Parse accepts "sha256:<64 hex>" or bare 64 hex, either case, surrounding whitespace ignored.
func Parse(s string) (Digest, error) {
	t := strings.TrimSpace(s)
	if len(t) >= len(Prefix) && strings.EqualFold(t[:len(Prefix)], Prefix) {
		t = t[len(Prefix):]
	}
	var d Digest
	if len(t) != 2*sha256.Size {
		return d, fmt.Errorf("%q is not a SHA-256 digest: expected 64 hex digits (optionally prefixed sha256:), found %d characters", s, len(t))
	}
	if _, err := hex.Decode(d[:], []byte(t)); err != nil {
		return d, fmt.Errorf("%q is not a SHA-256 digest: it contains a character that is not a hex digit", s)
	}
	return d, nil
}
