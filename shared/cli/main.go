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
// outputs registered with fileio.OnInterrupt (and ends what commands registered there) before exiting 130.
func Main(run func(env *Env, args []string) error) {
	env := OSEnv()
	stopSignals := handleInterrupts()
	err := run(env, os.Args[1:])
	stopSignals()
	os.Exit(Report(env.Stderr, err))
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
