// Package pkgzip is the package ZIP (docs/contract.md §1): a deterministic streaming writer and a strict
// reader that accepts exactly what the gateway's unpack accepts, minus what is dangerous (duplicates,
// symlinks, zip bombs), and extracts atomically.
package pkgzip

import (
	"archive/zip"
	"io/fs"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/buildinfo"
	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
	"github.com/mcpg-dev/mcpg-plugins/shared/textclip"
)

// The five entry names a package may hold, all at the archive root.
const (
	EntryDescriptor = "plugin.yaml"
	EntryNative     = "plugin.so"
	EntryWasm       = "plugin.wasm"
	EntrySignature  = "plugin.sig"
	EntryLicense    = "LICENSE"
)

// Allowed lists the entry names in pack order.
var Allowed = []string{EntryDescriptor, EntryNative, EntryWasm, EntrySignature, EntryLicense}

// Limits bound what Open and extraction accept (zip-bomb guards; not gateway contract).
type Limits struct {
	MaxEntrySize int64   // uncompressed bytes of one entry
	MaxTotalSize int64   // uncompressed bytes of all entries
	MaxRatio     float64 // uncompressed/compressed for entries larger than 1 MiB
	MaxSmallSize int64   // descriptor, signature and LICENSE are read into memory: cap them
}

// DefaultLimits suit any real plugin: 2 GiB artifact, 4 GiB total, ratio 200, 1 MiB small entries.
var DefaultLimits = Limits{MaxEntrySize: 2 << 30, MaxTotalSize: 4 << 30, MaxRatio: 200, MaxSmallSize: 1 << 20}

// ratioFloor is the size under which the ratio limit does not apply: small, very regular files
// (a LICENSE, a zero-filled test artifact) legitimately compress far better than real binaries.
const ratioFloor = 1 << 20

// Package is an opened, checked package zip.
type Package struct {
	Name         string // for messages: the file name, or "stdin"
	Size         int64  // bytes of the zip
	Descriptor   *descriptor.Descriptor
	ArtifactName string // EntryNative or EntryWasm
	ArtifactSize int64
	Signature    []byte  // nil when the package has no plugin.sig
	License      []byte  // nil when absent
	Entries      []Entry // in central-directory order

	zr        *zip.Reader
	files     map[string]*zip.File
	limits    Limits
	dirOffset int64 // the central directory, as checkLayout found it
	dirSize   int64
}

// Entry describes one member of a package, as read from the central directory or as written.
type Entry struct {
	Name           string
	Method         uint16 // zip.Store or zip.Deflate
	Size           int64  // uncompressed bytes
	CompressedSize int64
	CRC32          uint32
	Mode           fs.FileMode
	Modified       time.Time
}

// FormatError is a package that breaks a rule: a malformed zip, a forbidden or missing entry, a
// limit, corrupt data. Tools report it as a rejected input (exit 1); I/O failures are returned as
// *fs.PathError instead, naming the file that could not be read or written.
type FormatError struct {
	Name  string // the package, as in Package.Name
	Entry string // the entry concerned, "" for the zip as a whole
	Msg   string // what was expected and what was found
}

func (e *FormatError) Error() string {
	if e.Entry == "" {
		return e.Name + ": " + e.Msg
	}
	return e.Name + ": " + textclip.Clip(e.Entry) + ": " + e.Msg
}

// ValidClaim names, for shared/digestcache, the fact "this exact file passed Open and a full read of
// every entry through its CRC with this version's rules". pack vouches for what it writes; push skips
// its own full read of a file vouched for and unchanged since.
func ValidClaim() string { return "package-valid " + buildinfo.Version }
