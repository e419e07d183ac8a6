package gwcache

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/mcpg-dev/mcpg-plugins/shared/digest"
	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
)

// StoreLockWait is how long StorePull waits for the cache lock, held by another pull's commit
// (short) or a running gc (which, with --unpack-cache, hashes every zip it keeps).
var StoreLockWait = 2 * time.Minute

// Stored is what StorePull put in the cache.
type Stored struct {
	Path    string        // the zip
	Sidecar string        // its .layer-sha256 sidecar
	Digest  digest.Digest // sha256 of the zip bytes, as written to the sidecar
	Size    int64
}

// StorePull writes a pulled zip into the gateway's OCI cache dir (created if missing) under the
// name the gateway derives from firstCandidate (FileName), with its sidecar "sha256:<hex>", so a
// gateway booting later uses it without network access. It returns the zip's path. See Store.
func StorePull(dir, firstCandidate string, zip io.Reader) (path string, err error) {
	s, err := Store(dir, firstCandidate, zip, nil)
	return s.Path, err
}

// Store is StorePull returning everything it wrote. When want is non-nil (the layer digest the
// manifest promised) the zip is committed only if its bytes hash to it; on a mismatch nothing in
// the cache changes.
//
// The gateway trusts a zip whose sidecar parses and equals the zip's sha256, and on a mismatch
// deletes both and pulls again. Because the anchor is a content hash, no interleaving of two
// file writes can make the gateway accept bytes other than the sidecar's; what the order below
// guarantees in addition is the invariant "a sidecar, whenever present, names the bytes of the
// zip beside it", at every instant and across a crash or power loss:
//
//  1. the zip is streamed into a hidden temporary file in dir and fsynced — the cache is untouched;
//  2. under the cache lock, the old sidecar is removed (state: old zip, no anchor → re-pull);
//  3. the zip is renamed over the old one (state: new zip, no anchor → re-pull);
//  4. the sidecar is written to a temporary file, fsynced and renamed into place (the new pair).
//
// The directory is fsynced after each step, so a sidecar never survives a crash that the zip it
// describes did not. Renaming the zip while the old sidecar remains, or writing the sidecar
// first, would leave a sidecar describing other bytes for a while (harmless to today's gateway,
// which rehashes, but not to any reader that trusts the pair). The temporary zip is flock'ed
// while it is written so cache gc can tell an abandoned one (a killed pull) from one in progress.
func Store(dir, firstCandidate string, zip io.Reader, want *digest.Digest) (Stored, error) {
	if firstCandidate == "" {
		return Stored{}, errors.New("gwcache: empty reference")
	}
	if err := os.MkdirAll(dir, 0o777); err != nil {
		return Stored{}, fileio.IOError("create cache directory", dir, err)
	}
	s := Stored{Path: filepath.Join(dir, FileName(firstCandidate))}
	s.Sidecar = SidecarName(s.Path)

	// The temporary file is created and flock'ed under the cache lock, so gc (which holds that
	// lock while it looks for abandoned temporary files) never sees it unlocked.
	l, err := lockFor(dir)
	if err != nil {
		return Stored{}, err
	}
	out, err := fileio.CreateAtomic(s.Path, 0o666)
	if err == nil {
		if _, lerr := tryLock(out.File()); lerr != nil {
			out.Abort()
			err = fileio.IOError("lock", out.File().Name(), lerr)
		}
	}
	l.Unlock()
	if err != nil {
		return Stored{}, err
	}
	defer out.Abort()

	h := digest.New()
	n, err := io.CopyBuffer(io.MultiWriter(out, h), zip, make([]byte, digest.BufferSize))
	if err != nil {
		return Stored{}, readOrWriteError(err, s.Path)
	}
	s.Digest, s.Size = digest.FromHash(h), n
	if want != nil && s.Digest != *want {
		return Stored{}, fmt.Errorf("%s: the pulled zip's digest is %s, expected %s; the cache was not changed", s.Path, s.Digest, *want)
	}

	l, err = lockFor(dir)
	if err != nil {
		return Stored{}, err
	}
	defer l.Unlock()
	crashPoint("zip streamed")
	if err := os.Remove(s.Sidecar); err != nil && !errors.Is(err, os.ErrNotExist) {
		return Stored{}, fileio.IOError("remove", s.Sidecar, err)
	}
	if err := syncDir(dir); err != nil {
		return Stored{}, err
	}
	crashPoint("old sidecar removed")
	if err := out.Commit(); err != nil {
		return Stored{}, err
	}
	if err := syncDir(dir); err != nil {
		return Stored{}, err
	}
	crashPoint("zip renamed")
	if err := fileio.WriteFileAtomic(s.Sidecar, SidecarContent(s.Digest), 0o666); err != nil {
		return Stored{}, err
	}
	return s, syncDir(dir)
}

// crashPoint lets tests inspect (or abort at) the cache state between the steps of Store.
var crashPoint = func(step string) {}

func lockFor(dir string) (*CacheLock, error) {
	l, err := Lock(dir, StoreLockWait)
	switch {
	case errors.Is(err, ErrLocked):
		return nil, fmt.Errorf("cannot write into the cache %s: still locked by another process after %s (a running cache gc or pull)", dir, StoreLockWait)
	case err != nil:
		return nil, fileio.IOError("lock", filepath.Join(dir, LockFileName), err)
	}
	return l, nil
}

// readOrWriteError keeps write errors (already *fileio.Error values naming the file) and words
// others as a failed read of the source.
func readOrWriteError(err error, path string) error {
	var fe *fileio.Error
	if errors.As(err, &fe) {
		return err
	}
	return fmt.Errorf("cannot read the zip for %s: %w", path, err)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fileio.IOError("sync", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fileio.IOError("sync", dir, err)
	}
	return nil
}

// IsTempName reports whether name is one of StorePull's temporary files (".<zip>.tmp-<n>" or
// ".<zip>.layer-sha256.tmp-<n>", fileio.CreateAtomic's naming) — what gc may clean up.
func IsTempName(name string) bool {
	if !strings.HasPrefix(name, ".") {
		return false
	}
	i := strings.LastIndex(name, ".tmp-")
	if i < 0 || i+len(".tmp-") == len(name) {
		return false
	}
	for _, c := range name[i+len(".tmp-"):] {
		if c < '0' || c > '9' {
			return false
		}
	}
	base := name[1:i]
	_, sidecar := ZipOfSidecar(base)
	return sidecar || strings.HasSuffix(base, ZipSuffix) && len(base) > len(ZipSuffix)
}

// TempAbandoned reports whether the temporary file at path is no longer being written: nobody
// holds its flock. Call it with the cache lock held (writers create and lock their temporary
// files under it).
func TempAbandoned(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	return tryLock(f)
}
