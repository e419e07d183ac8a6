//go:build linux

package digestcache

import "syscall"

func mtime(s *syscall.Stat_t) int64 { return s.Mtim.Nano() }
func ctime(s *syscall.Stat_t) int64 { return s.Ctim.Nano() }
