package digestcache

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
)

func TestLookupStoreForget(t *testing.T) {
	c := At(t.TempDir())
	path := filepath.Join(t.TempDir(), "pkg.zip")
	if err := os.WriteFile(path, []byte("package bytes"), 0o644); err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open(path)
	defer f.Close()
	if _, ok := c.Lookup(f); ok {
		t.Fatal("hit before store")
	}
	d := digest.Of([]byte("package bytes"))
	c.Store(f, d)
	if got, ok := c.Lookup(f); !ok || got != d {
		t.Fatalf("Lookup = %v, %v", got, ok)
	}
	c.Forget(f)
	if _, ok := c.Lookup(f); ok {
		t.Fatal("hit after forget")
	}
}

// Rewriting a file in place — same size, same mtime set back — still misses: ctime moved.
func TestChangedFileMisses(t *testing.T) {
	c := At(t.TempDir())
	path := filepath.Join(t.TempDir(), "pkg.zip")
	os.WriteFile(path, []byte("aaaa"), 0o644)
	f, _ := os.Open(path)
	st, _ := f.Stat()
	c.Store(f, digest.Of([]byte("aaaa")))
	f.Close()

	time.Sleep(10 * time.Millisecond)
	if err := os.WriteFile(path, []byte("bbbb"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(path, st.ModTime(), st.ModTime())
	f, _ = os.Open(path)
	defer f.Close()
	if d, ok := c.Lookup(f); ok {
		t.Fatalf("stale hit %v for a rewritten file", d)
	}
}

func TestNilCacheIsOff(t *testing.T) {
	var c *Cache
	f, _ := os.Open(os.Args[0])
	defer f.Close()
	c.Store(f, digest.Digest{})
	if _, ok := c.Lookup(f); ok {
		t.Fatal("nil cache hit")
	}
}

func TestVouch(t *testing.T) {
	c := At(t.TempDir())
	path := filepath.Join(t.TempDir(), "pkg.zip")
	os.WriteFile(path, []byte("zip"), 0o644)
	f, _ := os.Open(path)
	defer f.Close()
	if c.Vouched(f, "package-valid 1") {
		t.Fatal("vouched before Vouch")
	}
	c.Vouch(f, "package-valid 1")
	if !c.Vouched(f, "package-valid 1") || c.Vouched(f, "package-valid 2") {
		t.Fatal("claims must match exactly")
	}
	if _, ok := c.Lookup(f); ok {
		t.Fatal("a claim is not a digest")
	}
	time.Sleep(10 * time.Millisecond)
	os.WriteFile(path, []byte("zap"), 0o644)
	g, _ := os.Open(path)
	defer g.Close()
	if c.Vouched(g, "package-valid 1") {
		t.Fatal("a rewritten file keeps its claim")
	}
}

func TestSweepRemovesStaleEntries(t *testing.T) {
	dir := t.TempDir()
	c := At(dir)
	stale, fresh := filepath.Join(dir, "stale"), filepath.Join(dir, "fresh")
	os.WriteFile(stale, []byte("x"), 0o600)
	os.WriteFile(fresh, []byte("x"), 0o600)
	old := time.Now().Add(-maxAge - time.Hour)
	os.Chtimes(stale, old, old)
	for i := 0; i < 2000; i++ { // sweep runs on about one call in 32
		c.sweep()
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Fatal("a stale entry survived")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Fatal("a fresh entry was removed")
	}
}
