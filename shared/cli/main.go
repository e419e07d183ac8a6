package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"

	"github.com/mcpg-dev/mcpg-plugins/shared/fileio"
)

// Env is what a command sees of the world; tests substitute every field.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
}

// OSEnv is the process's real environment.
func OSEnv() *Env {
	return &Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
}

// Warnf prints a warning line to stderr.
func (e *Env) Warnf(format string, a ...any) {
	fmt.Fprintf(e.Stderr, "warning: "+format+"\n", a...)
}

// ErrHelp is returned by a command that printed its help on request; the exit code is 0.
var ErrHelp = errors.New("help requested")

// Main runs a binary's command and exits with the code from the shared table. It prints
// "error: <msg>" (and "hint: <hint>", see HintOf) on stderr, and on SIGINT/SIGTERM/SIGHUP removes the partial
// outputs registered with fileio.OnInterrupt (and ends what commands registered there) before exiting
// 130. Every write to stdout is checked, and its close: output lost to a full disk is exit 3
// (ReportStdout); a reader that went away ends the process by SIGPIPE, after the same cleanup.
func Main(run func(env *Env, args []string) error) {
	env := OSEnv()
	stdout := NewCheckedWriter(os.Stdout)
	env.Stdout = stdout
	endOnBrokenPipe(stdout)
	stopSignals := handleInterrupts()
	err := run(env, os.Args[1:])
	stopSignals()
	stdout.Close()
	os.Exit(ReportStdout(env.Stderr, err, stdout.Err()))
}

// Report prints err (if any) and returns the exit code for it.
func Report(stderr io.Writer, err error) int {
	if err == nil || errors.Is(err, ErrHelp) {
		return ExitOK
	}
	var silent *SilentError
	if errors.As(err, &silent) {
		return silent.Code
	}
	fmt.Fprintf(stderr, "error: %s\n", Message(err))
	if h := HintOf(err); h != "" {
		fmt.Fprintf(stderr, "hint: %s\n", h)
	}
	return CodeOf(err)
}

// ReportStdout is Report for a command whose stdout may have failed (stdoutErr, from
// CheckedWriter.Err). Output that never arrived is a failed write: a command that succeeded, or
// failed with exit 1 or 3 (the lost write itself, reworded, or a verdict nobody saw), ends with
// exit 3 and "error: cannot write stdout: …"; other failures (usage, network…) keep their code,
// the stdout error printed after theirs.
func ReportStdout(stderr io.Writer, err, stdoutErr error) int {
	if stdoutErr == nil {
		return Report(stderr, err)
	}
	code := ExitOK
	var silent *SilentError
	switch {
	case err == nil || errors.Is(err, ErrHelp):
	case errors.As(err, &silent):
		code = silent.Code
	case errors.Is(err, errors.Unwrap(stdoutErr)) || Message(err) == stdoutErr.Error(): // the same failure
		code = CodeOf(err)
	default:
		code = Report(stderr, err)
	}
	fmt.Fprintf(stderr, "error: %s\n", stdoutErr)
	if code == ExitOK || code == ExitFailed || code == ExitIO {
		return ExitIO
	}
	return code
}

// SilentError ends a command with a code after it has already reported the failure itself
// (verify prints "Verification: FAILED" and exits 1 without an extra error line).
type SilentError struct{ Code int }

func (e *SilentError) Error() string { return fmt.Sprintf("exit %d", e.Code) }

// handleInterrupts runs the interrupt cleanups and exits 130 on the first SIGINT, SIGTERM or SIGHUP (a
// closed terminal). The returned stop waits for a handler already under way: a cleanup that ends a
// command's child makes the command return, and its own exit must not overtake the 130.
func handleInterrupts() (stop func()) {
	ch := make(chan os.Signal, 1)
	signals := []os.Signal{os.Interrupt, syscall.SIGTERM}
	if !signal.Ignored(syscall.SIGHUP) { // under nohup it stays ignored
		signals = append(signals, syscall.SIGHUP)
	}
	signal.Notify(ch, signals...)
	done := make(chan struct{})
	var handling sync.Mutex // held for good once a signal is being handled: the process exits
	go func() {
		select {
		case <-ch:
			handling.Lock()
			fileio.RunInterruptCleanups()
			fmt.Fprintln(os.Stderr, "interrupted: partial outputs removed")
			os.Exit(ExitInterrupted)
		case <-done:
		}
	}()
	return func() {
		handling.Lock()
		signal.Stop(ch)
		close(done)
	}
}
