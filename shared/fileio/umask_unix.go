//go:build unix

package fileio

import (
	"os"
	"sync"
	"syscall"
)

var (
	umaskOnce  sync.Once
	umaskValue os.FileMode
)

// umask reads the process umask once (setting it back immediately), so atomic files get the same
// mode a plain create would have given them.
func umask() os.FileMode {
	umaskOnce.Do(func() {
		m := syscall.Umask(0)
		syscall.Umask(m)
		umaskValue = os.FileMode(m)
	})
	return umaskValue
}
