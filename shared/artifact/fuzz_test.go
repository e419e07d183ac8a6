package artifact

import (
	"bytes"
	"crypto/sha256"
	"debug/macho"
	"debug/pe"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func nativeSeeds(t testing.TB) map[string][]byte {
	seeds := map[string][]byte{
		"macho": machO(macho.CpuArm64, macho.TypeDylib, "_mcpg_plugin_register", "_mcpg_plugin_abi_layout"),
		"pe":    peDLL(pe.IMAGE_FILE_MACHINE_AMD64, pe.IMAGE_FILE_DLL, "mcpg_plugin_register", "mcpg_plugin_abi_layout"),
		"wasm":  []byte("\x00asm\x0d\x00\x01\x00"),
		"fat":   []byte("\xca\xfe\xba\xbe\x00\x00\x00\x01\x01\x00\x00\x0c\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x10\x00\x00\x00\x00\x00"),
	}
	if so := buildCIfPossible(t); so != nil {
		seeds["elf"] = so
	}
	return seeds
}

func buildCIfPossible(t testing.TB) (b []byte) {
	defer func() { recover() }() // buildC skips (runtime.Goexit) without cc: keep going
	ok := false
	defer func() {
		if !ok {
			b = nil
		}
	}()
	b = buildC(t, fixtureYAML, "-shared", "-s")
	ok = true
	return b
}

// FuzzCheckNative: InspectNative and Check never panic (the recover safety net is off) and
// allocate in proportion to the input, whatever bytes they are given.
func FuzzCheckNative(f *testing.F) {
	recoverPanics = false
	defer func() { recoverPanics = true }()
	for _, s := range nativeSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := InspectNative(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			return
		}
		for _, os := range []string{"linux", "darwin", "windows"} {
			for _, arch := range []string{"amd64", "arm64", "musl-amd64"} {
				n.Check(os, arch)
			}
		}
	})
}

// FuzzScanner: the scan's outcome does not depend on how the stream is cut into writes.
func FuzzScanner(f *testing.F) {
	f.Add([]byte("xx\x00"+fixtureYAML+"yy"), 5, 1)
	f.Add([]byte("schema: mcpg.dev/plugin/v1\nid: a.b\n\x00schema: mcpg.dev/plugin/v1"), 3, 7)
	f.Fuzz(func(t *testing.T, data []byte, cut, chunk int) {
		want := []byte(fixtureYAML)
		if cut > 0 && cut < len(data) { // let the input also carry the wanted descriptor
			want, data = data[:cut], data[cut:]
		}
		whole := scan(data, want, len(data)+1)
		if chunk < 1 {
			chunk = 1
		}
		pieces := scan(data, want, chunk)
		if !reflect.DeepEqual(whole, pieces) {
			t.Fatalf("whole %+v\npieces of %d %+v", whole, chunk, pieces)
		}
	})
}

// TestWriteFuzzSeeds regenerates testdata/fuzz/FuzzCheckNative (MCPG_WRITE_SEEDS=1).
func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("MCPG_WRITE_SEEDS") == "" {
		t.Skip("set MCPG_WRITE_SEEDS=1 to regenerate the seed corpus")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzCheckNative")
	os.MkdirAll(dir, 0o755)
	for name, b := range nativeSeeds(t) {
		file := filepath.Join(dir, fmt.Sprintf("%s-%x", name, sha256.Sum256(b))[:len(name)+9])
		if err := os.WriteFile(file, fmt.Appendf(nil, "go test fuzz v1\n[]byte(%q)\n", b), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
