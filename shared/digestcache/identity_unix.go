//go:build linux || darwin || freebsd || netbsd || openbsd

package digestcache

import (
	"fmt"
	"io/fs"
	"syscall"
)

// identity is what changes whenever the file's content can have changed.
func identity(st fs.FileInfo) (string, bool) {
	s, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return "", false
	}
	mt, ct := mtime(s), ctime(s)
	return fmt.Sprintf("%d:%d:%d:%d:%d", s.Dev, s.Ino, st.Size(), mt, ct), true
}
