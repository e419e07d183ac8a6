package native

import "syscall"

// threadID names the calling OS thread, so host calls from plugin-created threads can be marked.
func threadID() int { return syscall.Gettid() }
