package main

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
)

func TestReadAheadMatchesReaderAt(t *testing.T) {
	data := make([]byte, 300_000)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(r.Uint32())
	}
	want := bytes.NewReader(data)
	ra := newReadAhead(want, int64(len(data)), 4096)
	for i := 0; i < 5000; i++ {
		n := r.IntN(10_000)
		off := int64(r.IntN(len(data) + 100))
		if i%3 == 0 { // mostly sequential, as a decompressor reads
			off = int64(i * 97 % len(data))
		}
		a, b := make([]byte, n), make([]byte, n)
		na, ea := ra.ReadAt(a, off)
		nb, eb := want.ReadAt(b, off)
		if na != nb || !bytes.Equal(a[:na], b[:nb]) || (ea == nil) != (eb == nil) {
			t.Fatalf("ReadAt(%d bytes at %d) = %d, %v; want %d, %v", n, off, na, ea, nb, eb)
		}
	}
}

func TestProgress(t *testing.T) {
	env := &cli.Env{Stderr: &bytes.Buffer{}, Getenv: func(string) string { return "" }}
	if p := newProgress(env, "pushing", 1<<30); p != nil {
		t.Fatal("a progress bar on a stderr that is not a terminal")
	}
	var nilBar *progress
	rc := io.NopCloser(strings.NewReader("x"))
	if nilBar.reader(rc) != rc {
		t.Fatal("without a bar the reader must pass through untouched")
	}
	nilBar.finish()

	old := progressInterval
	progressInterval = time.Millisecond
	defer func() { progressInterval = old }()
	var out syncWriter
	p := startProgress(&out, "pulling", 4<<20)
	io.Copy(io.Discard, p.reader(io.NopCloser(bytes.NewReader(make([]byte, 3<<20)))))
	time.Sleep(20 * time.Millisecond)
	p.finish()
	s := out.String()
	if !strings.Contains(s, "\r\033[Kpulling 3.0 MiB / 4.0 MiB  75%") || !strings.HasSuffix(s, "\r\033[K") {
		t.Fatalf("progress output %q", s)
	}
}

type syncWriter struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (w *syncWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.Write(p)
}

func (w *syncWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.b.String()
}

func TestLayoutTagArg(t *testing.T) {
	hex := strings.Repeat("ab", 32)
	for in, ok := range map[string]bool{
		"1.0.0": true, "protocol-1-linux-amd64": true, "_x": true, "@sha256:" + hex: true,
		"": false, "-x": false, "a/b": false, "a:b": false, "@sha256:" + strings.ToUpper(hex): false,
		"@sha256:abc": false, "@sha512:" + hex: false, strings.Repeat("t", 129): false,
	} {
		t.Run(fmt.Sprintf("%q", in), func(t *testing.T) {
			_, _, err := layoutTag(in)
			if (err == nil) != ok {
				t.Errorf("layoutTag(%q): %v", in, err)
			}
			if err != nil && cli.CodeOf(err) != cli.ExitUsage {
				t.Errorf("layoutTag(%q): exit %d", in, cli.CodeOf(err))
			}
		})
	}
}

func TestGatewayView(t *testing.T) {
	env := &cli.Env{Getenv: func(k string) string {
		if k == oci.EnvDefaultRegistry {
			return " registry.corp/plugins/ "
		}
		return ""
	}}
	g, err := newGatewayView(env, "linux-musl-amd64", "", []string{"https://harbor.corp/mirror/", "cache.local:5000"})
	if err != nil {
		t.Fatal(err)
	}
	got := g.Attempts("audit:1.2")
	want := []string{
		"harbor.corp/mirror/plugins/audit:1.2-linux-musl-amd64", "cache.local:5000/plugins/audit:1.2-linux-musl-amd64", "registry.corp/plugins/audit:1.2-linux-musl-amd64",
		"harbor.corp/mirror/plugins/audit:1.2-wasi-wasm", "cache.local:5000/plugins/audit:1.2-wasi-wasm", "registry.corp/plugins/audit:1.2-wasi-wasm",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("attempts:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if c := g.Candidates("ghcr.io/org/audit@sha256:" + strings.Repeat("0", 64)); len(c) != 1 {
		t.Fatalf("a digest reference is used verbatim: %q", c)
	}
	for _, bad := range []string{"http://harbor.corp", "u:p@harbor.corp/x"} {
		t.Run("mirror "+bad, func(t *testing.T) {
			if _, err := newGatewayView(env, "", "", []string{bad}); cli.CodeOf(err) != cli.ExitUsage || strings.Contains(err.Error(), "u:p") {
				t.Errorf("mirror %q: %v", bad, err)
			}
		})
	}
}
