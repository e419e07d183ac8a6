package digest

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// Vectors from docs/contract.md §3 and §9.
var vectors = []struct{ msg, hex string }{
	{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
	{"hello world", "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"},
	{"plugin artifact bytes", "55910f9ece718c759f45fad0b4aa769da7dd1cc170d6150cca2f52b8b818266d"},
	{"plugin-bytes-go-here", "5cc1db2d8b2122b838658bd6f5fe6723fa02683b9bfc5941774862ce423f0f36"},
	{"properly-signed-but-revoked plugin", "51f811c66b6f9b5ec668484556d65c957dc93b0086d390c30a703da3fb3f39f2"},
	{"not-really-a-dylib", "d33638cfba371ff8cc78d656807bf8a03b5d0d1c44ccd5c1e9ba21c28cac9bad"},
	{"bytes", "277089d91c0bdf4f2e6862ba7e4a07605119431f5d13f726dd352b06f1b206a9"},
	{"fake plugin", "e7afb1f4ae45e224dcf18efc9d61b14fd085ac71337e17920d1101aaafb501bb"},
	{"compromised plugin bytes", "af378b68d1f9d6ffb240893b944604d9e603b58071d7d3cf9ab151cf9c314ee2"},
	{"clean plugin bytes", "0f6441e8f35e04778217f2ce2cfea6f4f0f5b873dc0cfcf36b2b46d6d2403d5b"},
}

func TestContractVectors(t *testing.T) {
	for _, v := range vectors {
		t.Run(v.msg, func(t *testing.T) {
			d, n, err := FromReader(strings.NewReader(v.msg))
			if err != nil || n != int64(len(v.msg)) {
				t.Fatalf("FromReader(%q): n=%d err=%v", v.msg, n, err)
			}
			if d.Hex() != v.hex || d.String() != "sha256:"+v.hex || Of([]byte(v.msg)) != d {
				t.Errorf("%q: got %s, want %s", v.msg, d.Hex(), v.hex)
			}
			if d.Short() != v.hex[:16] {
				t.Errorf("Short: %s", d.Short())
			}
		})
	}
}

func TestParse(t *testing.T) {
	h := vectors[1].hex
	for _, s := range []string{h, "sha256:" + h, "SHA256:" + strings.ToUpper(h), " " + h + "\n"} {
		t.Run(s, func(t *testing.T) {
			d, err := Parse(s)
			if err != nil || d.Hex() != h {
				t.Errorf("Parse(%q) = %v, %v", s, d, err)
			}
		})
	}
	for _, s := range []string{"", "sha256:", h[:63], h + "0", "sha512:" + h, strings.Replace(h, "b", "g", 1)} {
		t.Run(s, func(t *testing.T) {
			if _, err := Parse(s); err == nil {
				t.Errorf("Parse(%q) accepted", s)
			}
		})
	}
}

// TestFileAllocations: hashing many small files reuses one buffer instead of allocating a
// megabyte per file.
func TestFileAllocations(t *testing.T) {
	path := filepath.Join(t.TempDir(), "small.so")
	if err := os.WriteFile(path, make([]byte, 20<<10), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, _, err := File(path); err != nil { // fills the pool
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range 20 {
		if _, _, err := File(path); err != nil {
			t.Fatal(err)
		}
	}
	runtime.ReadMemStats(&after)
	// The race detector makes sync.Pool drop some buffers; the bound still catches one per file.
	if perFile := (after.TotalAlloc - before.TotalAlloc) / 20; perFile > 512<<10 {
		t.Errorf("File allocates %d bytes per 20 KiB file, want a few KiB", perFile)
	}
}
