package main

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/pkgzip"
)

// manyFiles writes n plain artifacts and n packages of about size bytes each into dir (the
// packages under dir/pkg) and returns their paths.
func manyFiles(tb testing.TB, dir string, n, size int) (plain, pkgs []string) {
	tb.Helper()
	r := rand.New(rand.NewPCG(5, 6))
	if err := os.MkdirAll(filepath.Join(dir, "pkg"), 0o755); err != nil {
		tb.Fatal(err)
	}
	for i := range n {
		art := make([]byte, size)
		for j := range art {
			art[j] = byte(r.IntN(16)) // compresses about 2:1, like code
		}
		p := filepath.Join(dir, fmt.Sprintf("gate-%05d.so", i))
		if err := os.WriteFile(p, art, 0o644); err != nil {
			tb.Fatal(err)
		}
		plain = append(plain, p)
		var zip bytes.Buffer
		if _, err := pkgzip.Write(&zip, pkgzip.PackInput{
			Descriptor:   []byte(fmt.Sprintf("schema: mcpg.dev/plugin/v1\nid: dev.bench.gate-%d\nname: Gate\nclass: tool_gate\nruntime: native-cdylib-v1\nprotocol_version: \"1.0\"\n", i)),
			Artifact:     bytes.NewReader(art),
			ArtifactName: pkgzip.EntryNative,
		}); err != nil {
			tb.Fatal(err)
		}
		p = filepath.Join(dir, "pkg", fmt.Sprintf("gate-%05d.zip", i))
		if err := os.WriteFile(p, zip.Bytes(), 0o644); err != nil {
			tb.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return plain, pkgs
}

// BenchmarkHashMany is the per-file cost of hash and list on many small files (`make bench`
// compares the binaries with sha256sum on the same kind of input). Run with
// `go test -run '^$' -bench Many ./plugin-hash/`.
func BenchmarkHashMany(b *testing.B) {
	const n = 200
	dir := b.TempDir()
	plain, pkgs := manyFiles(b, dir, n, 20<<10)
	for _, c := range []struct {
		name string
		run  func() error
	}{
		{"hash-plain", func() error { env, _, _ := testEnv(nil); return runHash(env, plain) }},
		{"hash-package", func() error { env, _, _ := testEnv(nil); return runHash(env, pkgs) }},
		{"list", func() error { env, _, _ := testEnv(nil); return runList(env, []string{filepath.Join(dir, "pkg")}) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				if err := c.run(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*n), "µs/file")
		})
	}
}
