//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package digestcache

import "io/fs"

// identity is unavailable here: no cache, always rehash.
func identity(fs.FileInfo) (string, bool) { return "", false }
