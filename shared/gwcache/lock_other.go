//go:build !unix

package gwcache

import "os"

// tryLock: no flock here, so the lock is advisory in name only.
func tryLock(*os.File) (bool, error) { return true, nil }
