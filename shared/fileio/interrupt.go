package fileio

import "sync"

// The registry of what to remove if the process is interrupted, so no partial file survives Ctrl-C.
// The signal handling itself belongs to the program (shared/cli installs it and calls
// RunInterruptCleanups).
var (
	cleanupMu sync.Mutex
	cleanups  = map[int]func(){}
	cleanupID int
)

// OnInterrupt registers cleanup to run on SIGINT/SIGTERM; the returned func unregisters it.
func OnInterrupt(cleanup func()) (unregister func()) {
	cleanupMu.Lock()
	defer cleanupMu.Unlock()
	cleanupID++
	id := cleanupID
	cleanups[id] = cleanup
	return func() {
		cleanupMu.Lock()
		delete(cleanups, id)
		cleanupMu.Unlock()
	}
}

// RunInterruptCleanups runs every registered cleanup; the program exits right after.
func RunInterruptCleanups() {
	cleanupMu.Lock()
	for _, f := range cleanups {
		f()
	}
	cleanupMu.Unlock()
}
