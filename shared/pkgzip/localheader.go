package pkgzip

import (
	"archive/zip"
	"encoding/binary"
	"io"
)

// Sizes of the fixed parts of the zip records read here (APPNOTE 4.3.7, 4.3.9, 4.3.12).
const (
	centralRecordSize = 46
	localHeaderSize   = 30
	zip64ExtraID      = 0x0001
	saturated32       = 0xffffffff
	// Bits 1 and 2 of the flags only hint at the deflate level; every other bit changes how the
	// entry is read, so local and central copies must agree on it.
	flagsLevelHint = 0x0006
)

// checkLocalHeaders compares each entry's local header, and its data descriptor when it has one,
// with its central-directory record. archive/zip (and the gateway's reader) trust the central
// directory; a streaming unzip, Python's zipfile (for the name) and `unzip -t` read the local
// header: when they disagree, two readers see two different packages, so the package is refused.
func (p *Package) checkLocalHeaders(r io.ReaderAt) error {
	dir := make([]byte, p.dirSize)
	if _, err := r.ReadAt(dir, p.dirOffset); err != nil && err != io.EOF {
		return p.zipErr("", err)
	}
	le := binary.LittleEndian
	for _, f := range p.zr.File {
		// archive/zip has parsed these records already; a short one here means the two parses
		// went apart, which only a corrupt directory can cause.
		if len(dir) < centralRecordSize || le.Uint32(dir) != sigCentral {
			return p.reject("", "not a valid zip: the central directory is corrupt")
		}
		n, m, k := int(le.Uint16(dir[28:])), int(le.Uint16(dir[30:])), int(le.Uint16(dir[32:]))
		if len(dir) < centralRecordSize+n+m+k {
			return p.reject("", "not a valid zip: the central directory is corrupt")
		}
		rec := dir[:centralRecordSize+n+m+k]
		dir = dir[len(rec):]
		if err := p.checkLocalHeader(r, f, centralLocalOffset(rec, rec[centralRecordSize+n:centralRecordSize+n+m])); err != nil {
			return err
		}
	}
	return nil
}

// centralLocalOffset is where a central record says the entry's local header is: its 32-bit field,
// or the zip64 extra field's value when that one is saturated.
func centralLocalOffset(rec, extra []byte) int64 {
	le := binary.LittleEndian
	off := uint64(le.Uint32(rec[42:]))
	if off != saturated32 {
		return int64(off)
	}
	z := zip64Extra(extra)
	// The zip64 extra holds, in this order, only the fields saturated in the record.
	for _, field := range []uint32{le.Uint32(rec[24:]), le.Uint32(rec[20:])} {
		if field == saturated32 && len(z) >= 8 {
			z = z[8:]
		}
	}
	if len(z) < 8 {
		return -1 // archive/zip refuses such a record before this runs
	}
	return int64(le.Uint64(z))
}

// zip64Extra finds the zip64 extended-information field among extra fields; nil when absent.
func zip64Extra(extra []byte) []byte {
	le := binary.LittleEndian
	for len(extra) >= 4 {
		id, size := le.Uint16(extra), int(le.Uint16(extra[2:]))
		if len(extra) < 4+size {
			return nil
		}
		if id == zip64ExtraID {
			return extra[4 : 4+size]
		}
		extra = extra[4+size:]
	}
	return nil
}

