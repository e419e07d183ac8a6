package pkgzip

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var fuzzLimits = Limits{MaxEntrySize: 1 << 20, MaxTotalSize: 2 << 20, MaxRatio: 200, MaxSmallSize: 64 << 10}

// fuzzSeeds are the interesting shapes: a real package, the gateway's rejections, our own.
func fuzzSeeds(t testing.TB) map[string][]byte {
	art := randomish(70000, 1)
	seeds := map[string][]byte{
		"packed":    packBytes(t, PackInput{Descriptor: []byte(testYAML), Artifact: bytes.NewReader(art), ArtifactName: EntryNative, Signature: make([]byte, 64), License: []byte("MIT")}),
		"wasm":      packBytes(t, PackInput{Descriptor: []byte(testYAML), Artifact: bytes.NewReader([]byte("\x00asm\x0d\x00\x01\x00")), ArtifactName: EntryWasm, ModTime: 1700000000}),
		"stored":    mkzip(t, yamlEnt, ent{name: EntryNative, data: []byte("abc"), store: true}),
		"slip":      mkzip(t, yamlEnt, soEnt, ent{name: "../evil"}),
		"dir":       mkzip(t, ent{name: "plugin/"}, yamlEnt, soEnt),
		"duplicate": mkzip(t, yamlEnt, soEnt, ent{name: EntryNative, data: []byte("x")}),
		"symlink":   mkzip(t, yamlEnt, ent{name: EntryNative, data: []byte("/etc"), mode: 0o120777}),
		"both":      mkzip(t, yamlEnt, soEnt, ent{name: EntryWasm}),
		"bomb":      mkzip(t, yamlEnt, ent{name: EntryNative, data: make([]byte, 3<<20)}),
		"lying":     lie(mkzip(t, yamlEnt, ent{name: EntryNative, data: art}), EntryNative, 100),
		"empty":     mkzip(t, yamlEnt, ent{name: EntryNative}),
	}
	for name, c := range hostileHeaderZips(t) {
		seeds["header-"+strings.ReplaceAll(strings.ReplaceAll(name, " ", "-"), ",", "")] = c.zip
	}
	return seeds
}

// FuzzOpen: Open never panics and fails only with a *FormatError; whatever it accepts, Extract
// either writes exactly the declared entries or fails with a *FormatError leaving nothing behind
// (Open reads the small entries; the artifact's data is checked as it is extracted). The limits
// bound memory whatever the input.
func FuzzOpen(f *testing.F) {
	for _, b := range fuzzSeeds(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Open(bytes.NewReader(data), int64(len(data)), "fuzz.zip", fuzzLimits)
		var fe *FormatError
		if err != nil {
			if !errors.As(err, &fe) {
				t.Fatalf("Open: %T %v", err, err)
			}
			return
		}
		if p.Descriptor == nil || (p.ArtifactName != EntryNative && p.ArtifactName != EntryWasm) {
			t.Fatalf("accepted without descriptor or artifact: %+v", p)
		}
		seen := map[string]bool{}
		for _, e := range p.Entries {
			if seen[e.Name] || !bytes.Contains([]byte("plugin.yaml plugin.so plugin.wasm plugin.sig LICENSE"), []byte(e.Name)) || e.Name == "" {
				t.Fatalf("accepted entry %q", e.Name)
			}
			seen[e.Name] = true
		}
		root := t.TempDir()
		dir := filepath.Join(root, "out")
		if err := p.Extract(dir); err != nil {
			if !errors.As(err, &fe) {
				t.Fatalf("Extract: %T %v", err, err)
			}
			if es, _ := os.ReadDir(root); len(es) != 0 {
				t.Fatalf("failed Extract left %v", es)
			}
			return
		}
		for _, e := range p.Entries {
			st, err := os.Stat(filepath.Join(dir, e.Name))
			if err != nil || st.Size() != e.Size {
				t.Fatalf("%s: %v, size %v, declared %d", e.Name, err, st, e.Size)
			}
		}
	})
}

// TestWriteFuzzSeeds regenerates testdata/fuzz/FuzzOpen (MCPG_WRITE_SEEDS=1 go test -run TestWriteFuzzSeeds).
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("MCPG_WRITE_SEEDS") == "" {
		t.Skip("set MCPG_WRITE_SEEDS=1 to regenerate the seed corpus")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzOpen")
	os.MkdirAll(dir, 0o755)
	for name, b := range fuzzSeeds(t) {
		file := filepath.Join(dir, fmt.Sprintf("%s-%x", name, sha256.Sum256(b))[:len(name)+9])
		if err := os.WriteFile(file, fmt.Appendf(nil, "go test fuzz v1\n[]byte(%q)\n", b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
