package pkgzip

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"runtime"
	"testing"
	"time"
)

func TestPackRoundTrip(t *testing.T) {
	for _, size := range []int{0, 1, 100, dictSize + 7, chunkSize - 1, chunkSize, chunkSize + 1, 3*chunkSize + 12345} {
		t.Run(fmt.Sprintf("size %d", size), func(t *testing.T) {
			art := randomish(size, uint64(size))
			sig := bytes.Repeat([]byte{7}, 64)
			lic := []byte("MIT License\n")
			b := packBytes(t, PackInput{Descriptor: []byte(testYAML), Artifact: bytes.NewReader(art), ArtifactName: EntryNative, Signature: sig, License: lic})

			// An independent reader (stdlib archive/zip and compress/flate) sees the same content.
			zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
			if err != nil {
				t.Fatalf("size %d: archive/zip: %v", size, err)
			}
			want := map[string][]byte{EntryDescriptor: []byte(testYAML), EntryNative: art, EntrySignature: sig, EntryLicense: lic}
			var names []string
			for _, f := range zr.File {
				names = append(names, f.Name)
				rc, err := f.Open()
				if err != nil {
					t.Fatal(err)
				}
				got, err := io.ReadAll(rc)
				if err != nil || !bytes.Equal(got, want[f.Name]) {
					t.Fatalf("size %d: %s: err %v, content equal %v", size, f.Name, err, bytes.Equal(got, want[f.Name]))
				}
				wantMode := "-rw-r--r--"
				if f.Name == EntryNative {
					wantMode = "-rwxr-xr-x"
				}
				if f.Mode().String() != wantMode || !f.Modified.Equal(time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)) || f.Method != zip.Deflate {
					t.Errorf("size %d: %s: mode %v modified %v method %d", size, f.Name, f.Mode(), f.Modified, f.Method)
				}
			}
			if got := names; len(got) != 4 || got[0] != EntryDescriptor || got[1] != EntryNative || got[2] != EntrySignature || got[3] != EntryLicense {
				t.Fatalf("order %v", got)
			}

			// And our own reader accepts it, but for an empty artifact, which every tool refuses.
			p, err := open(t, b)
			if size == 0 {
				if err == nil || err.Error() != "test.zip: plugin.so: the artifact is empty" {
					t.Fatalf("size 0: Open: %v, want the artifact is empty", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("size %d: Open: %v", size, err)
			}
			rc, _ := p.Artifact()
			got, err := io.ReadAll(rc)
			if err != nil || !bytes.Equal(got, art) {
				t.Fatalf("size %d: Artifact: %v", size, err)
			}
		})
	}
}

// TestPackLayout checks the bytes the contract cares about: no extra fields (archive/zip would add
// an extended timestamp), unix "made by", S_IFREG modes, DOS epoch, no comment.
func TestPackLayout(t *testing.T) {
	b := packBytes(t, PackInput{Descriptor: []byte(testYAML), Artifact: bytes.NewReader([]byte("abc")), ArtifactName: EntryWasm})
	le := binary.LittleEndian
	off := 0
	for i, name := range []string{EntryDescriptor, EntryWasm} {
		if le.Uint32(b[off:]) != sigLocal {
			t.Fatalf("entry %d: no local header at %d", i, off)
		}
		n, extra := int(le.Uint16(b[off+26:])), le.Uint16(b[off+28:])
		if extra != 0 || string(b[off+30:off+30+n]) != name || le.Uint16(b[off+10:]) != 0 || le.Uint16(b[off+12:]) != 0x21 {
			t.Fatalf("entry %d: extra %d name %q time %x date %x", i, extra, b[off+30:off+30+n], le.Uint16(b[off+10:]), le.Uint16(b[off+12:]))
		}
		csize := int(le.Uint32(b[off+18:]))
		off += 30 + n + csize
		if le.Uint16(b[off-csize-30-n+6:])&flagDescriptor != 0 {
			// the artifact: sizes follow in a 16-byte descriptor
			zr, _ := zip.NewReader(bytes.NewReader(b), int64(len(b)))
			off += int(zr.File[i].CompressedSize64) + 16
		}
	}
	cd := off
	for i := range 2 {
		if le.Uint32(b[cd:]) != sigCentral || le.Uint16(b[cd+4:]) != versionMadeBy || le.Uint16(b[cd+30:]) != 0 || le.Uint16(b[cd+32:]) != 0 {
			t.Fatalf("central entry %d malformed", i)
		}
		mode := le.Uint32(b[cd+38:]) >> 16
		if want := []uint32{0o100644, 0o100755}[i]; mode != want {
			t.Errorf("central entry %d: mode %o, want %o", i, mode, want)
		}
		cd += 46 + int(le.Uint16(b[cd+28:]))
	}
	if le.Uint32(b[cd:]) != sigEnd || cd+22 != len(b) {
		t.Fatalf("end record at %d, file ends at %d", cd, len(b))
	}
}

func TestPackReproducible(t *testing.T) {
	art := randomish(5*chunkSize+999, 3)
	pack := func(procs int, mtime int64) []byte {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return packBytes(t, PackInput{Descriptor: []byte(testYAML), Artifact: bytes.NewReader(art), ArtifactName: EntryNative, ModTime: mtime})
	}
	one, four := pack(1, 0), pack(4, 0)
	if !bytes.Equal(one, four) || !bytes.Equal(one, pack(2, 0)) {
		t.Fatal("package bytes depend on GOMAXPROCS")
	}
	epoch := pack(2, 1700000000)
	if bytes.Equal(one, epoch) || !bytes.Equal(epoch, pack(3, 1700000000)) {
		t.Fatal("SOURCE_DATE_EPOCH must change the bytes, reproducibly")
	}
}

// TestPackDeflateStream decodes the artifact with the standard library's inflater, which knows
// nothing about chunks: the sync-flushed pieces must form one valid stream.
func TestPackDeflateStream(t *testing.T) {
	art := append(randomish(2*chunkSize+17, 9), bytes.Repeat([]byte("abc"), chunkSize)...)
	b := packBytes(t, PackInput{Descriptor: []byte(testYAML), Artifact: bytes.NewReader(art), ArtifactName: EntryNative})
	zr, _ := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	raw, err := zr.File[1].OpenRaw()
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(flate.NewReader(raw))
	if err != nil || !bytes.Equal(got, art) {
		t.Fatalf("inflate: %v (equal %v)", err, bytes.Equal(got, art))
	}
}

func TestDOSTime(t *testing.T) {
	for _, c := range []struct {
		unix       int64
		date, time uint16
	}{
		{0, 0x21, 0},
		{-5, 0x21, 0},
		{315532800, 0x21, 0},                   // 1980-01-01 exactly
		{1700000000, 0x576e, 0xb1aa},           // 2023-11-14 22:13:20 UTC
		{1700000001, 0x576e, 0xb1aa},           // odd seconds round down
		{1 << 40, 0xff9f, 0xbf7d},              // clamped to 2107-12-31 23:59:58
		{4354819199, 0xff9f, 0xbf7d},           // 2107-12-31 23:59:59
		{946684800 + 86400*59, 0x285d, 0x0000}, // 2000-02-29
		{951782400 - 2, 0x285c, 0xbf7d},        // 2000-02-28 23:59:58
	} {
		t.Run(fmt.Sprint(c.unix), func(t *testing.T) {
			d, tm := dosTime(c.unix)
			if d != c.date || tm != c.time {
				t.Errorf("dosTime(%d) = %#x %#x, want %#x %#x", c.unix, d, tm, c.date, c.time)
			}
		})
	}
}

type failingWriter struct{ left int }

var errDiskFull = errors.New("no space left on device")

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.left {
		n := w.left
		w.left = 0
		return n, errDiskFull
	}
	w.left -= len(p)
	return len(p), nil
}

