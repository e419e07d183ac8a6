package clitest

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"os"
	"strconv"

	"github.com/rogpeppe/go-internal/testscript"
)

// Offsets of the fields zip-patch can change in a local header (APPNOTE 4.3.7).
var localFields = map[string]struct{ off, width int }{
	"flags": {6, 2}, "method": {8, 2}, "crc": {14, 4}, "compressed-size": {18, 4}, "size": {22, 4},
}

func init() {
	// zip-patch IN OUT ENTRY FIELD VALUE: copy a valid zip with one field of ENTRY's local header
	// (flags, method, crc, compressed-size, size, name) or data descriptor (descriptor-crc,
	// descriptor-size) changed, so that it disagrees with the central directory. Numbers are
	// decimal or 0x hex; a name must keep the length of the original.
	Register("zip-patch", func(ts *testscript.TestScript, neg bool, args []string) {
		if neg || len(args) != 5 {
			ts.Fatalf("usage: zip-patch IN OUT ENTRY FIELD VALUE")
		}
		z, err := os.ReadFile(ts.MkAbs(args[0]))
		ts.Check(err)
		zr, err := zip.NewReader(bytes.NewReader(z), int64(len(z)))
		ts.Check(err)
		var f *zip.File
		for _, g := range zr.File {
			if g.Name == args[2] {
				f = g
			}
		}
		if f == nil {
			ts.Fatalf("zip-patch: %s has no entry %s", args[0], args[2])
		}
		dataOff, err := f.DataOffset()
		ts.Check(err)
		local := int(dataOff) - 30 - len(f.Name) - localExtraLen(z, int(dataOff), len(f.Name))
		field, value := args[3], args[4]
		le := binary.LittleEndian
		put := func(off, width int) {
			v, err := strconv.ParseUint(value, 0, 32)
			ts.Check(err)
			if width == 2 {
				le.PutUint16(z[off:], uint16(v))
			} else {
				le.PutUint32(z[off:], uint32(v))
			}
		}
		switch lf, ok := localFields[field]; {
		case ok:
			put(local+lf.off, lf.width)
		case field == "name":
			if len(value) != len(f.Name) {
				ts.Fatalf("zip-patch: a new name must have %d bytes", len(f.Name))
			}
			copy(z[local+30:], value)
		case field == "descriptor-crc" || field == "descriptor-size":
			d := int(dataOff) + int(f.CompressedSize64)
			if f.Flags&0x8 == 0 || le.Uint32(z[d:]) != 0x08074b50 {
				ts.Fatalf("zip-patch: %s has no signed data descriptor", f.Name)
			}
			if field == "descriptor-crc" {
				put(d+4, 4)
			} else {
				put(d+12, 4)
			}
		default:
			ts.Fatalf("zip-patch: unknown field %s", field)
		}
		ts.Check(os.WriteFile(ts.MkAbs(args[1]), z, 0o644))
	})
}

// localExtraLen finds the extra-field length of the local header whose data starts at dataOff:
// the header's own length fields sit just before its name and extra.
func localExtraLen(z []byte, dataOff, nameLen int) int {
	for extra := 0; extra <= 0xffff && dataOff-30-nameLen-extra >= 0; extra++ {
		h := dataOff - 30 - nameLen - extra
		if binary.LittleEndian.Uint32(z[h:]) == 0x04034b50 && int(binary.LittleEndian.Uint16(z[h+28:])) == extra {
			return extra
		}
	}
	return 0
}
