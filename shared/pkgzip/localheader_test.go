package pkgzip

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// localAt and centralAt find the local header and the central record of the entry named name.
func localAt(t testing.TB, z []byte, name string) int {
	t.Helper()
	le := binary.LittleEndian
	for off := 0; off+30 < len(z); off++ {
		if le.Uint32(z[off:]) == sigLocal {
			if n := int(le.Uint16(z[off+26:])); off+30+n <= len(z) && string(z[off+30:off+30+n]) == name {
				return off
			}
		}
	}
	t.Fatalf("no local header for %s", name)
	return 0
}

// descriptorAt finds the data descriptor that follows name's data (its signature).
func descriptorAt(t testing.TB, z []byte, name string) int {
	t.Helper()
	p, err := open(t, z)
	if err != nil {
		t.Fatal(err)
	}
	off, _ := p.files[name].DataOffset()
	i := int(off) + int(p.files[name].CompressedSize64)
	if binary.LittleEndian.Uint32(z[i:]) != sigDescriptor {
		t.Fatalf("%s: no data descriptor at %d", name, i)
	}
	return i
}

// patch returns a copy of z with the little-endian value v (2 or 4 bytes) written at off.
func patch(z []byte, off int, v uint32, width int) []byte {
	z = bytes.Clone(z)
	if width == 2 {
		binary.LittleEndian.PutUint16(z[off:], uint16(v))
	} else {
		binary.LittleEndian.PutUint32(z[off:], v)
	}
	return z
}

// hostileHeaderZips are valid packages with one field of a local header or data descriptor
// changed, and the message Open gives for each.
func hostileHeaderZips(t testing.TB) map[string]struct {
	zip  []byte
	want string
} {
	plain := mkzip(t, yamlEnt, ent{name: EntryNative, data: randomish(5000, 9), mode: 0o100755})
	packed := packBytes(t, PackInput{Descriptor: []byte(testYAML), Artifact: bytes.NewReader(randomish(5000, 9)), ArtifactName: EntryNative})
	so, pso, dso := localAt(t, plain, EntryNative), localAt(t, packed, EntryNative), descriptorAt(t, packed, EntryNative)
	le := binary.LittleEndian
	renamed := bytes.Clone(plain)
	copy(renamed[so+30:], "plugin.sx")
	return map[string]struct {
		zip  []byte
		want string
	}{
		"name":             {renamed, "test.zip: plugin.so: local header says name plugin.sx, central directory says plugin.so"},
		"method":           {patch(plain, so+8, 0, 2), "test.zip: plugin.so: local header says method 0, central directory says 8"},
		"flags":            {patch(plain, so+6, 0x0800, 2), "test.zip: plugin.so: local header says flags 0x0800, central directory says 0x0000"},
		"crc":              {patch(plain, so+14, le.Uint32(plain[so+14:])^1, 4), "test.zip: plugin.so: local header says CRC-32 "},
		"compressed size":  {patch(plain, so+18, le.Uint32(plain[so+18:])-1, 4), "test.zip: plugin.so: local header says compressed size "},
		"size":             {patch(plain, so+22, 4000, 4), "test.zip: plugin.so: local header says size 4000, central directory says 5000"},
		"descriptor flag":  {patch(packed, pso+6, 0, 2), "test.zip: plugin.so: local header says flags 0x0000, central directory says 0x0008"},
		"filled in, wrong": {patch(packed, pso+22, 4000, 4), "test.zip: plugin.so: local header says size 4000, central directory says 5000"},
		"descriptor crc":   {patch(packed, dso+4, le.Uint32(packed[dso+4:])^1, 4), "test.zip: plugin.so: data descriptor says CRC-32 "},
		"descriptor size":  {patch(packed, dso+12, 4000, 4), "test.zip: plugin.so: data descriptor says size 4000, central directory says 5000"},
	}
}

func TestLocalHeaderDisagrees(t *testing.T) {
	for name, c := range hostileHeaderZips(t) {
		t.Run(name, func(t *testing.T) {
			_, err := open(t, c.zip)
			var fe *FormatError
			if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("got  %v\nwant a FormatError starting %q", err, c.want)
			}
		})
	}
}

// TestOtherReadersAgree: where Python's zipfile or `unzip -t` look at the field at all, they find
// the hostile zip bad too. (Neither compares local sizes or a data descriptor with the central
// directory; a streaming reader, which has only those, would read another file.)
func TestOtherReadersAgree(t *testing.T) {
	_, pyErr := exec.LookPath("python3")
	_, uzErr := exec.LookPath("unzip")
	if pyErr != nil && uzErr != nil {
		t.Skip("needs python3 or unzip")
	}
	noticed := []string{"name", "method", "flags", "crc", "compressed size", "descriptor flag"}
	zips := hostileHeaderZips(t)
	dir := t.TempDir()
	for _, name := range noticed {
		file := filepath.Join(dir, strings.ReplaceAll(name, " ", "_")+".zip")
		if err := os.WriteFile(file, zips[name].zip, 0o644); err != nil {
			t.Fatal(err)
		}
		var verdicts []string
		if pyErr == nil {
			out, err := runBounded("python3", "-c", "import sys, zipfile\nbad = zipfile.ZipFile(sys.argv[1]).testzip()\nsys.exit(bad and 'bad entry ' + bad)", file)
			verdicts = append(verdicts, "python3: "+out)
			if err != nil {
				continue
			}
		}
		if uzErr == nil {
			out, err := runBounded("unzip", "-t", file)
			verdicts = append(verdicts, "unzip -t: "+out)
			if err != nil {
				continue
			}
		}
		t.Errorf("%s: other readers accept it:\n%s", name, strings.Join(verdicts, "\n"))
	}
}

// TestOtherWritersAccepted: zips with data descriptors from other writers pass the comparison.
func TestOtherWritersAccepted(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, EntryDescriptor), []byte(testYAML), 0o644)
	os.WriteFile(filepath.Join(dir, EntryNative), randomish(70000, 4), 0o755)
	for _, w := range []struct {
		tool string
		args []string
	}{
		// Written to a pipe, both stream: local headers without sizes, then data descriptors.
		{"python3", []string{"-c", "import sys, zipfile\nz = zipfile.ZipFile(sys.stdout.buffer, 'w', zipfile.ZIP_DEFLATED)\nfor n in sys.argv[1:]: z.write(n)\nz.close()", EntryDescriptor, EntryNative}},
		{"zip", []string{"-q", "-", EntryDescriptor, EntryNative}},
	} {
		if _, err := exec.LookPath(w.tool); err != nil {
			t.Logf("%s: not installed", w.tool)
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		cmd := exec.CommandContext(ctx, w.tool, w.args...)
		cmd.Dir = dir
		out, err := cmd.Output()
		cancel()
		if err != nil {
			t.Fatalf("%s: %v", w.tool, err)
		}
		p, err := open(t, out)
		if err != nil {
			t.Errorf("%s: %v", w.tool, err)
			continue
		}
		if p.files[EntryNative].Flags&flagDescriptor == 0 {
			t.Errorf("%s: wrote no data descriptor; the case is not exercised", w.tool)
		}
	}
}

// runBounded runs a reader over a file, never for more than ten seconds.
func runBounded(name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	return strings.TrimSpace(string(out)), err
}
