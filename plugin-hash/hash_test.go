package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
)

func testEnv(stdin io.Reader) (*cli.Env, *bytes.Buffer, *bytes.Buffer) {
	var out, errOut bytes.Buffer
	return &cli.Env{Stdin: stdin, Stdout: &out, Stderr: &errOut, Getenv: func(string) string { return "" }}, &out, &errOut
}

// TestHashStream checks the read-ahead hasher against crypto/sha256 across buffer boundaries and
// with readers that return short reads.
func TestHashStream(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, size := range []int{0, 1, 4095, digest.BufferSize - 1, digest.BufferSize, digest.BufferSize + 1, 5*digest.BufferSize + 17} {
		t.Run("size "+strconv.Itoa(size), func(t *testing.T) {
			data := make([]byte, size)
			for i := range data {
				data[i] = byte(r.Uint32())
			}
			want := sha256.Sum256(data)
			for name, rd := range map[string]io.Reader{
				"plain":    bytes.NewReader(data),
				"onebyte":  iotest.OneByteReader(bytes.NewReader(data)),
				"halfread": iotest.HalfReader(bytes.NewReader(data)),
			} {
				t.Run(name, func(t *testing.T) {
					if name == "onebyte" && size > 1<<16 {
						return
					}
					d, n, err := hashStream(rd)
					if err != nil || n != int64(size) || hex.EncodeToString(want[:]) != d.Hex() {
						t.Errorf("%s/%d: got %s, %d, %v; want %x", name, size, d.Hex(), n, err, want)
					}
				})
			}
		})
	}
}

// TestHashStreamError checks that a read error mid-stream is returned, not a digest of the prefix.
func TestHashStreamError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(bytes.NewReader(make([]byte, 3*digest.BufferSize)), iotest.ErrReader(boom))
	if _, _, err := hashStream(r); !errors.Is(err, boom) {
		t.Fatalf("got %v, want %v", err, boom)
	}
}

// TestHashUnreadable needs permissions to be enforced, so it cannot be a script run as root.
func TestHashUnreadable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "secret.so")
	if err := os.WriteFile(path, []byte("x"), 0); err != nil {
		t.Fatal(err)
	}
	if f, err := os.Open(path); err == nil {
		f.Close()
		t.Skip("permissions are not enforced (running as root)")
	}
	env, out, errOut := testEnv(strings.NewReader(""))
	err := runHash(env, []string{path})
	if code := cli.Report(env.Stderr, err); code != cli.ExitIO {
		t.Errorf("exit code %d, want %d", code, cli.ExitIO)
	}
	if want := "error: cannot read " + path + ": permission denied\n"; errOut.String() != want {
		t.Errorf("stderr %q, want %q", errOut.String(), want)
	}
	if out.Len() != 0 {
		t.Errorf("stdout %q, want nothing", out.String())
	}
}

// BenchmarkHashFile hashes a 256 MiB page-cached file with the read-ahead hasher and, for
// comparison, with a plain io.CopyBuffer loop (digest.FromReader). Run with
// `go test -bench HashFile -benchtime 5x ./plugin-hash/`.
func BenchmarkHashFile(b *testing.B) {
	path := filepath.Join(b.TempDir(), "big.so")
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 4))
	buf := make([]byte, 1<<20)
	for range 256 {
		for i := range buf {
			buf[i] = byte(r.Uint32())
		}
		if _, err := f.Write(buf); err != nil {
			b.Fatal(err)
		}
	}
	f.Close()
	for _, c := range []struct {
		name string
		hash func(io.Reader) (digest.Digest, int64, error)
	}{{"readahead", hashStream}, {"copybuffer", digest.FromReader}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(256 << 20)
			for b.Loop() {
				f, err := os.Open(path)
				if err != nil {
					b.Fatal(err)
				}
				if _, _, err := c.hash(f); err != nil {
					b.Fatal(err)
				}
				f.Close()
			}
		})
	}
}
