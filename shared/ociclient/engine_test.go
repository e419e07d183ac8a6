package ociclient

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/oci"
	"github.com/mcpg-dev/mcpg-plugins/shared/pkgzip"
)

const testDescriptor = `schema: mcpg.dev/plugin/v1
id: dev.test.engine
name: Engine
class: tool_gate
runtime: native-cdylib-v1
protocol_version: "1.0"
`

// testArtifact is a small valid package, ready to push.
func testArtifact(t *testing.T) (*Artifact, []byte) {
	t.Helper()
	var zip bytes.Buffer
	if _, err := pkgzip.Write(&zip, pkgzip.PackInput{Descriptor: []byte(testDescriptor),
		Artifact: strings.NewReader(strings.Repeat("plugin bytes ", 1000)), ArtifactName: pkgzip.EntryNative}); err != nil {
		t.Fatal(err)
	}
	pkg, err := pkgzip.Open(bytes.NewReader(zip.Bytes()), int64(zip.Len()), "test.zip", pkgzip.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	cfg := oci.ConfigJSON(pkg.Descriptor, false)
	raw := zip.Bytes()
	return &Artifact{Size: int64(len(raw)), Config: oci.DescriptorOf(oci.ConfigMediaType, cfg), ConfigJSON: cfg,
		Open:        func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(raw)), nil },
		LayerDigest: ComputeDigest(func() (digest.Digest, error) { return digest.Of(raw), nil })}, raw
}

// flaky cuts the first n blob transfers short.
type flaky struct {
	Store
	n int
}

func (f *flaky) FetchBlob(ctx context.Context, d string, size int64) (io.ReadCloser, error) {
	if f.n > 0 {
		f.n--
		return nil, io.ErrUnexpectedEOF
	}
	return f.Store.FetchBlob(ctx, d, size)
}

func TestPushFetchLayout(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "layout")
	art, raw := testArtifact(t)
	lay := NewLayout(dir)
	pushed, err := Push(ctx, lay, art, []string{"1.0", "latest"})
	if err != nil {
		t.Fatal(err)
	}
	if pushed.ManifestDigest != digest.Of(pushed.Manifest) || pushed.Layer.Digest != digest.Of(raw).String() {
		t.Fatalf("pushed %+v", pushed)
	}

	fetch := func(t *testing.T, st Store, target Target, opts ...Option) (*Fetched, []byte, error) {
		out := filepath.Join(t.TempDir(), "sub", "out.zip")
		dl, err := NewDownload(out)
		if err != nil {
			t.Fatal(err)
		}
		defer dl.Abort()
		f, err := Fetch(ctx, st, target, dl, opts...)
		if err != nil {
			return nil, nil, err
		}
		if err := dl.Commit(); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return f, got, nil
	}

	t.Run("by tag", func(t *testing.T) {
		f, got, err := fetch(t, lay, Target{Display: "1.0", Ident: "1.0"})
		if err != nil || !bytes.Equal(got, raw) || f.ManifestDigest != pushed.ManifestDigest.String() || f.Config == nil || f.Config.ID != "dev.test.engine" {
			t.Fatalf("fetched %+v, %d bytes, %v", f, len(got), err)
		}
	})
	t.Run("a pin that does not match is a failed check", func(t *testing.T) {
		_, _, err := fetch(t, lay, Target{Display: "1.0", Ident: "1.0", Pin: "sha256:" + strings.Repeat("0", 64)})
		var ce *CheckError
		if !errors.As(err, &ce) || !strings.Contains(ce.Msg, "does not match") {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("a cut transfer is fetched again", func(t *testing.T) {
		st := &flaky{Store: lay, n: 1}
		_, got, err := fetch(t, st, Target{Display: "1.0", Ident: "1.0"},
			WithRetries(1), WithRetryPredicate(Retryable), WithRetryBackoff(func(int) time.Duration { return 0 }))
		if err != nil || !bytes.Equal(got, raw) || st.n != 0 {
			t.Fatalf("%d bytes, %v", len(got), err)
		}
	})
	t.Run("without retries it names the blob", func(t *testing.T) {
		_, _, err := fetch(t, &flaky{Store: lay, n: 1}, Target{Display: "1.0", Ident: "1.0"})
		var be *BlobError
		if !errors.As(err, &be) || be.Kind != "config" || !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("err %v", err)
		}
	})
	t.Run("an unknown tag names the ones there are", func(t *testing.T) {
		_, _, err := fetch(t, lay, Target{Display: "2.0", Ident: "2.0"})
		if err == nil || !strings.Contains(err.Error(), "it has 1.0, latest") {
			t.Fatalf("err %v", err)
		}
	})
}

func TestDownloadAbortRemovesWhatItMade(t *testing.T) {
	root := t.TempDir()
	dl, err := NewDownload(filepath.Join(root, "a", "b", "out.zip"))
	if err != nil {
		t.Fatal(err)
	}
	dl.Abort()
	if entries, _ := os.ReadDir(root); len(entries) != 0 {
		t.Fatalf("left behind: %v", entries)
	}
}

// A titled artifact's manifest is the untitled one plus the layer's title annotation, and our
// fetch (which checks what the gateway's pull checks) takes it.
func TestPushTitledArtifact(t *testing.T) {
	ctx := context.Background()
	art, raw := testArtifact(t)
	lay := NewLayout(filepath.Join(t.TempDir(), "layout"))
	plain, err := Push(ctx, lay, art, []string{"plain"})
	if err != nil {
		t.Fatal(err)
	}
	art.Title = "mcpg-plugin-engine_1.0.0_linux_amd64.zip"
	titled, err := Push(ctx, lay, art, []string{"titled"})
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Replace(string(plain.Manifest), `"layers":[{"digest"`,
		`"layers":[{"annotations":{"org.opencontainers.image.title":"mcpg-plugin-engine_1.0.0_linux_amd64.zip"},"digest"`, 1)
	if string(titled.Manifest) != want || want == string(plain.Manifest) {
		t.Fatalf("titled manifest\n%s\nwant\n%s", titled.Manifest, want)
	}
	if titled.ManifestDigest == plain.ManifestDigest || titled.Layer.Title != art.Title || titled.Layer.Digest != plain.Layer.Digest {
		t.Fatalf("titled push %+v, plain %+v", titled, plain)
	}

	out := filepath.Join(t.TempDir(), "out.zip")
	dl, err := NewDownload(out)
	if err != nil {
		t.Fatal(err)
	}
	defer dl.Abort()
	f, err := Fetch(ctx, lay, Target{Display: "titled", Ident: "titled"}, dl)
	if err != nil {
		t.Fatal(err)
	}
	if err := dl.Commit(); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil || !bytes.Equal(got, raw) || f.ManifestDigest != titled.ManifestDigest.String() || f.Config == nil {
		t.Fatalf("fetched %+v, %d bytes, %v", f, len(got), err)
	}
}
