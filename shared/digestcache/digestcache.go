// Package digestcache remembers facts about large files by their identity (device, inode, size,
// modification and change times), as git's index does: their SHA-256, and that they passed a full
// check. Pushing a package that pack just wrote, or pushing it again to a second registry, then
// neither hashes nor re-validates it. A remembered digest is only a claim: registries verify every
// blob's digest when the upload is committed, and callers drop the entry and rehash when a registry
// disagrees. Files that change keep their inode but always get a new ctime, which userspace cannot
// set back, so a changed file is checked afresh.
package digestcache

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
)

// Cache is a directory of entries, one small file per identity.
type Cache struct{ dir string }

// Default is <user cache dir>/mcpg-plugins/digests; nil when there is no usable cache dir.
func Default() *Cache {
	base, err := os.UserCacheDir()
	if err != nil {
		return nil
	}
	return &Cache{dir: filepath.Join(base, "mcpg-plugins", "digests")}
}

// At uses dir (tests).
func At(dir string) *Cache { return &Cache{dir: dir} }

// Lookup returns the remembered digest of f, if f is unchanged since it was stored.
func (c *Cache) Lookup(f *os.File) (digest.Digest, bool) {
	name, ok := c.entry(f, "sha256")
	if !ok {
		return digest.Digest{}, false
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return digest.Digest{}, false
	}
	d, err := digest.Parse(strings.TrimSpace(string(b)))
	return d, err == nil
}

// Store remembers d as the digest of f. Failures are ignored: the cache only saves time.
func (c *Cache) Store(f *os.File, d digest.Digest) {
	name, ok := c.entry(f, "sha256")
	if !ok || os.MkdirAll(c.dir, 0o700) != nil {
		return
	}
	_ = fileio.WriteFileAtomic(name, []byte(d.String()+"\n"), 0o600)
	c.sweep()
}

// maxAge is how long an entry nobody wrote again is kept. Lookups do not refresh it: entries are
// rewritten by every pack and push that computes them, and an old one costs one rehash.
const maxAge = 30 * 24 * time.Hour

// sweep removes stale entries, on about one write in 32 so the directory stays small at no
// noticeable cost.
func (c *Cache) sweep() {
	if rand.IntN(32) != 0 {
		return
	}
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > maxAge {
			os.Remove(filepath.Join(c.dir, e.Name()))
		}
	}
}

// Forget drops f's entry (a registry rejected the remembered digest).
func (c *Cache) Forget(f *os.File) {
	if name, ok := c.entry(f, "sha256"); ok {
		os.Remove(name)
	}
}

// Vouch records that f, as it is now, passed the check named by claim. Claims should name the
// check and the tool version that made it ("package-valid 0.1.0"): a newer checker re-checks.
func (c *Cache) Vouch(f *os.File, claim string) {
	name, ok := c.entry(f, "claim "+claim)
	if !ok || os.MkdirAll(c.dir, 0o700) != nil {
		return
	}
	_ = fileio.WriteFileAtomic(name, []byte(claim+"\n"), 0o600)
	c.sweep()
}

// Vouched reports whether f is unchanged since Vouch(f, claim).
func (c *Cache) Vouched(f *os.File, claim string) bool {
	name, ok := c.entry(f, "claim "+claim)
	if !ok {
		return false
	}
	b, err := os.ReadFile(name)
	return err == nil && string(b) == claim+"\n"
}

// entry names the file holding fact about f, or reports that f cannot be identified reliably.
func (c *Cache) entry(f *os.File, fact string) (string, bool) {
	if c == nil {
		return "", false
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return "", false
	}
	id, ok := identity(st)
	if !ok {
		return "", false
	}
	abs, err := filepath.Abs(f.Name())
	if err != nil {
		return "", false
	}
	key := sha256.Sum256([]byte(fmt.Sprintf("v1\x00%s\x00%s\x00%s", abs, id, fact)))
	return filepath.Join(c.dir, hex.EncodeToString(key[:16])), true
}
