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
// "error: <msg>" (and "hint: <hint>", see HintOf) on stderr, and on SIGINT/SIGTERM/SIGHUP removes the partial outputs
// registered with fileio.OnInterrupt before exiting 130.
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

func handleInterrupts() (stop func()) {
	ch := make(chan os.Signal, 1)
	signals := []os.Signal{os.Interrupt, syscall.SIGTERM}
	if !signal.Ignored(syscall.SIGHUP) { // under nohup it stays ignored
		signals = append(signals, syscall.SIGHUP)
	}
	signal.Notify(ch, signals...)
	done := make(chan struct{})
	// Held by whichever ends the process: a cleanup (killing a subprocess, say) can let the
	// command return meanwhile, and its exit code must not win over 130.
	var exiting sync.Mutex
	go func() {
		select {
		case <-ch:
			exiting.Lock()
			fileio.RunInterruptCleanups()
			fmt.Fprintln(os.Stderr, "interrupted: partial outputs removed")
			os.Exit(ExitInterrupted)
		case <-done:
		}
	}()
	return func() { signal.Stop(ch); close(done); exiting.Lock() }
}
