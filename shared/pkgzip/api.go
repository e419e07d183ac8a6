// Package pkgzip is the package ZIP (contract.md §1): a deterministic streaming writer and a strict
// reader that accepts exactly what the gateway's unpack accepts, minus what is dangerous (duplicates,
// symlinks, zip bombs), and extracts atomically.
package pkgzip

import (
	"io"
	"os"

	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
)

// The five entry names a package may hold, all at the archive root.
const (
	EntryDescriptor = "plugin.yaml"
	EntryNative     = "plugin.so"
	EntryWasm       = "plugin.wasm"
	EntrySignature  = "plugin.sig"
	EntryLicense    = "LICENSE"
)

// Limits bound what Open and extraction accept (zip-bomb guards; not gateway contract).
type Limits struct {
	MaxEntrySize int64   // uncompressed bytes of one entry
	MaxTotalSize int64   // uncompressed bytes of all entries
	MaxRatio     float64 // uncompressed/compressed for entries larger than 1 MiB
	MaxSmallSize int64   // descriptor, signature and LICENSE are read into memory: cap them
}

// DefaultLimits suit any real plugin: 2 GiB artifact, 4 GiB total, ratio 200, 1 MiB small entries.
var DefaultLimits = Limits{MaxEntrySize: 2 << 30, MaxTotalSize: 4 << 30, MaxRatio: 200, MaxSmallSize: 1 << 20}

// Package is an opened, checked package zip.
type Package struct {
	Name         string // for messages: the file name, or "stdin"
	Size         int64  // bytes of the zip
	Descriptor   *descriptor.Descriptor
	ArtifactName string // EntryNative or EntryWasm
	ArtifactSize int64
	Signature    []byte // nil when the package has no plugin.sig
	License      []byte // nil when absent
	// unexported: the zip reader, entry table
}

// Open reads the central directory of a zip of size bytes and applies the gateway's unpack rules
// (contract.md §1.2, same error texts) plus duplicates, symlinks, encryption, compression methods
// other than Stored/Deflate, limits. It parses plugin.yaml with descriptor.Parse and reads the
// signature and LICENSE. name is used in messages.
func Open(r io.ReaderAt, size int64, name string, limits Limits) (*Package, error) {
	panic("not implemented")
}

// OpenFile opens a package from a path, or "-" (spooled from stdin). close releases it.
func OpenFile(path string, stdin io.Reader, limits Limits) (p *Package, close func(), err error) {
	panic("not implemented")
}

// Artifact streams the artifact entry, verifying its CRC-32 and enforcing the limits; a read error
// names the entry.
func (p *Package) Artifact() (io.ReadCloser, error) { panic("not implemented") }

// Extract writes the entries into dir (created if missing) atomically: everything is written into a
// temporary sibling directory and moved into place only when complete; on failure nothing is left.
// Existing files of the same names in dir are replaced; other files are left alone.
func (p *Package) Extract(dir string) error { panic("not implemented") }

// PackInput names what goes into a package. Signature and License are optional.
type PackInput struct {
	Descriptor   []byte   // plugin.yaml bytes, written verbatim
	Artifact     *os.File // streamed; ArtifactName decides the entry name
	ArtifactName string   // EntryNative or EntryWasm
	Signature    []byte
	License      []byte
	ModTime      int64 // Unix seconds for every entry; 0 means 1980-01-01 00:00:00 (reproducible)
}

// Write writes a byte-reproducible package: entries in the order plugin.yaml, artifact, plugin.sig,
// LICENSE; Deflate; modes 0644 (artifact 0755) with S_IFREG; fixed timestamps; no directories,
// comments or extra fields. It returns the bytes written.
func Write(w io.Writer, in PackInput) (int64, error) { panic("not implemented") }