func TestPackWriteError(t *testing.T) {
	art := randomish(3*chunkSize, 1)
	total := len(packBytes(t, PackInput{Descriptor: []byte(testYAML), Artifact: bytes.NewReader(art), ArtifactName: EntryNative}))
	for _, at := range []int{0, 10, 200, total / 2, total - 1} {
		t.Run(fmt.Sprintf("after %d bytes", at), func(t *testing.T) {
			_, err := Write(&failingWriter{left: at}, PackInput{Descriptor: []byte(testYAML), Artifact: bytes.NewReader(art), ArtifactName: EntryNative})
			if !errors.Is(err, errDiskFull) {
				t.Errorf("failing after %d bytes: err = %v", at, err)
			}
		})
	}
}

type failingReader struct{ n int }

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, io.ErrClosedPipe
	}
	n := min(len(p), r.n)
	r.n -= n
	return n, nil
}

func TestPackReadErrorAndTee(t *testing.T) {
	_, err := Write(io.Discard, PackInput{Descriptor: []byte(testYAML), Artifact: &failingReader{n: 3 * chunkSize / 2}, ArtifactName: EntryNative})
	if !errors.Is(err, io.ErrClosedPipe) {
		t.Errorf("read error: %v", err)
	}
	art := randomish(2*chunkSize+5, 4)
	var tee bytes.Buffer
	packBytes(t, PackInput{Descriptor: []byte(testYAML), Artifact: bytes.NewReader(art), ArtifactName: EntryNative, Tee: &tee})
	if !bytes.Equal(tee.Bytes(), art) {
		t.Error("Tee did not see the artifact bytes in order")
	}
	_, err = Write(io.Discard, PackInput{Descriptor: []byte(testYAML), Artifact: bytes.NewReader(art), ArtifactName: EntryNative, Tee: &failingWriter{left: 10}})
	if !errors.Is(err, errDiskFull) {
		t.Errorf("tee error: %v", err)
	}
	if _, err := Write(io.Discard, PackInput{Descriptor: []byte(testYAML), Artifact: bytes.NewReader(art), ArtifactName: "plugin.dll"}); err == nil {
		t.Error("an artifact entry name outside the allowlist was accepted")
	}
}
