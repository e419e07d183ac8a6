package pkgzip

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"syscall"
	"testing"
)

func listDir(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

func testPackage(t *testing.T, art []byte) *Package {
	t.Helper()
	b := packBytes(t, PackInput{Descriptor: []byte(testYAML), Artifact: bytes.NewReader(art), ArtifactName: EntryNative,
		Signature: bytes.Repeat([]byte{1}, 64)})
	p, err := open(t, b)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExtractFresh(t *testing.T) {
	art := randomish(3*chunkSize, 1)
	p := testPackage(t, art)
	root := t.TempDir()
	dir := filepath.Join(root, "a", "b", "out")
	if err := p.Extract(dir + "/"); err != nil {
		t.Fatal(err)
	}
	if got := listDir(t, dir); len(got) != 3 || got[0] != EntrySignature || got[1] != EntryNative || got[2] != EntryDescriptor {
		t.Fatalf("extracted %v", got)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, EntryNative)); !bytes.Equal(got, art) {
		t.Fatal("artifact content differs")
	}
	st, _ := os.Stat(filepath.Join(dir, EntryNative))
	if st.Mode().Perm()&0o111 != 0 || st.Mode().Perm()&0o600 != 0o600 {
		t.Errorf("artifact mode %v: want 0666 minus umask, like the gateway", st.Mode())
	}
	if got := listDir(t, filepath.Join(root, "a", "b")); len(got) != 1 {
		t.Errorf("leftovers beside the target: %v", got)
	}
}

func TestExtractReplaces(t *testing.T) {
	p := testPackage(t, []byte("new artifact"))
	dir := t.TempDir()
	for name, data := range map[string]string{EntryNative: "old", EntryWasm: "stale", EntryLicense: "stale", "notes.txt": "mine"} {
		os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644)
	}
	if err := p.Extract(dir); err != nil {
		t.Fatal(err)
	}
	want := []string{"notes.txt", EntrySignature, EntryNative, EntryDescriptor}
	if got := listDir(t, dir); len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] || got[3] != want[3] {
		t.Fatalf("after extract: %v, want %v", got, want)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, EntryNative)); string(got) != "new artifact" {
		t.Errorf("plugin.so = %q", got)
	}
}

// corruptPackage opens fine (its small entries are intact) but its artifact fails its CRC.
func corruptPackage(t *testing.T) *Package {
	t.Helper()
	art := randomish(200000, 3)
	z := packBytes(t, PackInput{Descriptor: []byte(testYAML), Artifact: bytes.NewReader(art), ArtifactName: EntryNative})
	zr, _ := zip.NewReader(bytes.NewReader(z), int64(len(z)))
	off, _ := zr.File[1].DataOffset()
	z[off+int64(zr.File[1].CompressedSize64)-40] ^= 0x01
	p, err := open(t, z)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExtractFailureLeavesNothing(t *testing.T) {
	p := corruptPackage(t)
	root := t.TempDir()
	err := p.Extract(filepath.Join(root, "new", "dir"))
	var fe *FormatError
	if !errors.As(err, &fe) {
		t.Fatalf("err = %v", err)
	}
	if got := listDir(t, root); len(got) != 0 {
		t.Errorf("fresh target: left %v", got)
	}

	existing := t.TempDir()
	os.WriteFile(filepath.Join(existing, EntryNative), []byte("old"), 0o644)
	if err := p.Extract(existing); err == nil {
		t.Fatal("corrupt package extracted")
	}
	if got := listDir(t, existing); len(got) != 1 {
		t.Errorf("existing target: now %v", got)
	}
	if got, _ := os.ReadFile(filepath.Join(existing, EntryNative)); string(got) != "old" {
		t.Error("existing file changed")
	}
}

type fullDisk struct {
	f    *os.File
	left int
}

func (d *fullDisk) Write(p []byte) (int, error) {
	if len(p) > d.left {
		n, _ := d.f.Write(p[:d.left])
		d.left = 0
		return n, &fs.PathError{Op: "write", Path: d.f.Name(), Err: syscall.ENOSPC}
	}
	d.left -= len(p)
	return d.f.Write(p)
}

func (d *fullDisk) Close() error { return d.f.Close() }

func TestExtractDiskFull(t *testing.T) {
	p := testPackage(t, randomish(2*chunkSize, 2))
	defer func(orig func(string) (writeFile, error)) { createFile = orig }(createFile)
	createFile = func(name string) (writeFile, error) {
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		return &fullDisk{f: f, left: chunkSize}, err
	}
	root := t.TempDir()
	dir := filepath.Join(root, "out")
	err := p.Extract(dir)
	var pe *fs.PathError
	if !errors.As(err, &pe) || pe.Path != filepath.Join(dir, EntryNative) || !errors.Is(pe.Err, syscall.ENOSPC) {
		t.Fatalf("err = %#v", err)
	}
	if got := listDir(t, root); len(got) != 0 {
		t.Errorf("left %v", got)
	}
}

func TestExtractRefusals(t *testing.T) {
	p := testPackage(t, []byte("x"))
	root := t.TempDir()
	file := filepath.Join(root, "file")
	os.WriteFile(file, nil, 0o644)
	if err := p.Extract(file); err == nil {
		t.Error("extracted into a file")
	}
	os.Mkdir(filepath.Join(root, "d"), 0o755)
	os.Mkdir(filepath.Join(root, "d", EntryNative), 0o755)
	if err := p.Extract(filepath.Join(root, "d")); err == nil {
		t.Error("replaced a directory")
	}
	if got := listDir(t, filepath.Join(root, "d")); len(got) != 1 {
		t.Errorf("left %v", got)
	}
}

func BenchmarkPack(b *testing.B) {
	art := randomish(64<<20, 1)
	b.SetBytes(int64(len(art)))
	for b.Loop() {
		if _, err := Write(io.Discard, PackInput{Descriptor: []byte(testYAML), Artifact: bytes.NewReader(art), ArtifactName: EntryNative}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkExtract(b *testing.B) {
	art := randomish(64<<20, 1)
	var z bytes.Buffer
	Write(&z, PackInput{Descriptor: []byte(testYAML), Artifact: bytes.NewReader(art), ArtifactName: EntryNative})
	dir := b.TempDir()
	b.SetBytes(int64(len(art)))
	for b.Loop() {
		p, err := Open(bytes.NewReader(z.Bytes()), int64(z.Len()), "bench.zip", DefaultLimits)
		if err != nil {
			b.Fatal(err)
		}
		if err := p.Extract(dir); err != nil {
			b.Fatal(err)
		}
	}
}
