//go:build unix

package gwcache

import (
	"errors"
	"os"
	"syscall"
)

// FileLocks is true: Lock and TempAbandoned use flock, which keeps a gc and a pull apart.
const FileLocks = true

// tryLock takes an exclusive flock on f without blocking; false when someone else holds it.
func tryLock(f *os.File) (bool, error) {
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		switch {
		case err == nil:
			return true, nil
		case errors.Is(err, syscall.EWOULDBLOCK):
			return false, nil
		case errors.Is(err, syscall.EINTR):
			continue
		}
		return false, err
	}
}
