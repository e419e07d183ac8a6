package keys

import (
	"crypto/ed25519"
	"crypto/sha512"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
)

const benchSize = 64 << 20

// benchFile writes a 64 MiB file of pseudo-random bytes; benchmarks read it from the page cache
// like the CLI reads a freshly built artifact.
func benchFile(b *testing.B) *os.File {
	path := filepath.Join(b.TempDir(), "artifact.so")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(7, 8))
	buf := make([]byte, 1<<20)
	for range benchSize / len(buf) {
		for i := range buf {
			buf[i] = byte(rng.Uint32())
		}
		if _, err := f.Write(buf); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(benchSize)
	return f
}

// BenchmarkSHA512 is the yardstick: one SHA-512 pass over the same file.
func BenchmarkSHA512(b *testing.B) {
	f := benchFile(b)
	for b.Loop() {
		h := sha512.New()
		if _, err := io.CopyBuffer(h, io.NewSectionReader(f, 0, benchSize), make([]byte, bufferSize)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSign(b *testing.B) {
	f := benchFile(b)
	for b.Loop() {
		if _, _, err := SignAndHash(seed42(), f, benchSize); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerify(b *testing.B) {
	f := benchFile(b)
	sig, err := Sign(seed42(), f, benchSize)
	if err != nil {
		b.Fatal(err)
	}
	pub := seed42().Public().(ed25519.PublicKey)
	for b.Loop() {
		ok, _, _, err := VerifyAndHash(pub, io.NewSectionReader(f, 0, benchSize), sig)
		if err != nil || !ok {
			b.Fatal("verification failed", err)
		}
	}
}
