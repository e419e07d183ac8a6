package pkgzip

import (
	"archive/zip"
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"io/fs"
	"os"
	"slices"
	"sort"
	"strings"
	"unicode"

	"github.com/klauspost/compress/flate"
	"github.com/mcpg-dev/mcpg-plugins/shared/descriptor"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
	"github.com/mcpg-dev/mcpg-plugins/shared/textclip"
)

// Bounds on the zip structure itself, checked before archive/zip allocates anything for it.
const (
	maxEntries       = 64      // a package has at most 5; more is reported without reading them all
	maxDirectorySize = 1 << 20 // central directory bytes (5 entries take well under 1 KiB)
)

// Open reads the central directory of a zip of size bytes and applies the gateway's unpack rules
// (docs/contract.md §1.2, same error texts) plus duplicates, symlinks, encryption, compression methods
// other than Stored/Deflate, limits. It parses plugin.yaml with descriptor.Parse and reads the
// signature and LICENSE. name is used in messages. Errors are *FormatError, or *fs.PathError
// when r cannot be read.
func Open(r io.ReaderAt, size int64, name string, limits Limits) (*Package, error) {
	p := &Package{Name: name, Size: size, limits: limits, files: map[string]*zip.File{}}
	if err := p.checkLayout(r, size); err != nil {
		return nil, err
	}
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) { // names are judged below, one by one
		return nil, p.zipErr("", err)
	}
	zr.RegisterDecompressor(zip.Deflate, func(r io.Reader) io.ReadCloser { return flate.NewReader(r) })
	p.zr = zr

	var total uint64
	for _, f := range zr.File {
		if err := p.checkEntry(f); err != nil {
			return nil, err
		}
		total += f.UncompressedSize64
		if total > uint64(limits.MaxTotalSize) {
			return nil, p.reject(f.Name, "entries declare more than %d bytes in total (the limit against zip bombs)", limits.MaxTotalSize)
		}
		p.files[f.Name] = f
		p.Entries = append(p.Entries, Entry{Name: f.Name, Method: f.Method, Size: int64(f.UncompressedSize64),
			CompressedSize: int64(f.CompressedSize64), CRC32: f.CRC32, Mode: f.Mode(), Modified: f.Modified})
	}
	if err := p.checkLocalHeaders(r); err != nil {
		return nil, err
	}
	if err := p.checkOverlap(); err != nil {
		return nil, err
	}
	native, wasm := p.files[EntryNative], p.files[EntryWasm]
	switch {
	case p.files[EntryDescriptor] == nil:
		return nil, p.reject("", "packaged plugin is missing plugin.yaml")
	case native == nil && wasm == nil:
		return nil, p.reject("", "packaged plugin is missing its artifact (neither plugin.so nor plugin.wasm)")
	case native != nil && wasm != nil:
		return nil, p.reject("", `packaged plugin must contain exactly one of plugin.so or plugin.wasm; found ["plugin.so", "plugin.wasm"]`)
	case native != nil:
		p.ArtifactName = EntryNative
	default:
		p.ArtifactName = EntryWasm
	}
	p.ArtifactSize = int64(p.files[p.ArtifactName].UncompressedSize64)

	raw, err := p.readSmall(EntryDescriptor)
	if err != nil {
		return nil, err
	}
	d, err := descriptor.Parse(raw)
	if err != nil {
		return nil, p.reject(EntryDescriptor, "invalid descriptor in package: %v", err)
	}
	p.Descriptor = d
	// Ours, after the gateway's rules: its unpack accepts an empty artifact that no loader can
	// load; every tool refuses it here, with one message (docs/contract.md §1.2).
	if p.ArtifactSize == 0 {
		return nil, p.reject(p.ArtifactName, "the artifact is empty")
	}
	if p.files[EntrySignature] != nil {
		if p.Signature, err = p.readSmall(EntrySignature); err != nil {
			return nil, err
		}
	}
	if p.files[EntryLicense] != nil {
		if p.License, err = p.readSmall(EntryLicense); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// OpenFile opens a package from a path, or "-" (spooled from stdin). close releases it.
func OpenFile(path string, stdin io.Reader, limits Limits) (p *Package, close func(), err error) {
	f, closeFile, err := fileio.OpenFile(path, stdin)
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err != nil {
		closeFile()
		return nil, nil, fileio.IOError("read", fileio.DisplayName(path), err)
	}
	p, err = Open(f, st.Size(), fileio.DisplayName(path), limits)
	if err != nil {
		closeFile()
		return nil, nil, err
	}
	return p, closeFile, nil
}

func (p *Package) reject(entry, format string, a ...any) error {
	return &FormatError{Name: p.Name, Entry: entry, Msg: fmt.Sprintf(format, a...)}
}

// zipErr turns archive/zip and deflate errors into findings; real read failures stay I/O errors.
func (p *Package) zipErr(entry string, err error) error {
	var pe *fs.PathError
	var ce flate.CorruptInputError
	switch {
	case errors.As(err, &pe):
		return pe
	case errors.Is(err, zip.ErrChecksum):
		return p.reject(entry, "CRC-32 mismatch: the data is corrupt")
	case errors.Is(err, zip.ErrAlgorithm):
		return p.reject(entry, "unsupported compression method")
	case errors.As(err, &ce):
		return p.reject(entry, "corrupt deflate data at byte %d of the compressed entry", int64(ce))
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		if entry == "" {
			return p.reject("", "not a valid zip: the file is truncated")
		}
		return p.reject(entry, "truncated: the data ends before its declared size")
	case errors.Is(err, zip.ErrFormat):
		if entry == "" {
			return p.reject("", "not a valid zip: no readable central directory (truncated or not a zip file)")
		}
		return p.reject(entry, "corrupt entry: %v", err)
	case entry == "":
		return p.reject("", "not a valid zip: %v", err)
	}
	return p.reject(entry, "%v", err)
}

// checkLayout parses the end of central directory record as archive/zip will, and refuses what
// it would accept but a package must not have: data before the first entry or after the end
// record, multi-disk archives, and central directories too large to be a package (archive/zip
// would preallocate for every declared record).
func (p *Package) checkLayout(r io.ReaderAt, size int64) error {
	if size == 0 {
		return p.reject("", "not a valid zip: the file is empty")
	}
	if size < 22 {
		return p.reject("", "not a valid zip: only %d bytes (an empty zip has 22)", size)
	}
	tail := make([]byte, min(size, 65*1024+22))
	if _, err := r.ReadAt(tail, size-int64(len(tail))); err != nil && err != io.EOF {
		return p.zipErr("", err)
	}
	end := -1
	for i := len(tail) - 22; i >= 0; i-- {
		if binary.LittleEndian.Uint32(tail[i:]) == sigEnd {
			if n := int(binary.LittleEndian.Uint16(tail[i+20:])); i+22+n <= len(tail) {
				end = i
			}
			break
		}
	}
	if end < 0 {
		return p.reject("", "not a valid zip: no end of central directory record (truncated or not a zip file)")
	}
	le := binary.LittleEndian
	e := tail[end:]
	endOff := size - int64(len(tail)) + int64(end)
	if trailing := size - (endOff + 22 + int64(le.Uint16(e[20:]))); trailing > 0 {
		return p.reject("", "not a valid package: %d bytes of trailing data after the end of the zip", trailing)
	}
	if le.Uint16(e[4:]) != 0 || le.Uint16(e[6:]) != 0 || le.Uint16(e[8:]) != le.Uint16(e[10:]) {
		return p.reject("", "not a valid package: a multi-disk (split or spanned) zip")
	}
	records, dirSize, dirOff := uint64(le.Uint16(e[10:])), uint64(le.Uint32(e[12:])), uint64(le.Uint32(e[16:]))
	dirEnd := uint64(endOff)
	// A zip64 end record sits between the directory and the end record. Its values count only
	// when the 32-bit ones are saturated (as archive/zip reads it), but some writers (Python's
	// zipfile) add one without saturating them.
	z64, ok, err := readZip64End(r, endOff)
	switch {
	case err != nil && (records == 0xffff || dirSize == 0xffffffff || dirOff == 0xffffffff):
		return p.zipErr("", err)
	case ok && (records == 0xffff || dirSize == 0xffffffff || dirOff == 0xffffffff):
		records, dirSize, dirOff, dirEnd = z64.records, z64.size, z64.offset, z64.at
	case ok:
		dirEnd = z64.at
	}
	switch {
	case records > maxEntries:
		return p.reject("", "not a valid package: the zip has %d entries; a package holds at most 5 (plugin.yaml, plugin.so or plugin.wasm, plugin.sig, LICENSE)", records)
	case dirSize > maxDirectorySize:
		return p.reject("", "not a valid package: a central directory of %d bytes (at most %d)", dirSize, maxDirectorySize)
	case dirOff+dirSize != dirEnd:
		return p.reject("", "not a valid package: the central directory (offset %d, %d bytes) does not end where the end record starts (%d); data was prepended, appended or the file is corrupt", dirOff, dirSize, dirEnd)
	}
	p.dirOffset, p.dirSize = int64(dirOff), int64(dirSize)
	if records > 0 {
		var magic [4]byte
		if _, err := r.ReadAt(magic[:], 0); err != nil {
			return p.zipErr("", err)
		}
		if le.Uint32(magic[:]) != sigLocal {
			return p.reject("", "not a valid package: the file does not start with a zip entry (found bytes %x; a self-extractor or prepended data?)", magic)
		}
	}
	return nil
}

type zip64End struct{ records, size, offset, at uint64 }

// readZip64End follows the zip64 locator just before the end record; ok is false when there is
// none (then the 32-bit values stand, as archive/zip does).
func readZip64End(r io.ReaderAt, endOff int64) (z zip64End, ok bool, err error) {
	if endOff < 20 {
		return z, false, nil
	}
	loc := make([]byte, 20)
	if _, err := r.ReadAt(loc, endOff-20); err != nil {
		return z, false, err
	}
	le := binary.LittleEndian
	if le.Uint32(loc) != 0x07064b50 {
		return z, false, nil
	}
	at := le.Uint64(loc[8:])
	if at > uint64(endOff) || uint64(endOff)-at < 56 {
		return z, false, zip.ErrFormat
	}
	rec := make([]byte, 56)
	if _, err := r.ReadAt(rec, int64(at)); err != nil {
		return z, false, err
	}
	if le.Uint32(rec) != 0x06064b50 {
		return z, false, zip.ErrFormat
	}
	return zip64End{records: le.Uint64(rec[32:]), size: le.Uint64(rec[40:]), offset: le.Uint64(rec[48:]), at: at}, true, nil
}

// showName prints an entry name as the gateway does, or quoted when it holds unprintable bytes;
// a name longer than any real entry's is clipped (a zip may carry a 65,535-byte name).
func showName(name string) string {
	for _, r := range name {
		if !unicode.IsPrint(r) {
			return textclip.Quote(name)
		}
	}
	return textclip.Clip(name)
}

const allowedList = "plugin.yaml, plugin.so or plugin.wasm, plugin.sig, LICENSE"

// checkEntry applies, in the gateway's order, its rules for one central-directory record, then
// ours (docs/contract.md §1.2).
func (p *Package) checkEntry(f *zip.File) error {
	name, shown := f.Name, showName(f.Name)
	unexpected := func(why string) error {
		return p.reject("", "unexpected entry in package: %s (%s)", shown, why)
	}
	switch {
	case strings.HasSuffix(name, "/") || strings.HasSuffix(name, `\`) || f.Mode().IsDir():
		return unexpected("a directory; a package holds only " + allowedList + " at its root")
	case strings.ContainsRune(name, 0) || strings.HasPrefix(name, "/") || strings.HasPrefix(name, `\`) ||
		len(name) >= 2 && name[1] == ':' || slices.Contains(strings.FieldsFunc(name, isSep), ".."):
		return unexpected("its path is absolute or leaves the package root")
	case strings.ContainsAny(name, `/\`):
		return unexpected("a nested path; entries live at the archive root")
	case !slices.Contains(Allowed, name):
		return unexpected("allowed: " + allowedList)
	case p.files[name] != nil:
		return p.reject(name, "duplicate entry: the zip holds it twice, and readers disagree about which copy wins")
	}
	switch t := f.Mode().Type(); {
	case t&fs.ModeSymlink != 0:
		return p.reject(name, "is a symbolic link; a package holds regular files only")
	case t != 0:
		return p.reject(name, "is a special file (%v); a package holds regular files only", t)
	case f.Flags&0x41 != 0:
		return p.reject(name, "is encrypted; the gateway cannot read encrypted entries")
	case f.Method != zip.Store && f.Method != zip.Deflate:
		return p.reject(name, "uses compression method %d (%s); the gateway reads only stored (0) and deflate (8)", f.Method, methodName(f.Method))
	case f.Method == zip.Store && f.CompressedSize64 != f.UncompressedSize64:
		return p.reject(name, "stored entry with compressed size %d but size %d", f.CompressedSize64, f.UncompressedSize64)
	}
	limit := p.limits.MaxSmallSize
	if name == EntryNative || name == EntryWasm {
		limit = p.limits.MaxEntrySize
	}
	if f.UncompressedSize64 > uint64(limit) {
		return p.reject(name, "declares %d bytes; at most %d are accepted for this entry", f.UncompressedSize64, limit)
	}
	if f.UncompressedSize64 > ratioFloor && float64(f.UncompressedSize64) > p.limits.MaxRatio*float64(max(f.CompressedSize64, 1)) {
		return p.reject(name, "expands %d bytes to %d (ratio %.0f:1, above the limit of %.0f:1 against zip bombs)",
			f.CompressedSize64, f.UncompressedSize64, float64(f.UncompressedSize64)/float64(max(f.CompressedSize64, 1)), p.limits.MaxRatio)
	}
	return nil
}

func isSep(r rune) bool { return r == '/' || r == '\\' }

func methodName(m uint16) string {
	switch m {
	case 1, 2, 3, 4, 5:
		return "shrink/reduce/implode"
	case 9:
		return "deflate64"
	case 12:
		return "bzip2"
	case 14:
		return "lzma"
	case 93:
		return "zstd"
	case 95:
		return "xz"
	case 99:
		return "AES-encrypted"
	}
	return "unknown"
}

// checkOverlap refuses entries whose data overlap each other or the central directory: the
// "overlapping files" zip bomb reuses one compressed body for many entries.
func (p *Package) checkOverlap() error {
	type span struct {
		name       string
		start, end int64
	}
	var spans []span
	for _, f := range p.zr.File {
		off, err := f.DataOffset()
		if err != nil {
			return p.zipErr(f.Name, err)
		}
		spans = append(spans, span{f.Name, off, off + int64(f.CompressedSize64)})
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].start < spans[j].start })
	for i := 1; i < len(spans); i++ {
		if spans[i].start < spans[i-1].end {
			return p.reject(spans[i].name, "its data overlaps entry %s (an overlapping-entries zip bomb or a corrupt zip)", showName(spans[i-1].name))
		}
	}
	if n := len(spans); n > 0 && spans[n-1].end > p.Size {
		return p.reject(spans[n-1].name, "truncated: its data runs past the end of the file")
	}
	return nil
}

// open streams an entry, checking the CRC and the declared size as it goes.
func (p *Package) open(name string) (io.ReadCloser, error) {
	f := p.files[name]
	if f == nil {
		return nil, p.reject(name, "no such entry")
	}
	// OpenRaw, not Open: archive/zip would compute a CRC of its own beside entryReader's, and its
	// deflate path reads through a 4 KiB buffer; one CRC and a large buffer halve the cost of
	// validating a big artifact (push validates every package before uploading it).
	raw, err := f.OpenRaw()
	if err != nil {
		return nil, p.zipErr(name, err)
	}
	var rc io.ReadCloser
	switch f.Method {
	case zip.Store:
		rc = io.NopCloser(raw)
	case zip.Deflate:
		buf := int(min(max(f.CompressedSize64, 4<<10), 1<<20))
		rc = flate.NewReader(bufio.NewReaderSize(raw, buf))
	default: // checkEntry admits nothing else; stay safe if that changes
		return nil, p.reject(name, "uses compression method %d", f.Method)
	}
	return &entryReader{p: p, f: f, rc: rc, crc: crc32.NewIEEE()}, nil
}

// readSmall reads a small entry into memory, within MaxSmallSize.
func (p *Package) readSmall(name string) ([]byte, error) {
	rc, err := p.open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(rc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Artifact streams the artifact entry, verifying its CRC-32 and enforcing the limits; a read error
// names the entry.
func (p *Package) Artifact() (io.ReadCloser, error) { return p.open(p.ArtifactName) }

// entryReader checks what archive/zip checks (size, CRC) and more: it never yields more than the
// declared size, whatever the data says (a lying header cannot defeat the limits), and it checks
// the CRC even when the header's is 0, which archive/zip skips.
type entryReader struct {
	p   *Package
	f   *zip.File
	rc  io.ReadCloser
	crc hash.Hash32
	n   uint64
	err error
}

func (r *entryReader) Read(b []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if left := r.f.UncompressedSize64 - r.n + 1; uint64(len(b)) > left {
		b = b[:left] // one byte past the declared size is enough to notice a lie
	}
	n, err := r.rc.Read(b)
	r.n += uint64(n)
	r.crc.Write(b[:n])
	switch {
	case r.n > r.f.UncompressedSize64 || errors.Is(err, zip.ErrFormat): // archive/zip's own overflow check
		r.err = r.p.reject(r.f.Name, "holds more data than the %d bytes its header declares", r.f.UncompressedSize64)
		return 0, r.err
	case err == io.EOF:
		if r.n != r.f.UncompressedSize64 {
			r.err = r.p.reject(r.f.Name, "truncated: %d bytes of the declared %d", r.n, r.f.UncompressedSize64)
		} else if r.crc.Sum32() != r.f.CRC32 {
			r.err = r.p.reject(r.f.Name, "CRC-32 mismatch: header says %08x, data has %08x (the data is corrupt)", r.f.CRC32, r.crc.Sum32())
		} else {
			r.err = io.EOF
		}
	case err != nil:
		r.err = r.p.zipErr(r.f.Name, err)
	}
	if r.err != nil && r.err != io.EOF {
		return 0, r.err
	}
	return n, r.err
}

func (r *entryReader) Close() error { return r.rc.Close() }

// createFile is how Extract creates files; tests replace it to simulate a full disk.
var createFile = func(name string) (writeFile, error) {
	return os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
}

type writeFile interface {
	io.Writer
	Close() error
}
