package testregistry

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/pkgzip"
)

// Descriptor is the plugin.yaml of the packages WritePackage makes.
const Descriptor = `schema: mcpg.dev/plugin/v1
id: dev.test.oci-gate
name: OCI Gate
class: tool_gate
runtime: native-cdylib-v1
protocol_version: "1.0"
`

// WritePackage writes a valid native package zip to path — Descriptor plus a plugin.so of size
// pseudo-random bytes from seed (incompressible, so the zip is about size bytes; no ELF is needed,
// push validates the package as the gateway's unpack does, not the artifact) — and returns the
// zip's digest as "sha256:<hex>".
func WritePackage(t testing.TB, path string, size int64, seed uint64) string {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.New()
	_, err = pkgzip.Write(io.MultiWriter(f, h), pkgzip.PackInput{
		Descriptor:   []byte(Descriptor),
		Artifact:     io.LimitReader(RandReader(seed), size),
		ArtifactName: pkgzip.EntryNative,
	})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatalf("testregistry: writing package %s: %v", path, err)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil))
}

// RandReader returns an endless deterministic stream of pseudo-random bytes for seed.
func RandReader(seed uint64) io.Reader {
	return &randReader{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

type randReader struct{ r *rand.Rand }

func (r *randReader) Read(p []byte) (int, error) {
	for i := 0; i < len(p); i += 8 {
		v := r.r.Uint64()
		for j := 0; j < 8 && i+j < len(p); j++ {
			p[i+j] = byte(v >> (8 * j))
		}
	}
	return len(p), nil
}
