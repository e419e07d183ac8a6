package clitest

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/mcpg-dev/mcpg-plugins/shared/cli"
	"golang.org/x/sys/unix"
)

// Terminal opens a pseudo-terminal and returns what a command sees as a terminal (to give it as
// stdout) and a check that reports how many bytes reached it so far, never blocking for more than
// a moment. Both ends are closed when the test ends. The test is skipped where no
// pseudo-terminal can be had.
func Terminal(t *testing.T) (term *os.File, written func() int) {
	t.Helper()
	// The controlling side stays a raw non-blocking descriptor, polled with a timeout: a read
	// on it can never hang the test.
	control, err := unix.Open("/dev/ptmx", unix.O_RDWR|unix.O_NOCTTY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { unix.Close(control) })
	if err := unix.IoctlSetPointerInt(control, unix.TIOCSPTLCK, 0); err != nil {
		t.Skipf("unlock pseudo-terminal: %v", err)
	}
	n, err := unix.IoctlGetInt(control, unix.TIOCGPTN)
	if err != nil {
		t.Skipf("pseudo-terminal number: %v", err)
	}
	term, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("open pseudo-terminal: %v", err)
	}
	t.Cleanup(func() { term.Close() })
	written = func() int {
		total := 0
		buf := make([]byte, 4096)
		for {
			fds := []unix.PollFd{{Fd: int32(control), Events: unix.POLLIN}}
			if k, err := unix.Poll(fds, 50); k <= 0 || err != nil {
				return total
			}
			m, err := unix.Read(control, buf)
			if m <= 0 || err != nil {
				return total
			}
			total += m
		}
	}
	return term, written
}

// RunOnTerminal runs a tool's command in-process with stdout on a terminal (as cli.Main wraps
// it) and checks that it refuses to write binary there: a usage error (exit 2) naming the
// terminal, with a hint, and not one byte written to the terminal.
func RunOnTerminal(t *testing.T, tool cli.Tool, args ...string) {
	t.Helper()
	term, written := Terminal(t)
	var stderr bytes.Buffer
	env := &cli.Env{Stdin: strings.NewReader(""), Stdout: cli.NewCheckedWriter(term), Stderr: &stderr,
		Getenv: func(string) string { return "" }}
	err := tool.Run(env, args)
	if code := cli.CodeOf(err); code != cli.ExitUsage {
		t.Fatalf("%s %s: exit %d (%v), want %d", tool.Name, strings.Join(args, " "), code, err, cli.ExitUsage)
	}
	if !strings.Contains(err.Error(), "refusing to write binary output to a terminal") {
		t.Errorf("error %q does not say why", err)
	}
	if h := cli.HintOf(err); !strings.Contains(h, "-o FILE") {
		t.Errorf("hint %q does not suggest -o FILE", h)
	}
	if n := written(); n > 0 {
		t.Errorf("%d bytes reached the terminal", n)
	}
}
