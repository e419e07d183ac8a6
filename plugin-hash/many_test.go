package main

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
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

// TestHashManyAllocations pins the per-file cost of small inputs: hashing a small file must not
// allocate a megabyte of buffers per file (it did, three of them per stream, six per package).
// Without the race detector a file takes a few KiB and a package about 150 KiB (two inflaters);
// the bounds leave room for the race detector, which makes sync.Pool drop buffers.
func TestHashManyAllocations(t *testing.T) {
	const n = 40
	dir := t.TempDir()
	plain, pkgs := manyFiles(t, dir, n, 20<<10)
	for _, c := range []struct {
		name    string
		files   []string
		perFile uint64
	}{{"plain", plain, 512 << 10}, {"package", pkgs, 1 << 20}} {
		env, _, _ := testEnv(nil)
		if err := runHash(env, c.files[:1]); err != nil { // warm the buffer pool
			t.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if err := runHash(env, c.files); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		if got := (after.TotalAlloc - before.TotalAlloc) / n; got > c.perFile {
			t.Errorf("%s: %d bytes allocated per %d KiB file, want at most %d", c.name, got, 20, c.perFile)
		}
	}
}

// TestHashManyOrder checks that hashing files side by side keeps the output, warnings and errors
// in the order of the arguments, as hashing them one by one does.
func TestHashManyOrder(t *testing.T) {
	dir := t.TempDir()
	plain, pkgs := manyFiles(t, dir, 12, 4<<10)
	notZip := filepath.Join(dir, "fake.zip")
	if err := os.WriteFile(notZip, []byte("PK\x03\x04 not really a zip"), 0o644); err != nil {
		t.Fatal(err)
	}
	var files []string
	for i := range plain {
		files = append(files, plain[i], pkgs[i])
		if i%4 == 0 {
			files = append(files, filepath.Join(dir, "missing"+strconv.Itoa(i)), notZip)
		}
	}
	run := func(procs int, args ...string) (string, string) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		env, out, errOut := testEnv(nil)
		if code := cli.Report(io.Discard, runHash(env, append(args, files...))); code != cli.ExitIO {
			t.Fatalf("exit code %d, want %d", code, cli.ExitIO)
		}
		return out.String(), errOut.String()
	}
	for _, args := range [][]string{nil, {"--json"}} {
		wantOut, wantErr := run(1, args...)
		for range 3 {
			if out, errOut := run(4, args...); out != wantOut || errOut != wantErr {
				t.Fatalf("hash %v on 4 cores differs from one core:\nstdout %q\nwant   %q\nstderr %q\nwant   %q", args, out, wantOut, errOut, wantErr)
			}
		}
	}
}
