package pkgzip

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"strings"
	"testing"
)

var (
	yamlEnt = ent{name: EntryDescriptor, data: []byte(testYAML)}
	soEnt   = ent{name: EntryNative, data: []byte("\x7fELF not really"), mode: 0o100755}
)

func TestOpenAccepts(t *testing.T) {
	for _, c := range []struct {
		name string
		zip  []byte
		art  string
	}{
		{"minimal native", mkzip(t, yamlEnt, soEnt), EntryNative},
		{"wasm, any order, stored", mkzip(t, ent{name: EntryWasm, data: []byte("\x00asm"), store: true}, ent{name: EntryLicense, data: []byte("MIT")}, yamlEnt), EntryWasm},
		{"mode without type bits", mkzip(t, ent{name: EntryDescriptor, data: []byte(testYAML), mode: 0o644}, soEnt), EntryNative},
		{"odd signature length is the CLI's call", mkzip(t, yamlEnt, soEnt, ent{name: EntrySignature, data: []byte("short")}), EntryNative},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := open(t, c.zip)
			if err != nil {
				t.Errorf("%s: %v", c.name, err)
				return
			}
			if p.ArtifactName != c.art || p.Descriptor.ID != "dev.mcpg.pkg.example" {
				t.Errorf("%s: artifact %s id %s", c.name, p.ArtifactName, p.Descriptor.ID)
			}
		})
	}
}

func TestOpenRejects(t *testing.T) {
	good := mkzip(t, yamlEnt, soEnt)
	big := randomish(2<<20, 5)
	zeros := make([]byte, 4<<20)
	corruptYAML := mkzip(t, ent{name: EntryDescriptor, raw: &rawEnt{compressed: []byte{0xff, 0xff, 0xff}, crc: 1, size: 10}}, soEnt)

	for _, c := range []struct {
		name string
		zip  []byte
		want string
	}{
		// The gateway's own rules and texts (docs/contract.md §1.2), in its order.
		{"directory", mkzip(t, ent{name: "plugin/"}, yamlEnt, soEnt), "unexpected entry in package: plugin/ (a directory"},
		{"dir mode", mkzip(t, ent{name: "dir", mode: 0o040755}, yamlEnt, soEnt), "unexpected entry in package: dir (a directory"},
		{"zip slip", mkzip(t, yamlEnt, soEnt, ent{name: "../evil"}), "unexpected entry in package: ../evil (its path is absolute or leaves"},
		{"absolute", mkzip(t, ent{name: "/etc/passwd"}, yamlEnt, soEnt), "unexpected entry in package: /etc/passwd (its path is absolute"},
		{"windows drive", mkzip(t, ent{name: `C:\x`}, yamlEnt, soEnt), `unexpected entry in package: C:\x (its path is absolute`},
		{"NUL", mkzip(t, ent{name: "plugin.yaml\x00.txt"}, yamlEnt, soEnt), `unexpected entry in package: "plugin.yaml\x00.txt" (its path`},
		{"nested", mkzip(t, ent{name: "evil/plugin.yaml", data: []byte(testYAML)}, soEnt), "unexpected entry in package: evil/plugin.yaml (a nested path"},
		{"dot slash", mkzip(t, ent{name: "./plugin.yaml", data: []byte(testYAML)}, soEnt), "unexpected entry in package: ./plugin.yaml (a nested path"},
		{"backslash", mkzip(t, ent{name: `x\plugin.yaml`, data: []byte(testYAML)}, soEnt), `unexpected entry in package: x\plugin.yaml (a nested path`},
		{"unknown", mkzip(t, yamlEnt, soEnt, ent{name: "readme.txt"}), "unexpected entry in package: readme.txt (allowed: plugin.yaml, plugin.so or plugin.wasm, plugin.sig, LICENSE)"},
		{"case", mkzip(t, yamlEnt, soEnt, ent{name: "license"}), "unexpected entry in package: license"},
		{"sidecar name", mkzip(t, yamlEnt, soEnt, ent{name: "plugin.so.sig"}), "unexpected entry in package: plugin.so.sig"},
		{"no descriptor", mkzip(t, soEnt), "test.zip: packaged plugin is missing plugin.yaml"},
		{"empty zip", mkzip(t), "test.zip: packaged plugin is missing plugin.yaml"},
		{"no artifact", mkzip(t, yamlEnt), "test.zip: packaged plugin is missing its artifact (neither plugin.so nor plugin.wasm)"},
		{"both artifacts", mkzip(t, yamlEnt, soEnt, ent{name: EntryWasm}), `test.zip: packaged plugin must contain exactly one of plugin.so or plugin.wasm; found ["plugin.so", "plugin.wasm"]`},
		{"bad descriptor", mkzip(t, ent{name: EntryDescriptor, data: []byte("schema: other\n")}, soEnt), "test.zip: plugin.yaml: invalid descriptor in package: "},
		// Ours.
		{"empty artifact", mkzip(t, yamlEnt, ent{name: EntryNative}), "test.zip: plugin.so: the artifact is empty"},
		{"empty wasm", mkzip(t, yamlEnt, ent{name: EntryWasm, store: true}), "test.zip: plugin.wasm: the artifact is empty"},
		{"duplicate", mkzip(t, yamlEnt, soEnt, ent{name: EntryNative, data: []byte("other")}), "test.zip: plugin.so: duplicate entry"},
		{"symlink", mkzip(t, yamlEnt, ent{name: EntryNative, data: []byte("/etc/passwd"), mode: 0o120777}), "test.zip: plugin.so: is a symbolic link"},
		{"fifo", mkzip(t, yamlEnt, ent{name: EntryNative, mode: 0o010644}), "test.zip: plugin.so: is a special file"},
		{"encrypted", mkzip(t, yamlEnt, ent{name: EntryNative, data: []byte("x"), flags: 1}), "test.zip: plugin.so: is encrypted"},
		{"bzip2", mkzip(t, yamlEnt, ent{name: EntryNative, raw: &rawEnt{compressed: []byte("BZh9"), size: 4}, method: 12}), "plugin.so: uses compression method 12 (bzip2)"},
		{"stored size lie", mkzip(t, yamlEnt, ent{name: EntryNative, store: true, raw: &rawEnt{compressed: []byte("abc"), crc: crc32.ChecksumIEEE([]byte("abc")), size: 9}}), "stored entry with compressed size 3 but size 9"},
		{"ratio", mkzip(t, yamlEnt, ent{name: EntryNative, data: zeros}), "plugin.so: expands"},
		{"big small entry", mkzip(t, ent{name: EntryDescriptor, data: append([]byte(testYAML), big[:1<<20]...)}, soEnt), "plugin.yaml: declares"},
		{"corrupt deflate", corruptYAML, "test.zip: plugin.yaml: corrupt deflate data"}, // the artifact: TestArtifactCorrupt
		// Structure.
		{"empty file", nil, "test.zip: not a valid zip: the file is empty"},
		{"not a zip", []byte(strings.Repeat("hello world ", 10)), "no end of central directory record"},
		{"truncated", good[:len(good)-30], "not a valid zip"},
		{"truncated middle", append(append([]byte{}, good[:40]...), good[len(good)-22:]...), "not a valid package: the central directory"},
		{"trailing garbage", append(append([]byte{}, good...), "garbage"...), "7 bytes of trailing data after the end of the zip"},
		{"prepended", append([]byte("MZ stub......"), good...), "the central directory (offset"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := open(t, c.zip)
			var fe *FormatError
			if err == nil || !errors.As(err, &fe) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s:\n got  %v\n want a FormatError containing %q", c.name, err, c.want)
			}
		})
	}
}