func (p *Package) checkLocalHeader(r io.ReaderAt, f *zip.File, off int64) error {
	le := binary.LittleEndian
	hdr := make([]byte, localHeaderSize)
	if off < 0 || off > p.Size-localHeaderSize {
		return p.reject(f.Name, "the central directory points past the end of the file for its local header")
	}
	if _, err := r.ReadAt(hdr, off); err != nil {
		return p.zipErr(f.Name, err)
	}
	if le.Uint32(hdr) != sigLocal {
		return p.reject(f.Name, "no local header at offset %d, where the central directory points", off)
	}
	nameLen, extraLen := int64(le.Uint16(hdr[26:])), int64(le.Uint16(hdr[28:]))
	if off+localHeaderSize+nameLen+extraLen > p.Size {
		return p.reject(f.Name, "truncated: its local header runs past the end of the file")
	}
	tail := make([]byte, nameLen+extraLen)
	if _, err := r.ReadAt(tail, off+localHeaderSize); err != nil {
		return p.zipErr(f.Name, err)
	}
	localName, extra := string(tail[:nameLen]), tail[nameLen:]
	if localName != f.Name {
		return p.reject(f.Name, "local header says name %s, central directory says %s", showName(localName), showName(f.Name))
	}
	if m := le.Uint16(hdr[8:]); m != f.Method {
		return p.reject(f.Name, "local header says method %d, central directory says %d", m, f.Method)
	}
	if fl := le.Uint16(hdr[6:]); fl&^flagsLevelHint != f.Flags&^flagsLevelHint {
		return p.reject(f.Name, "local header says flags 0x%04x, central directory says 0x%04x", fl, f.Flags)
	}

	crc, csize, size := le.Uint32(hdr[14:]), uint64(le.Uint32(hdr[18:])), uint64(le.Uint32(hdr[22:]))
	z64 := zip64Extra(extra)
	if z64 != nil && (csize == saturated32 || size == saturated32) && len(z64) >= 16 {
		size, csize = le.Uint64(z64), le.Uint64(z64[8:]) // a local zip64 extra holds both, size first
	}
	// With a data descriptor the local values are normally 0 (written before the data was known);
	// some writers fill them in. Either way they must not contradict.
	descriptor := f.Flags&flagDescriptor != 0
	if err := p.compareHeader(f, "local header", uint64(crc), csize, size, descriptor); err != nil {
		return err
	}
	if !descriptor {
		return nil
	}
	dataEnd := off + localHeaderSize + nameLen + extraLen + int64(f.CompressedSize64)
	return p.checkDataDescriptor(r, f, dataEnd, z64 != nil)
}

// checkDataDescriptor reads the descriptor that follows an entry's data: an optional signature,
// the CRC-32, then both sizes in 4 bytes each, or 8 in a zip64 entry (APPNOTE 4.3.9).
func (p *Package) checkDataDescriptor(r io.ReaderAt, f *zip.File, at int64, zip64 bool) error {
	le := binary.LittleEndian
	sizeLen := 4
	if zip64 || f.CompressedSize64 >= saturated32 || f.UncompressedSize64 >= saturated32 {
		sizeLen = 8
	}
	buf := make([]byte, 4+4+2*sizeLen)
	n, err := r.ReadAt(buf, at)
	if err != nil && err != io.EOF {
		return p.zipErr(f.Name, err)
	}
	buf = buf[:n]
	// The signature is optional, so a descriptor starting with it may also be one without it
	// whose CRC-32 happens to equal it: it agrees if either reading agrees.
	readings := [][]byte{buf}
	if n >= 4 && le.Uint32(buf) == sigDescriptor {
		readings = [][]byte{buf[4:], buf}
	}
	var first error
	for _, d := range readings {
		if len(d) < 4+2*sizeLen {
			if first == nil {
				first = p.reject(f.Name, "truncated: its data descriptor runs past the end of the file")
			}
			continue
		}
		readSize := func(b []byte) uint64 {
			if sizeLen == 8 {
				return le.Uint64(b)
			}
			return uint64(le.Uint32(b))
		}
		err := p.compareHeader(f, "data descriptor", uint64(le.Uint32(d)), readSize(d[4:]), readSize(d[4+sizeLen:]), false)
		if err == nil {
			return nil
		}
		if first == nil {
			first = err
		}
	}
	return first
}

// compareHeader checks a local copy of an entry's CRC-32 and sizes against the central
// directory's. lenient admits zeros, which a local header followed by a data descriptor holds.
func (p *Package) compareHeader(f *zip.File, where string, crc, csize, size uint64, lenient bool) error {
	for _, c := range []struct {
		field          string
		local, central uint64
		format         string
	}{
		{"CRC-32", crc, uint64(f.CRC32), "%08x"},
		{"compressed size", csize, f.CompressedSize64, "%d"},
		{"size", size, f.UncompressedSize64, "%d"},
	} {
		if c.local != c.central && !(lenient && c.local == 0) {
			return p.reject(f.Name, "%s says %s "+c.format+", central directory says "+c.format, where, c.field, c.local, c.central)
		}
	}
	return nil
}
