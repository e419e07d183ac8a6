package gwcache

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// LockFileName is the advisory lock file in a cache directory. It is hidden and not a *.zip, so
// neither the gateway nor cache gc ever mistakes it for a cache entry.
const LockFileName = ".mcpg-plugins.lock"

// ErrLocked is returned (wrapped) by Lock when another process still holds the lock after the wait.
var ErrLocked = errors.New("the cache is locked by another process")

// lockPoll is how often Lock retries while waiting.
const lockPoll = 25 * time.Millisecond

// CacheLock is a held cache lock; Unlock releases it (safe to call twice).
type CacheLock struct {
	f *os.File
}

// Lock takes the exclusive advisory lock of the cache directory dir (flock on dir/LockFileName,
// created if missing), waiting up to wait for a holder to let go. It serialises this project's
// writers — a pull committing into the cache, gc deciding and deleting — so gc never removes a
// zip that a concurrent pull has just put in place. The gateway takes no lock; see the package
// comment for why that is safe. The lock is released when the process exits, however it exits.
// On systems without flock the lock is a no-op.
func Lock(dir string, wait time.Duration) (*CacheLock, error) {
	path := filepath.Join(dir, LockFileName)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o666)
	if err != nil {
		return nil, err
	}
	deadline := time.Now().Add(wait)
	for {
		ok, err := tryLock(f)
		if err != nil {
			f.Close()
			return nil, &os.PathError{Op: "lock", Path: path, Err: err}
		}
		if ok {
			return &CacheLock{f: f}, nil
		}
		if !time.Now().Before(deadline) {
			f.Close()
			return nil, fmt.Errorf("%s: %w", path, ErrLocked)
		}
		time.Sleep(min(lockPoll, time.Until(deadline)))
	}
}

// Unlock releases the lock.
func (l *CacheLock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	err := l.f.Close() // closing the descriptor drops the flock
	l.f = nil
	return err
}