// TestOpenLimits uses small limits to exercise total size and the declared-vs-actual checks.
func TestOpenLimits(t *testing.T) {
	data := randomish(3000, 1)
	z := mkzip(t, yamlEnt, ent{name: EntryNative, data: data}, ent{name: EntryLicense, data: data[:900]})
	l := Limits{MaxEntrySize: 5000, MaxTotalSize: 3500, MaxRatio: 200, MaxSmallSize: 1000}
	if _, err := Open(bytes.NewReader(z), int64(len(z)), "t.zip", l); err == nil || !strings.Contains(err.Error(), "more than 3500 bytes in total") {
		t.Errorf("total: %v", err)
	}
	l.MaxEntrySize = 2000
	if _, err := Open(bytes.NewReader(z), int64(len(z)), "t.zip", l); err == nil || !strings.Contains(err.Error(), "plugin.so: declares 3000 bytes; at most 2000") {
		t.Errorf("entry: %v", err)
	}
}

// lie rewrites the uncompressed size of entry i in both headers.
func lie(z []byte, name string, size uint32) []byte {
	z = bytes.Clone(z)
	le := binary.LittleEndian
	for off := 0; off+46 < len(z); off++ {
		switch le.Uint32(z[off:]) {
		case sigLocal:
			if n := int(le.Uint16(z[off+26:])); string(z[off+30:off+30+n]) == name {
				le.PutUint32(z[off+22:], size)
			}
		case sigCentral:
			if n := int(le.Uint16(z[off+28:])); string(z[off+46:off+46+n]) == name {
				le.PutUint32(z[off+24:], size)
			}
		}
	}
	return z
}

