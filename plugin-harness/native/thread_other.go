//go:build !linux

package native

// threadID is unknown here; no host call is marked as coming from a plugin thread.
func threadID() int { return 0 }
