// Package cli holds what every mcpg-plugins binary shares: the exit-code table and the mapping of
// errors onto it, error and hint formatting, interspersed flag parsing, "-" for stdout, the signal
// handling that runs fileio's interrupt cleanups, and --json. Files themselves are shared/fileio's.
package cli

// Exit codes, the same in every binary. Scripts may rely on them; never renumber.
const (
	ExitOK          = 0   // success
	ExitFailed      = 1   // a check failed, or an input was rejected (malformed zip, descriptor, key…)
	ExitUsage       = 2   // the command line is wrong: unknown flag, missing argument, bad flag value, an output that is an input
	ExitIO          = 3   // a file or stdout could not be read or written (permissions, disk full, not found)
	ExitNetwork     = 4   // a registry could not be reached or answered with an error
	ExitAuth        = 5   // a registry refused the credentials
	ExitUnsupported = 6   // valid input this tool does not handle yet (e.g. a plugin class the harness cannot drive)
	ExitNotExec     = 126 // dispatcher: the tool exists but is not executable
	ExitNotFound    = 127 // dispatcher: no such tool installed
	ExitInterrupted = 130 // SIGINT/SIGTERM; partial outputs were removed
)

// ExitCodeTable is the table printed by `help exit-codes` and kept in the README.
const ExitCodeTable = `  0    success
  1    a check failed, or an input was rejected (verification failed, malformed package,
       descriptor or key)
  2    usage error (unknown flag, missing or extra argument, bad flag value, an output that
       is one of the command's inputs, under any name or link)
  3    I/O error (a file could not be read or written: missing, permissions, disk full, a
       directory where a file is to be written; stdout that could not be written)
  4    network error (registry unreachable or answering with an error)
  5    authentication error (registry refused the credentials)
  6    unsupported (valid input this tool does not handle yet)
  126  dispatcher: the tool was found but is not executable
  127  dispatcher: no such tool installed
  130  interrupted (partial outputs were removed)
  141  (as shells report it) ended by SIGPIPE: the reader of stdout went away, as in
       '… -o - | head'; like any Unix tool, it stops there (partial outputs were removed)
`
