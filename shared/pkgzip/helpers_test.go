package pkgzip

import (
	"archive/zip"
	"bytes"
	"hash/crc32"
	"math/rand/v2"
	"testing"
)

const testYAML = `schema: mcpg.dev/plugin/v1
id: dev.mcpg.pkg.example
name: Packaging Example
class: tool_gate
runtime: native-cdylib-v1
protocol_version: "1.0"
`

// ent is one entry of a hand-made zip; zero values make a plain deflated regular file.
type ent struct {
	name   string
	data   []byte
	method uint16 // default Deflate
	store  bool   // method Store
	mode   uint32 // unix st_mode; default 0100644
	flags  uint16
	raw    *rawEnt // write these bytes and header values verbatim
}

type rawEnt struct {
	compressed []byte
	crc        uint32
	size       uint64
}

// mkzip builds a zip with archive/zip, bypassing everything Pack guarantees.
func mkzip(t testing.TB, ents ...ent) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range ents {
		fh := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Flags: e.flags}
		switch {
		case e.store:
			fh.Method = zip.Store
		case e.method != 0:
			fh.Method = e.method
		}
		mode := e.mode
		if mode == 0 {
			mode = 0o100644
		}
		fh.CreatorVersion = 3<<8 | 20
		fh.ExternalAttrs = mode << 16
		if e.raw != nil {
			fh.CRC32, fh.UncompressedSize64, fh.CompressedSize64 = e.raw.crc, e.raw.size, uint64(len(e.raw.compressed))
			w, err := zw.CreateRaw(fh)
			if err != nil {
				t.Fatal(err)
			}
			w.Write(e.raw.compressed)
			continue
		}
		w, err := zw.CreateRaw(rawHeader(t, fh, e.data))
		if err != nil {
			t.Fatal(err)
		}
		w.Write(compress(t, fh.Method, e.data))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func rawHeader(t testing.TB, fh *zip.FileHeader, data []byte) *zip.FileHeader {
	fh.CRC32 = crc32.ChecksumIEEE(data)
	fh.UncompressedSize64 = uint64(len(data))
	fh.CompressedSize64 = uint64(len(compress(t, fh.Method, data)))
	return fh
}

func compress(t testing.TB, method uint16, data []byte) []byte {
	if method == zip.Store {
		return data
	}
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, _ := zw.CreateHeader(&zip.FileHeader{Name: "x", Method: method})
	w.Write(data)
	zw.Close()
	zr, err := zip.NewReader(bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		t.Fatal(err)
	}
	rc, _ := zr.File[0].OpenRaw()
	var out bytes.Buffer
	out.ReadFrom(rc)
	return out.Bytes()
}

// randomish is data that compresses like a binary: random runs mixed with repeats.
func randomish(n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	b := make([]byte, n)
	for i := 0; i < n; {
		run := min(n-i, 1+r.IntN(512))
		if i > 4096 && r.IntN(2) == 0 {
			off := 1 + r.IntN(4096)
			for k := 0; k < run; k++ {
				b[i+k] = b[i+k-off]
			}
		} else {
			for k := 0; k < run; k++ {
				b[i+k] = byte(r.Uint32())
			}
		}
		i += run
	}
	return b
}

func packBytes(t testing.TB, in PackInput) []byte {
	t.Helper()
	var buf bytes.Buffer
	n, err := Write(&buf, in)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(buf.Len()) {
		t.Fatalf("Write returned %d, wrote %d", n, buf.Len())
	}
	return buf.Bytes()
}

func open(t testing.TB, b []byte) (*Package, error) {
	t.Helper()
	return Open(bytes.NewReader(b), int64(len(b)), "test.zip", DefaultLimits)
}
