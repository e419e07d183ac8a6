//go:build !unix

package cli

// endOnBrokenPipe does nothing where there is no SIGPIPE: a write to a closed pipe fails, and is
// reported like any other write error (exit 3).
func endOnBrokenPipe(*CheckedWriter) {}
