//go:build darwin || freebsd || netbsd || openbsd

package digestcache

import "syscall"

func mtime(s *syscall.Stat_t) int64 { return s.Mtimespec.Nano() }
func ctime(s *syscall.Stat_t) int64 { return s.Ctimespec.Nano() }
