//go:build !unix

package gwcache

import "os"

// FileLocks is false: no flock here, so Lock and TempAbandoned keep no process out. Tools say so
// where it matters (cache gc), rather than let a gc beside a pull pass for safe.
const FileLocks = false

// tryLock: no flock here, so the lock is advisory in name only.
func tryLock(*os.File) (bool, error) { return true, nil }
