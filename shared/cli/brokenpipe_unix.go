//go:build unix

package cli

import (
	"os"
	"os/signal"
	"syscall"

	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
)

// endOnBrokenPipe makes a write to stdout after its reader has gone (`… -o - | head`) end the
// process by SIGPIPE, as every Unix tool ends, but only after the partial outputs and temporary
// files registered with fileio.OnInterrupt are removed: the Go runtime's own SIGPIPE exit would
// leave them. (The runtime ends a program this way even when it was started with SIGPIPE
// ignored, so that case ends the same.)
func endOnBrokenPipe(stdout *CheckedWriter) {
	// While notified, a write to a closed pipe returns EPIPE instead of killing the process.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	stdout.mu.Lock()
	stdout.onPipe = func() {
		fileio.RunInterruptCleanups()
		signal.Reset(syscall.SIGPIPE)
		// With SIGPIPE back to its default, the runtime answers EPIPE on fd 1 by raising it.
		os.Stdout.Write([]byte{'\n'})
		os.Exit(128 + int(syscall.SIGPIPE)) // what a shell reports for a death by SIGPIPE
	}
	stdout.mu.Unlock()
}