func TestLyingHeaders(t *testing.T) {
	art := randomish(100000, 2)
	z := mkzip(t, yamlEnt, ent{name: EntryNative, data: art})
	for _, c := range []struct {
		size uint32
		want string
	}{
		{1000, "holds more data than the 1000 bytes its header declares"},
		{200000, "truncated"},
	} {
		t.Run(fmt.Sprintf("declared %d", c.size), func(t *testing.T) {
			p, err := open(t, lie(z, EntryNative, c.size))
			if err != nil {
				t.Fatalf("size %d: Open: %v", c.size, err)
			}
			rc, _ := p.Artifact()
			n, err := io.Copy(io.Discard, rc)
			if err == nil || !strings.Contains(err.Error(), c.want) || n > int64(c.size) {
				t.Errorf("declared %d: read %d bytes, err %v; want %q", c.size, n, err, c.want)
			}
		})
	}
	// A lying small entry is caught by Open itself.
	if _, err := open(t, lie(z, EntryDescriptor, 10)); err == nil || !strings.Contains(err.Error(), "plugin.yaml: holds more data") {
		t.Errorf("small entry: %v", err)
	}
}

func TestArtifactCorrupt(t *testing.T) {
	art := randomish(50000, 8)
	z := mkzip(t, yamlEnt, ent{name: EntryNative, data: art})
	// Flip one byte in the middle of the artifact's compressed data.
	zr, _ := zip.NewReader(bytes.NewReader(z), int64(len(z)))
	off, _ := zr.File[1].DataOffset()
	bad := bytes.Clone(z)
	bad[off+int64(zr.File[1].CompressedSize64)/2] ^= 0x55
	p, err := open(t, bad)
	if err != nil {
		t.Fatal(err)
	}
	rc, _ := p.Artifact()
	_, err = io.Copy(io.Discard, rc)
	var fe *FormatError
	if !errors.As(err, &fe) || fe.Entry != EntryNative {
		t.Errorf("corrupt artifact: %v", err)
	}
	// CRC 0 in the headers does not switch the check off (archive/zip skips it then).
	zeroCRC := mkzip(t, yamlEnt, ent{name: EntryNative, raw: &rawEnt{compressed: compress(t, zip.Deflate, art), crc: 0, size: uint64(len(art))}})
	p, err = open(t, zeroCRC)
	if err != nil {
		t.Fatal(err)
	}
	rc, _ = p.Artifact()
	if _, err = io.Copy(io.Discard, rc); err == nil || !strings.Contains(err.Error(), "CRC-32 mismatch") {
		t.Errorf("zero CRC: %v", err)
	}
}

func TestTooManyEntries(t *testing.T) {
	var ents []ent
	for range 100 {
		ents = append(ents, ent{name: "x"})
	}
	if _, err := open(t, mkzip(t, ents...)); err == nil || !strings.Contains(err.Error(), "the zip has 100 entries") {
		t.Errorf("got %v", err)
	}
}

func TestOverlappingEntries(t *testing.T) {
	// Point the artifact's central record at the descriptor's local header: both share one body.
	z := mkzip(t, yamlEnt, ent{name: EntryNative, data: []byte(testYAML)})
	le := binary.LittleEndian
	cd := bytes.LastIndex(z, []byte("PK\x01\x02"))
	le.PutUint32(z[cd+42:], 0)
	if _, err := open(t, z); err == nil {
		t.Error("overlapping entries accepted")
	}
}

// An entry name is the zip's to choose, up to 65,535 bytes: a message quotes a bounded part of it
// and says how long it was.
func TestOpenClipsLongEntryNames(t *testing.T) {
	long := strings.Repeat("x", 65_000)
	for _, name := range []string{long, long + "\x01"} {
		_, err := open(t, mkzip(t, ent{name: name}, yamlEnt, soEnt))
		if err == nil {
			t.Fatal("Open accepted a 65,000-byte entry name")
		}
		msg := err.Error()
		if len(msg) > 400 || !strings.Contains(msg, "… (") || !strings.Contains(msg, " bytes)") {
			t.Errorf("error is %d bytes, want it clipped with its length: %.120q…", len(msg), msg)
		}
	}
	fe := &FormatError{Name: "test.zip", Entry: long, Msg: "is broken"}
	if got := fe.Error(); len(got) > 400 || !strings.HasSuffix(got, "… (65000 bytes): is broken") {
		t.Errorf("FormatError with a 65,000-byte entry = %d bytes: %.120q", len(got), got)
	}
}
